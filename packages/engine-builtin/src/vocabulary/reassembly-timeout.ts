// RFC 8200 §4.5's 60-second reassembly timer seen from the wire: after an incomplete datagram whose first
// fragment arrived, the NUT abandons it and sends Time Exceeded code 1 (fragment reassembly time exceeded)
// quoting that first fragment. TAHI waits up to 65 s and calls one before 55 s too early; these cases wait
// longer, and call one after 65 s late, a WARN, not a FAIL: a 60 s kernel timer may fire 2 s late (timer
// wheel at HZ=250), and a TCG NUT starved of CPU on a loaded lab was seen sending it after 84-86 s. One
// early or late by the tester's clock but within TAHI's window by the NUT's own tick clock is on time.
import { normalizeIpv6, type DecodedFrame } from '@testlab/packet';
import { fail, pass, warn, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import type { ReceivedFrame } from '../runner/tester-link.js';
import { nutSecondsBetween, readReassemblyCounters, silenceExplained, type ReassemblyCounters } from './nut-reassembly-counters.js';
import { toTester } from './probe-outcomes.js';
import { MIN_MTU } from './tahi-network.js';

export const REASSEMBLY_TIMEOUT_S = 60;
/** TAHI's exceed_min / exceed_max: 60 s ± 5 s. */
export const TIMER_SLACK_S = 5;
/** How long the tester waits at most before calling the Time Exceeded missing. */
export const LATE_LIMIT_S = 95;
/** TAHI listens this long for a Time Exceeded that must not come: the reassembly time and its slack. */
export const TAHI_SILENCE_S = REASSEMBLY_TIMEOUT_S + TIMER_SLACK_S;
/** After the NUT's clock has served TAHI's silence: time for a frame it sent just then to reach the tester. */
const IN_FLIGHT_MS = 500;
/**
 * How long the tester listens at most for a NUT whose clock lags: its 65 s may take this long when its VM
 * loses a third of its ticks (seen while npm and tsc ran beside 6 NUTs: 64.9 s of NUT time in 95 s). Within
 * TIMER_CASE_TIMEOUT_MS with the control that follows.
 */
const SILENCE_LIMIT_S = 115;
/** What a case that waits on the timer declares as its timeoutMs: the wait, setup and a control after it. */
export const TIMER_CASE_TIMEOUT_MS = 130_000;

export interface TimeExceededWait {
  /** The tester node the first fragment came from (the error goes to its address). */
  to: string;
  /** The first fragment as sent (its IPv6 header must start the quote). */
  first: Uint8Array;
  /** When the first fragment left the tester (Date.now()). */
  sentAt: number;
  /** The NUT's address the fragments went to: the error must come from it (RFC 4443 §2.2 (a)). */
  nutAddress: string;
  /** "an Echo Request whose middle fragment never came". */
  what: string;
  rfc: string;
  /** The NUT's reassembly counters read just before the first fragment went out (readReassemblyCounters). */
  countersBefore?: ReassemblyCounters;
}

/** The NUT's own seconds since `before` (its tick clock, read now), when `before` has the tick clock. */
async function nutSecondsSince(ctx: CaseContext, before: ReassemblyCounters | undefined): Promise<ReturnType<typeof nutSecondsBetween> | undefined> {
  const now = before?.tickMs !== undefined ? await readReassemblyCounters(ctx) : undefined;
  return now ? nutSecondsBetween(before!, now) : undefined;
}

/**
 * Waits for the NUT's Time Exceeded code 1 about the incomplete datagram and judges it as TAHI does: none,
 * an Echo Reply (the datagram was put together wrongly), one before 55 s, a wrong code, source or quote
 * FAIL; one after 65 s WARN.
 */
export async function reassemblyTimeExceeded(ctx: CaseContext, w: TimeExceededWait): Promise<CaseVerdict> {
  const link = ctx.link();
  const expected = `Time Exceeded code 1 for ${w.what}, ${REASSEMBLY_TIMEOUT_S} s (± ${TIMER_SLACK_S} s) after its first fragment`;
  const left = LATE_LIMIT_S * 1000 - (Date.now() - w.sentAt);
  const got = await link.expect((f) => toTester(w.to)(f) && (f.icmpv6?.type === 'time-exceeded' || f.icmpv6?.type === 'echo-reply'), Math.max(0, left));
  if (!got) {
    // The NUT's own counters say whether it timed the datagram out at all: silence is the kernel's FAIL only
    // when they show it ignored the fragments or sent nothing; when its timer had not run, or its error was
    // lost, the lab could not judge (an ERROR: thrown).
    const why = w.countersBefore ? silenceExplained(w.countersBefore, await readReassemblyCounters(ctx)) : undefined;
    if (why && 'lab' in why) throw new Error(`no Time Exceeded in ${LATE_LIMIT_S} s and the lab cannot judge why: ${why.lab}`);
    return fail(w.rfc, expected, `nothing in ${LATE_LIMIT_S} s: ${why ? why.nut : 'the NUT ignored the fragments or never timed the datagram out'}`);
  }
  const m = got.frame.icmpv6!;
  if (m.type === 'echo-reply') return fail(w.rfc, `${w.what} never reassembled (no Echo Reply)`, 'an Echo Reply: the NUT put together fragments that do not make one datagram');
  if (m.type !== 'time-exceeded') throw new Error('unreachable');
  const after = (got.atMs - w.sentAt) / 1000;
  const seen = `Time Exceeded code ${m.code} after ${after.toFixed(1)} s`;
  if (m.code !== 1) return fail('RFC 4443 §3.3', expected, seen);
  let earlyOnTime: string | undefined;
  if (after < REASSEMBLY_TIMEOUT_S - TIMER_SLACK_S) {
    // Early by the tester's clock: was it early by the NUT's? Linux times fragments in jiffies, and a TCG VM's
    // ticks can run ahead of real time for a while (emulated timer interrupts catching up after a starved
    // spell; seen: 1.3.1-E's error 52.3 s after the first fragment, a kernel build beside). The tick clock from
    // before the first fragment to a reading just after the error, less the tester's time since the error,
    // bounds the NUT's own time to it from below; TAHI's window there is the kernel's PASS.
    const own = await nutSecondsSince(ctx, w.countersBefore);
    const atLeast = own ? own.seconds - (Date.now() - got.atMs) / 1000 : undefined;
    const onTime = own?.clock === 'tick' && atLeast !== undefined && atLeast >= REASSEMBLY_TIMEOUT_S - TIMER_SLACK_S && own.seconds <= REASSEMBLY_TIMEOUT_S + TIMER_SLACK_S;
    if (!onTime) return fail(w.rfc, expected, `${seen}: too early${own && atLeast !== undefined ? ` (${Math.max(0, atLeast).toFixed(1)}-${own.seconds.toFixed(1)} s of the NUT's ${own.clock === 'tick' ? 'tick clock' : 'clock'})` : ''}`);
    earlyOnTime = `${seen} by the tester's clock but ${atLeast!.toFixed(1)}-${own!.seconds.toFixed(1)} s of the NUT's own tick clock (/proc/stat): on time for the NUT, whose VM's clock ran fast`;
  }
  const src = normalizeIpv6(got.frame.ipv6!.src);
  if (src !== normalizeIpv6(w.nutAddress)) return fail('RFC 4443 §2.2 (a)', `the Time Exceeded from ${w.nutAddress}, the address the fragments went to`, `it from ${src}`);
  const size = got.bytes.length - 14;
  if (size > MIN_MTU) return fail('RFC 4443 §2.4 (c)', `the Time Exceeded no larger than ${MIN_MTU} octets`, `${size} octets`);
  const ours = w.first.subarray(14, 54);
  if (m.invoking.length < 40 || m.invoking.subarray(0, 40).some((b, i) => b !== ours[i])) {
    return fail('RFC 8200 §4.5', 'the Time Exceeded quoting the first fragment', `${m.invoking.length} quoted octets not starting with the first fragment's IPv6 header`);
  }
  if (earlyOnTime) return pass(`${earlyOnTime}; from ${src}, quoting the first fragment`);
  if (after > REASSEMBLY_TIMEOUT_S + TIMER_SLACK_S) {
    // Late by the tester's clock: was it late by the NUT's? Its tick clock from before the first fragment to
    // now bounds the NUT's own time to the error from above; within TAHI's window there, the timer was on time
    // and the VM's lost ticks (a starved TCG guest) made it late: the kernel's PASS.
    const own = await nutSecondsSince(ctx, w.countersBefore);
    if (own?.clock === 'tick' && own.seconds >= REASSEMBLY_TIMEOUT_S - TIMER_SLACK_S && own.seconds <= REASSEMBLY_TIMEOUT_S + TIMER_SLACK_S) {
      return pass(`${seen} by the tester's clock but within ${own.seconds.toFixed(1)} s of the NUT's own tick clock (/proc/stat): on time for the NUT, whose VM lost ticks; from ${src}, quoting the first fragment`);
    }
    return warn(w.rfc, expected, `${seen}: late (TAHI waits ${REASSEMBLY_TIMEOUT_S + TIMER_SLACK_S} s)${own ? `; ${own.seconds.toFixed(1)} s of the NUT's ${own.clock === 'tick' ? 'tick clock' : 'clock'}` : ''}`);
  }
  return pass(`${seen} from ${src}, quoting the first fragment`);
}

/**
 * Listens after fragments that must draw no Time Exceeded (nor anything `match` takes) for TAHI's 65 s, counted
 * on the NUT's own clock: a NUT that kept the datagram times it out at 60 s of its time, and a TCG NUT starved of
 * CPU does so late by the tester's clock (84-86 s was seen), where a fixed 65 s of the tester's would have
 * heard silence for the wrong reason. So the NUT's clock is read, `send` puts the fragments out, and the tester
 * listens 65 s, then as long as the NUT's tick clock still lacks of 65 s, up to SILENCE_LIMIT_S
 * of the tester's; a NUT whose clock cannot be read gets LATE_LIMIT_S, as the cases that wait for the Time
 * Exceeded do. A NUT whose clock has not counted 65 s by then leaves the lab unable to judge: an ERROR
 * (thrown), never a PASS.
 */
export async function reassemblySilence(ctx: CaseContext, match: (f: DecodedFrame) => boolean, send: () => Promise<unknown>): Promise<{ broken: ReceivedFrame } | { heard: string }> {
  const before = await readReassemblyCounters(ctx);
  const sentAt = Date.now();
  await send();
  const link = ctx.link();
  const lateAt = sentAt + SILENCE_LIMIT_S * 1000;
  const listen = async (untilMs: number) => link.expectNothing(match, Math.max(0, untilMs - Date.now()));
  let broken = await listen(sentAt + TAHI_SILENCE_S * 1000);
  if (broken) return { broken };
  if (!before) {
    broken = await listen(sentAt + LATE_LIMIT_S * 1000);
    return broken ? { broken } : { heard: `nothing in ${LATE_LIMIT_S} s (the NUT's clock could not be read, so the tester listened past TAHI's ${TAHI_SILENCE_S} s)` };
  }
  for (;;) {
    const now = await readReassemblyCounters(ctx);
    const own = now ? nutSecondsBetween(before, now) : undefined;
    const tester = ((Date.now() - sentAt) / 1000).toFixed(1);
    if (own && own.seconds >= TAHI_SILENCE_S) {
      broken = await listen(Date.now() + IN_FLIGHT_MS);
      const clock = own.clock === 'tick' ? 'tick clock' : 'clock';
      return broken ? { broken } : { heard: `nothing in ${own.seconds.toFixed(1)} s of the NUT's ${clock} (TAHI listens ${TAHI_SILENCE_S} s; ${tester} s of the tester's)` };
    }
    if (Date.now() >= lateAt) {
      throw new Error(`the lab could not judge the silence: after ${tester} s the NUT's clock had counted ${own ? `${own.seconds.toFixed(1)} s` : 'nothing readable'} of TAHI's ${TAHI_SILENCE_S} s (a VM starved of CPU)`);
    }
    const lacking = own ? (TAHI_SILENCE_S - own.seconds) * 1000 : 1000;
    broken = await listen(Math.min(lateAt, Date.now() + lacking + 100));
    if (broken) return { broken };
  }
}
