// The algorithm tests (p2_HTR_E_Common.seq as 5.2.n, p2_SGW_E_Common.seq as 6.2.n): one SA pair with the
// row's algorithms and keys, one exchange through it. The tester encrypts and checks ICVs itself, so a
// NUT that gets an algorithm or a key wrong is caught by the answer it sends.
import { hex32 } from '@testlab/ipsec';
import { pass, type CaseDefinition } from '../runner/case.js';
import { ALGORITHM_TESTS } from './ipsec-algorithms.js';
import { failAnswer, ipsecCases } from './ipsec-case.js';
import { echoNut, hostTransport } from './ipsec-end-node.js';
import { setNutIpsec } from './ipsec-nut.js';
import { forwardBidir, gatewayTunnel } from './ipsec-sgw.js';
import { END, SGW } from './ipsec-topology.js';
import { named, talk } from './ipsec-traffic.js';

/** RFC 4303 §3.2 (algorithms of an SA), RFC 8221 §5 and §6 (what to implement). */
export const ALGORITHM_RFC = 'RFC 4303 §3.2, RFC 8221';

export function algorithmTest(n: number) {
  const row = ALGORITHM_TESTS.find((a) => a.n === n);
  if (!row) throw new Error(`no algorithm test ${n}`);
  return row;
}

export function endNodeAlgorithmCases(n: number): CaseDefinition[] {
  const { algorithms, requires } = algorithmTest(n);
  return ipsecCases({
    n: `5.2.${n}`,
    title: `Host transport mode, ESP=${algorithms.label}`,
    udpTitle: n === 3 ? 'Host transport mode, ESP=3DES-CBC HMAC-NULL' : undefined,
    rfc: ALGORITHM_RFC,
    mode: 'ipsec-end-node',
    ...(requires ? { requires: [requires] } : {}),
    async run(ctx, app) {
      const host1 = hostTransport(ctx, { algorithms });
      await setNutIpsec(ctx, host1.states, host1.policies);
      const t = talk(app, 1);
      const r = await echoNut(ctx, { talk: t, host: END.host1Net1, send: host1.toNut, note: `HOST1 in ESP ${algorithms.label}` }, host1.fromNut, host1.states.map((s) => s.sa));
      if (!r.ok) return failAnswer(ALGORITHM_RFC, `${named(t, 'reply')} in ESP ${algorithms.label} on SA ${hex32(host1.fromNut.sa.spi)}`, r);
      return pass(`answered in ESP ${algorithms.label}`);
    },
  });
}

/** 6.2.n: HOST2_NET3's request through SGW1's tunnel to HOST1, and HOST1's answer back into it. */
export function sgwAlgorithmCases(n: number): CaseDefinition[] {
  const { algorithms, requires } = algorithmTest(n);
  // Both SGW INDEX files name the NULL-integrity row "HMAC-NULL".
  const label = n === 3 ? '3DES-CBC HMAC-NULL' : algorithms.label;
  return ipsecCases({
    n: `6.2.${n}`,
    title: `SGW tunnel mode, ESP=${label}`,
    rfc: ALGORITHM_RFC,
    mode: 'security-gateway',
    ...(requires ? { requires: [requires] } : {}),
    async run(ctx, app) {
      const sgw1 = gatewayTunnel({ algorithms });
      await setNutIpsec(ctx, sgw1.states, sgw1.policies);
      const t = talk(app, 1);
      const { step, r } = await forwardBidir(ctx, t, SGW.host2Net3, sgw1, sgw1.states.map((s) => s.sa));
      if (!r.ok) {
        const expected = step === 'in' ? `${named(t, 'request')} in ESP ${algorithms.label} from SGW1 forwarded to HOST1` : `HOST1's answer forwarded in ESP ${algorithms.label} on SA ${hex32(sgw1.fromNut.sa.spi)}`;
        return failAnswer(ALGORITHM_RFC, expected, r);
      }
      return pass(`forwarded both ways through the tunnel in ESP ${algorithms.label}`);
    },
  });
}
