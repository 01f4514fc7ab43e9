// Group 1, the IPv6 header (RFC 8200 §3): v6LC.1.1.1 Version Field, 1.1.2 Traffic Class, 1.1.4 Flow
// Label, 1.1.5 Payload Length, 1.1.6 No Next Header, 1.1.7 Unrecognized Next Header, 1.1.8 Hop Limit Zero.
import { encodeIcmpv6, normalizeIpv6 } from '@testlab/packet';
import { fail, pass, type CaseDefinition } from '../runner/case.js';
import { isEchoReply, nutAnswersEcho } from '../vocabulary/echo.js';
import { answeredDespite } from '../vocabulary/ignored-header-fields.js';
import { ALL_MODES } from '../vocabulary/nut-modes.js';
import { pattern } from '../vocabulary/payload.js';
import { expectSilence } from '../vocabulary/probe-outcomes.js';
import { TN1 } from '../vocabulary/tester-nodes.js';
import { ANSWER_WINDOW_MS } from '../vocabulary/timing.js';

export const versionField: CaseDefinition = {
  id: 'v6LC.1.1.1',
  title: 'Version Field',
  rfc: 'RFC 8200 §3',
  appliesTo: ALL_MODES,
  async run(ctx) {
    const nut = ctx.nutOn();
    const tn1 = ctx.node(TN1);
    const answered: string[] = [];
    // Versions other than 6 are not IPv6: the NUT must discard them, answering none.
    for (const [i, version] of [4, 0, 5, 7, 15].entries()) {
      await ctx.link().send(
        { eth: { src: tn1.mac, dst: nut.mac }, ipv6: { src: tn1.address, dst: nut.linkLocal, version }, icmpv6: { type: 'echo-request', id: 0x1111, seq: i, data: pattern(8) } },
        `version ${version}`,
      );
      const reply = await ctx.link().expectNothing((f) => isEchoReply(f, tn1.address, 0x1111, i), 600);
      if (reply) answered.push(`version ${version}`);
    }
    if (answered.length) return fail('RFC 8200 §3', 'Echo Requests with a version other than 6 discarded', `Echo Replies to ${answered.join(', ')}`);
    if (!(await nutAnswersEcho(ctx, tn1, 99))) return { verdict: 'FAIL', reason: 'the NUT answered no valid Echo Request either: cannot tell discarding from silence (RFC 4443 §4.2 requires a reply)' };
    return pass('versions 4, 0, 5, 7, 15 discarded; a version-6 request answered');
  },
};

// Values no IPv6 implementation knows (IANA unassigned / MANET): each must draw Parameter Problem code 1
// with the pointer at the Next Header field (offset 6). Spaced so ICMPv6 rate limiting does not decide.
const UNRECOGNIZED = [138, 200, 252];

export const unrecognizedNextHeader: CaseDefinition = {
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

export const trafficClassEndNode = answeredDespite({
  id: 'v6LC.1.1.2',
  title: 'Traffic Class Non-Zero - End Node',
  rfc: 'RFC 8200 §7',
  what: 'traffic class 0x12',
  field: { trafficClass: 0x12 },
});

export const flowLabelNonZero = answeredDespite({
  id: 'v6LC.1.1.4-A',
  title: 'Flow Label Non-Zero: Part A: NUT receives Non-Zero Flow Label',
  rfc: 'RFC 8200 §6',
  what: 'flow label 0x34567',
  field: { flowLabel: 0x34567 },
});

// Payload Length 8 + 9 = 17 (odd) and 8 + 10 = 18 (even): both exact, both answered.
export const payloadLengthOdd = answeredDespite({
  id: 'v6LC.1.1.5-A',
  title: 'Payload Length: Part A: Payload Length Odd',
  rfc: 'RFC 8200 §3',
  what: 'an odd Payload Length (17)',
  field: {},
  dataLength: 9,
});

export const payloadLengthEven = answeredDespite({
  id: 'v6LC.1.1.5-C',
  title: 'Payload Length: Part C: Payload Length Even',
  rfc: 'RFC 8200 §3',
  what: 'an even Payload Length (18)',
  field: {},
  dataLength: 10,
});

export const hopLimitZeroEndNode = answeredDespite({
  id: 'v6LC.1.1.8',
  title: 'Hop Limit Zero - End Node',
  rfc: 'RFC 8200 §3',
  what: 'hop limit 0 (only forwarding decrements and checks it)',
  field: { hopLimit: 0 },
});

export const noNextHeader: CaseDefinition = {
  id: 'v6LC.1.1.6-A',
  title: 'No Next Header after IPv6 Header: Part A: NUT Receives No Next Header',
  rfc: 'RFC 8200 §4.7',
  appliesTo: ALL_MODES,
  async run(ctx) {
    const rfc = 'RFC 8200 §4.7';
    const nut = ctx.nutOn();
    const tn1 = ctx.node(TN1);
    // Next Header 59 followed by the bytes of an Echo Request: they must be ignored, not answered.
    const echo = encodeIcmpv6({ type: 'echo-request', id: 0x1160, seq: 1, data: pattern(16) }, tn1.address, nut.linkLocal);
    const failed = await expectSilence(
      ctx,
      { eth: { src: tn1.mac, dst: nut.mac }, ipv6: { src: tn1.address, dst: nut.linkLocal }, payload: { nextHeader: 59, bytes: echo } },
      tn1.address,
      tn1,
      { rfc, what: 'a packet with Next Header 59 (an Echo Request behind it)' },
    );
    return failed ?? pass('the bytes after No Next Header were ignored; the NUT still answers Echo Requests');
  },
};
