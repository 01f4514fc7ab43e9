// IPsec.5.1.8 Padding (p2_HTR_E_Padding.seq): 7-octet requests padded with 7, then 255 octets (Pad Length
// 255: the most RFC 4303 §2.4 allows); the NUT must accept both, and pad its own answers so that payload,
// padding and trailer fill whole 3DES blocks with a Pad Length of 7..255.
import { fail, pass } from '../runner/case.js';
import { failAnswer, ipsecCases } from '../vocabulary/ipsec-case.js';
import { echoNut, hostTransport } from '../vocabulary/ipsec-end-node.js';
import { setNutIpsec } from '../vocabulary/ipsec-nut.js';
import { paddingProblem } from '../vocabulary/ipsec-padding.js';
import { END } from '../vocabulary/ipsec-topology.js';
import { ODD_DATA, named, talk } from '../vocabulary/ipsec-traffic.js';

const RFC = 'RFC 4303 §2.4';

export const cases = ipsecCases({
  n: '5.1.8',
  title: 'Padding, ESP=3DES-CBC HMAC-SHA1',
  rfc: RFC,
  mode: 'ipsec-end-node',
  async run(ctx, app) {
    const host1 = hostTransport(ctx);
    await setNutIpsec(ctx, host1.states, host1.policies);
    const known = host1.states.map((s) => s.sa);
    const pads: number[] = [];
    for (const [n, padding] of [[1, 7], [2, 255]] as const) {
      const t = talk(app, n, ODD_DATA);
      const r = await echoNut(ctx, { talk: t, host: END.host1Net1, send: host1.toNut, esp: { paddingLength: padding }, note: `HOST1, Pad Length ${padding}` }, host1.fromNut, known);
      if (!r.ok) return failAnswer(RFC, `${named(t, 'reply')} in ESP on SA 0x2000 to a request with Pad Length ${padding}`, r);
      const problem = paddingProblem(r.verdict);
      if (problem) return fail(RFC, `the answer padded to whole 8-octet blocks with a Pad Length of 7..255`, problem);
      pads.push(r.verdict!.esp!.esp!.padLength!);
    }
    return pass(`requests with Pad Length 7 and 255 answered; the NUT padded with ${pads.join(' and ')}`);
  },
});
