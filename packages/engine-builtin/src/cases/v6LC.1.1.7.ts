// v6LC.1.1.7 Unrecognized Next Header (RFC 8200 §4, RFC 4443 §3.4): a Next Header value the NUT does not
// know draws Parameter Problem code 1 pointing at the Next Header field (A); a header that is not the one the
// Next Header names is read as the named one (B).
import { normalizeIpv6 } from '@testlab/packet';
import { fail, pass, type CaseDefinition } from '../runner/case.js';
import { echoRequest } from '../vocabulary/echo.js';
import { ALL_MODES } from '../vocabulary/nut-modes.js';
import { pattern } from '../vocabulary/payload.js';
import { expectIcmpError } from '../vocabulary/probe-outcomes.js';
import { TN1 } from '../vocabulary/tester-nodes.js';
import { ANSWER_WINDOW_MS } from '../vocabulary/timing.js';

// Values no IPv6 implementation knows (IANA unassigned / MANET): each must draw Parameter Problem code 1
// with the pointer at the Next Header field (offset 6). Spaced so ICMPv6 rate limiting does not decide.
const UNRECOGNIZED = [138, 200, 252];

const unrecognizedNextHeader: CaseDefinition = {
  id: 'v6LC.1.1.7-A',
  title: 'Unrecognized Next Header: Part A: Unrecognized Next Header in IPv6 Header (Multiple Values)',
  rfc: 'RFC 8200 §4',
  appliesTo: ALL_MODES,
  async run(ctx) {
    const rfc = 'RFC 8200 §4, RFC 4443 §3.4';
    const nut = ctx.nutOn();
    const tn1 = ctx.node(TN1);
    for (const nh of UNRECOGNIZED) {
      const sent = await ctx.link().send(
        { eth: { src: tn1.mac, dst: nut.mac }, ipv6: { src: tn1.address, dst: nut.linkLocal }, payload: { nextHeader: nh, bytes: pattern(16) } },
        `next header ${nh}`,
      );
      const got = await ctx.link().expect((f) => f.icmpv6?.type === 'parameter-problem' && normalizeIpv6(f.ipv6?.dst ?? '::') === tn1.address, ANSWER_WINDOW_MS);
      if (!got) return fail(rfc, `Parameter Problem code 1 pointer 6 for next header ${nh}`, ctx.link().seenSinceSend());
      const m = got.frame.icmpv6;
      if (m?.type !== 'parameter-problem') throw new Error('unreachable');
      if (m.code !== 1 || m.pointer !== 6) return fail(rfc, `Parameter Problem code 1 pointer 6 for next header ${nh}`, `code ${m.code} pointer ${m.pointer}`);
      const quoted = m.invoking;
      if (quoted.length < 40 || quoted[6] !== nh) return fail('RFC 4443 §3.4', 'the invoking packet quoted in the Parameter Problem', `${quoted.length} bytes quoted, next header ${quoted[6] ?? 'missing'}`);
      if (sent.length < 14 + 40) throw new Error('sent frame too short');
      await new Promise((r) => setTimeout(r, 1_100));
    }
    return pass(`Parameter Problem code 1 pointer 6 for next headers ${UNRECOGNIZED.join(', ')}`);
  },
};

/**
 * TAHI's IP_NH_Unexpected: the IPv6 header says Hop-by-Hop (0) but a Fragment header follows (offset 0, M
 * clear, Identification 0x00008700). Read as Hop-by-Hop options, as the NUT must, its last two octets are an
 * unknown option of type 0x87 (10b: discard and report): Parameter Problem code 2 pointing at offset 46.
 */
const unexpectedNextHeader: CaseDefinition = {
  id: 'v6LC.1.1.7-B',
  title: 'Unrecognized Next Header: Part B: Unexpected Next Header in IPv6 Header',
  rfc: 'RFC 8200 §4, §4.2',
  appliesTo: ALL_MODES,
  async run(ctx) {
    const tn1 = ctx.node(TN1);
    const fragmentHeader = Uint8Array.of(0, 0, 0, 0, 0, 0x87, 0); // after its Next Header: reserved, offset/M, Identification
    const frame = { ...echoRequest(tn1, { mac: ctx.nutOn().mac, address: ctx.nutOn().linkLocal }, 0x1172), extensionHeaders: [{ type: 'raw' as const, protocol: 0, body: fragmentHeader }] };
    const r = await expectIcmpError(ctx, frame, tn1.address, { type: 'parameter-problem', code: 2, pointer: 46 }, { rfc: 'RFC 8200 §4.2', what: 'a Fragment header behind Next Header 0 (Hop-by-Hop)' });
    return 'failed' in r ? r.failed : pass('Parameter Problem code 2 pointer 46: the Fragment header was read as the Hop-by-Hop header the IPv6 header announced');
  },
};

export const cases: CaseDefinition[] = [unrecognizedNextHeader, unexpectedNextHeader];
