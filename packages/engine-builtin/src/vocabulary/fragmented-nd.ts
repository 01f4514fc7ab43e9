// Neighbor Discovery messages in fragments (RFC 6980 §5: a node MUST silently ignore an NS or NA that
// carries a Fragment Header, atomic fragments included). The two outcomes TAHI's nd.pm checks
// (V6LC_2_1_22_A, V6LC_2_1_23_{A,B}): a fragmented NS teaches the NUT nothing (a ping from its sender is
// still preceded by the NUT's own multicast NS); a fragmented NA does not complete a resolution (the queued
// reply does not leave), while a whole NA sent next does (the control).
import { normalizeIpv6, type FrameSpec } from '@testlab/packet';
import { fail, pass, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import { echoFrom, echoReplyTo } from './echo.js';
import { cutFragments, fragmentableLength, type Piece } from './fragments.js';
import { isNaFor, isNsFor, naFrom, nsToNut } from './nd-messages.js';
import { ND_TN1 } from './tester-nodes.js';
import { ANSWER_WINDOW_MS } from './timing.js';

const RFC = 'RFC 6980 §5';

/** The message `spec` as an atomic fragment (offset 0, M = 0) or cut into two fragments at 16 bytes. */
export function fragmented(spec: FrameSpec, how: 'atomic' | 'two'): FrameSpec[] {
  const length = fragmentableLength(spec);
  const pieces: Piece[] = how === 'atomic' ? [{ start: 0, end: length, more: false }] : [{ start: 0, end: 16 }, { start: 16, end: length }];
  return cutFragments(spec, 0x2122 + length, pieces);
}

/** TN1's NS (unicast, with SLLA) in fragments must be ignored: no NA, and TN1's ping makes the NUT solicit it. */
export async function fragmentedNsIgnored(ctx: CaseContext, how: 'atomic' | 'two'): Promise<CaseVerdict> {
  const what = how === 'atomic' ? 'an NS in an atomic fragment' : 'an NS in two fragments';
  for (const f of fragmented(nsToNut(ctx, ND_TN1, { unicast: true }), how)) await ctx.link().send(f, `TN1 sends ${what}`);
  const answered = await ctx.link().expectNothing((f) => isNaFor(ctx.nutOn().linkLocal)(f) && normalizeIpv6(f.ipv6?.dst ?? '::') === ND_TN1.address, 1_000);
  if (answered) return fail(RFC, `${what} silently ignored`, 'a Neighbor Advertisement answering it');
  await echoFrom(ctx, ND_TN1, 1, 'TN1 pings the NUT: it must not know TN1 yet');
  const first = await ctx.link().expect((f) => isNsFor(ND_TN1.address)(f) || echoReplyTo(ND_TN1, 1)(f), ANSWER_WINDOW_MS);
  const expected = `a multicast Neighbor Solicitation for TN1 (${what} created no entry)`;
  if (!first) return fail('RFC 4861 §7.2.2', expected, `${ctx.link().seenSinceSend()} (the NUT did not resolve TN1)`);
  if (first.frame.icmpv6?.type === 'echo-reply') return fail(RFC, expected, `the Echo Reply sent straight to ${first.frame.eth?.dst}: the NUT learned TN1 from ${what}`);
  if (!normalizeIpv6(first.frame.ipv6?.dst ?? '').startsWith('ff02::1:ff')) return fail(RFC, expected, `a unicast NS to ${first.frame.eth?.dst}: the NUT had an entry from ${what}`);
  return pass(`${what} was ignored: the NUT solicited TN1 before answering its ping`);
}

/** While the NUT resolves TN1, TN1's solicited NA in fragments must not complete it; a whole NA then must. */
export async function fragmentedNaIgnored(ctx: CaseContext, how: 'atomic' | 'two'): Promise<CaseVerdict> {
  const what = how === 'atomic' ? 'an NA in an atomic fragment' : 'an NA in two fragments';
  await echoFrom(ctx, ND_TN1, 1, 'TN1 pings the NUT, which has no entry for it');
  if (!(await ctx.link().expect(isNsFor(ND_TN1.address), ANSWER_WINDOW_MS))) return fail('RFC 4861 §7.2.2', 'a Neighbor Solicitation for TN1 (setup)', ctx.link().seenSinceSend());
  for (const f of fragmented(naFrom(ctx, ND_TN1, { solicited: true, override: true }), how)) await ctx.link().send(f, `TN1 answers with ${what}`);
  const early = await ctx.link().expectNothing(echoReplyTo(ND_TN1, 1), 800);
  if (early) return fail(RFC, `${what} silently ignored (the entry stays INCOMPLETE)`, 'the queued Echo Reply sent after it');
  await ctx.link().send(naFrom(ctx, ND_TN1, { solicited: true, override: true }), 'control: the same NA, whole');
  if (!(await ctx.link().expect(echoReplyTo(ND_TN1, 1), 2_000))) return fail('RFC 4861 §7.2.5', 'the queued Echo Reply once a whole NA arrived (control)', ctx.link().seenSinceSend());
  return pass(`${what} was ignored; the whole NA completed the resolution`);
}
