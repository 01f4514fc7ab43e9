// IPsec.6.1.10 Padding (p2_SGW_E_Padding.seq): 7-octet requests from HOST2_NET3 through SGW1's tunnel,
// padded with 7, then 255 octets (the most RFC 4303 §2.4 allows); the NUT must forward both to HOST1 and
// pad the tunnel's answers so that inner packet, padding and trailer fill whole 3DES blocks with a Pad
// Length of 7..255. TAHI's SPD here selects the two hosts, not their networks.
import { fail, pass } from '../runner/case.js';
import { failAnswer, ipsecCases } from '../vocabulary/ipsec-case.js';
import { setNutIpsec } from '../vocabulary/ipsec-nut.js';
import { paddingProblem } from '../vocabulary/ipsec-padding.js';
import { forwardBidir, gatewayTunnel } from '../vocabulary/ipsec-sgw.js';
import { SGW } from '../vocabulary/ipsec-topology.js';
import { ODD_DATA, named, talk } from '../vocabulary/ipsec-traffic.js';

const RFC = 'RFC 4303 §2.4';

export const cases = ipsecCases({
  n: '6.1.10',
  title: 'Padding, ESP=3DES-CBC HMAC-SHA1',
  rfc: RFC,
  mode: 'security-gateway',
  async run(ctx, app) {
    const sgw1 = gatewayTunnel({ nutSelector: SGW.host1Net0, peerSelector: SGW.host2Net3 });
    await setNutIpsec(ctx, sgw1.states, sgw1.policies);
    const known = sgw1.states.map((s) => s.sa);
    const pads: number[] = [];
    for (const [n, padding] of [[1, 7], [2, 255]] as const) {
      const t = talk(app, n, ODD_DATA);
      const { step, r } = await forwardBidir(ctx, t, SGW.host2Net3, sgw1, known, { esp: { paddingLength: padding }, note: `${named(t, 'request')} from HOST2_NET3 through SGW1, Pad Length ${padding}` });
      if (!r.ok) {
        const expected = step === 'in' ? `${named(t, 'request')} with Pad Length ${padding} forwarded to HOST1` : `HOST1's answer forwarded in the tunnel SA 0x2000`;
        return failAnswer(RFC, expected, r);
      }
      const problem = paddingProblem(r.verdict);
      if (problem) return fail(RFC, 'the tunnel packet padded to whole 8-octet blocks with a Pad Length of 7..255', problem);
      pads.push(r.verdict!.esp!.esp!.padLength!);
    }
    return pass(`requests with Pad Length 7 and 255 forwarded; the NUT padded its tunnel packets with ${pads.join(' and ')}`);
  },
});
