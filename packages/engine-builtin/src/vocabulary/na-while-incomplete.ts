// The two outcomes of a Neighbor Advertisement answering the NUT's own solicitation for TN1 (RFC 4861
// §7.2.5): accepted (the queued Echo Reply leaves for the advertised link-layer address) or discarded
// (nothing leaves; a valid NA sent next, within the NUT's 3 s of retries, must then be accepted).
import { type FrameSpec } from '@testlab/packet';
import { fail, pass, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import { isVerdict, provokeResolution } from './address-resolution.js';
import { echoReplyTo } from './echo.js';
import { naFrom } from './nd-messages.js';
import { ND_TN1 } from './tester-nodes.js';

const RFC = 'RFC 4861 §7.2.5';

/** The NUT must ignore `bad` (sent while it resolves TN1), and accept a valid NA afterwards. */
export async function naIgnoredWhileIncomplete(ctx: CaseContext, what: string, bad: FrameSpec, rfc = 'RFC 4861 §7.1.2'): Promise<CaseVerdict> {
  const ns = await provokeResolution(ctx, ND_TN1, 1);
  if (isVerdict(ns)) return ns;
  await ctx.link().send(bad, `invalid: ${what}`);
  const early = await ctx.link().expectNothing(echoReplyTo(ND_TN1, 1), 800);
  if (early) return fail(rfc, `a Neighbor Advertisement with ${what} silently discarded`, 'the queued Echo Reply sent after it');
  await ctx.link().send(naFrom(ctx, ND_TN1, { solicited: true, override: true }), 'control: a valid solicited NA');
  if (!(await ctx.link().expect(echoReplyTo(ND_TN1, 1), 2_000))) {
    return fail(RFC, 'the queued Echo Reply once a valid NA arrived (control)', ctx.link().seenSinceSend());
  }
  return pass(`NA with ${what} ignored; the valid NA completed resolution`);
}

/** The NUT must accept `na` and send its queued Echo Reply to the advertised link-layer address. */
export async function naCompletesResolution(ctx: CaseContext, what: string, na: FrameSpec, lla: string): Promise<CaseVerdict> {
  const ns = await provokeResolution(ctx, ND_TN1, 1);
  if (isVerdict(ns)) return ns;
  await ctx.link().send(na, what);
  const reply = await ctx.link().expect(echoReplyTo(ND_TN1, 1), 2_000);
  if (!reply) return fail(RFC, `the queued Echo Reply after an NA with ${what}`, ctx.link().seenSinceSend());
  if (reply.frame.eth?.dst !== lla) return fail(RFC, `the Echo Reply sent to the advertised link-layer address ${lla}`, `Ethernet destination ${reply.frame.eth?.dst}`);
  return pass(`NA with ${what} accepted; the Echo Reply went to ${lla}`);
}
