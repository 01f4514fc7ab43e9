// The three outcomes most Section 1/5 cases wait for after sending one crafted packet: the NUT answers the
// Echo Request, the NUT stays silent (and is shown to be alive), or the NUT reports an ICMPv6 error with a
// given type, code and pointer. Each returns undefined when the NUT did what the RFC says, else the FAIL.
import { normalizeIpv6, type DecodedFrame, type FrameSpec } from '@testlab/packet';
import { fail, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import type { ReceivedFrame } from '../runner/tester-link.js';
import type { SimulatedNode } from '../runner/simulated-node.js';
import { isEchoReply, nutAnswersEcho } from './echo.js';
import { ANSWER_WINDOW_MS } from './timing.js';

export const toTester = (address: string) => (f: DecodedFrame): boolean => f.ipv6 !== undefined && normalizeIpv6(f.ipv6.dst) === normalizeIpv6(address);

interface Probe {
  rfc: string;
  /** What was sent, for the reason: "an Echo Request with a Pad1 option in a Hop-by-Hop header". */
  what: string;
  link?: string;
}

/** Sends `frame`; the NUT must answer with the Echo Reply (id, seq) to `replyTo`. */
export async function expectEchoReply(ctx: CaseContext, frame: FrameSpec, replyTo: string, id: number, seq: number, p: Probe): Promise<CaseVerdict | undefined> {
  const link = ctx.link(p.link);
  await link.send(frame, p.what);
  const reply = await link.expect((f) => isEchoReply(f, replyTo, id, seq), ANSWER_WINDOW_MS);
  if (!reply) return fail(p.rfc, `an Echo Reply to ${p.what} within ${ANSWER_WINDOW_MS} ms`, link.seenSinceSend(toTester(replyTo)));
  return undefined;
}

/** Any ICMPv6 error message (types 0..127), whoever it is addressed to. */
export const isIcmpError = (f: DecodedFrame): boolean => f.icmpv6 !== undefined && f.icmpv6.icmpType < 128;

/** Anything addressed to the tester node but the NUT's own address resolution counts as an answer. */
export const isAnswer = (to: string) => (f: DecodedFrame): boolean => toTester(to)(f) && f.icmpv6?.type !== 'neighbor-solicitation';

/**
 * Sends `frame`; the NUT must send nothing back to `answerTo` (no reply, no error) and must still answer a
 * plain Echo Request from `control` afterwards: silence from a dead NUT proves nothing.
 */
export async function expectSilence(
  ctx: CaseContext,
  frame: FrameSpec,
  answerTo: string | ((f: DecodedFrame) => boolean),
  control: SimulatedNode,
  p: Probe & { windowMs?: number },
): Promise<CaseVerdict | undefined> {
  const link = ctx.link(p.link);
  await link.send(frame, p.what);
  const answer = await link.expectNothing(typeof answerTo === 'string' ? isAnswer(answerTo) : answerTo, p.windowMs ?? ANSWER_WINDOW_MS);
  if (answer) return fail(p.rfc, `${p.what} silently discarded`, `${describeAnswer(answer)} in answer`);
  if (!(await nutAnswersEcho(ctx, control, 0x7e57))) {
    return fail('RFC 4443 §4.2', 'an Echo Reply to the control Echo Request (silence alone proves nothing)', link.seenSinceSend());
  }
  return undefined;
}

export interface ErrorExpectation {
  type: 'parameter-problem' | 'destination-unreachable' | 'time-exceeded' | 'packet-too-big';
  code: number;
  /** Parameter Problem only: offset of the offending octet from the start of the invoking IPv6 header. */
  pointer?: number;
}

export function describeError(e: ErrorExpectation): string {
  const name = { 'parameter-problem': 'Parameter Problem', 'destination-unreachable': 'Destination Unreachable', 'time-exceeded': 'Time Exceeded', 'packet-too-big': 'Packet Too Big' }[e.type];
  return `${name} code ${e.code}${e.pointer !== undefined ? ` pointer ${e.pointer}` : ''}`;
}

/**
 * Sends `frame`; the NUT must send the ICMPv6 error `e` to `errorTo`, quoting the start of what was sent
 * (RFC 4443 §2.4 (c)). Returns the error frame on success so a case can check more.
 */
export async function expectIcmpError(
  ctx: CaseContext,
  frame: FrameSpec,
  errorTo: string,
  e: ErrorExpectation,
  p: Probe & { windowMs?: number },
): Promise<{ failed: CaseVerdict } | { error: ReceivedFrame }> {
  const link = ctx.link(p.link);
  const sent = await link.send(frame, p.what);
  const expected = `${describeError(e)} for ${p.what}`;
  const got = await link.expect((f) => toTester(errorTo)(f) && f.icmpv6?.type === e.type, p.windowMs ?? ANSWER_WINDOW_MS);
  if (!got) return { failed: fail(p.rfc, expected, link.seenSinceSend(isAnswer(errorTo))) };
  const m = got.frame.icmpv6!;
  const pointer = m.type === 'parameter-problem' ? m.pointer : undefined;
  if (m.code !== e.code || (e.pointer !== undefined && pointer !== e.pointer)) {
    return { failed: fail(p.rfc, expected, `${describeError({ type: e.type, code: m.code, ...(pointer !== undefined ? { pointer } : {}) })}`) };
  }
  if ('invoking' in m) {
    // The quote starts with the invoking packet's IPv6 header: its first 40 bytes must be the ones we sent,
    // but for the hop limit (octet 7): a router that fails a packet after forwarding it (no neighbor
    // answers) quotes it as forwarded, hop limit one lower.
    const ours = sent.subarray(14, 54);
    const quoted = m.invoking.subarray(0, 40);
    if (quoted.length < 40 || quoted.some((b, i) => i !== 7 && b !== ours[i])) {
      return { failed: fail('RFC 4443 §2.4 (c)', `the ${describeError(e)} to quote the invoking packet`, `${m.invoking.length} quoted bytes not starting with the packet sent`) };
    }
  }
  return { error: got };
}

export function describeAnswer(r: ReceivedFrame): string {
  const m = r.frame.icmpv6;
  if (!m) return `a packet (next header ${r.frame.upperLayerProtocol ?? '?'})`;
  if (m.type === 'parameter-problem') return `Parameter Problem code ${m.code} pointer ${m.pointer}`;
  if (m.type === 'echo-reply') return 'an Echo Reply';
  if (m.type === 'destination-unreachable' || m.type === 'time-exceeded') return `${m.type === 'time-exceeded' ? 'Time Exceeded' : 'Destination Unreachable'} code ${m.code}`;
  return `ICMPv6 type ${m.icmpType} code ${m.code}`;
}
