// IPsec.5.3.4 Tunnel Mode with SGW, Padding (p2_HTR_E_tunnelPadding.seq): as 5.1.8 inside the tunnel to
// SGW1: inner packets of 55 octets padded with 7, then 255 octets; the NUT must accept both and pad its
// answers to whole 3DES blocks with a Pad Length of 7..255 (RFC 4303 §2.4).
import { fail, pass } from '../runner/case.js';
import { failAnswer, ipsecCases } from '../vocabulary/ipsec-case.js';
import { echoNut, sgwTunnel } from '../vocabulary/ipsec-end-node.js';
import { setNutIpsec } from '../vocabulary/ipsec-nut.js';
import { paddingProblem } from '../vocabulary/ipsec-padding.js';
import { END } from '../vocabulary/ipsec-topology.js';
import { ODD_DATA, named, talk } from '../vocabulary/ipsec-traffic.js';

const RFC = 'RFC 4303 §2.4';

export const cases = ipsecCases({
  n: '5.3.4',
  title: 'Tunnel Mode with SGW, Padding, ESP=3DES-CBC HMAC-SHA1',
  udpTitle: 'Padding w/ Tunnel Mode, ESP=3DES-CBC HMAC-SHA1',
  rfc: RFC,
  mode: 'ipsec-end-node',
  requires: ['TUNNEL_MODE_WITH_SGW_SUPPORT'],
  async run(ctx, app) {
    const tunnel = sgwTunnel(ctx);
    await setNutIpsec(ctx, tunnel.states, tunnel.policies);
    const known = tunnel.states.map((s) => s.sa);
    const pads: number[] = [];
    for (const [n, padding] of [[1, 7], [2, 255]] as const) {
      const t = talk(app, n, ODD_DATA);
      const r = await echoNut(ctx, { talk: t, host: END.host1Net2, send: tunnel.toNut, esp: { paddingLength: padding }, note: `HOST1_NET2 through SGW1, Pad Length ${padding}` }, tunnel.fromNut, known);
      if (!r.ok) return failAnswer(RFC, `${named(t, 'reply')} through the tunnel to SGW1 to a request with Pad Length ${padding}`, r);
      const problem = paddingProblem(r.verdict);
      if (problem) return fail(RFC, 'the tunnel answer padded to whole 8-octet blocks with a Pad Length of 7..255', problem);
      pads.push(r.verdict!.esp!.esp!.padLength!);
    }
    return pass(`requests with Pad Length 7 and 255 answered; the NUT padded with ${pads.join(' and ')}`);
  },
});
