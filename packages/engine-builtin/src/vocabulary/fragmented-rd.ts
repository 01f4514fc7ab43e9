// Router Solicitations and Advertisements carried in fragments (RFC 6980 §5): hosts and routers must
// ignore them, whether the Fragment Header is an atomic one (one fragment) or the message really is cut
// in two. Shared by v6LC.2.2.26 and v6LC.2.2.27: the host parts (an RA to a host) and the router parts (an
// RS to a router), each with the unfragmented message as the control.
import type { FrameSpec } from '@testlab/packet';
import { fail, pass, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import { echoFrom } from './echo.js';
import { multicastNsFor } from './entry-outcome.js';
import { cutFragments, fragmentableLength } from './fragments.js';
import { TR1 } from './host-routers.js';
import { advertiseAsSet, rsIgnored } from './ra-answers.js';
import { casePrefix } from './ra-processing.js';
import { cleanupPrefix, nutSlaac, raConfigures, raFromTr1 } from './router-advertisements.js';
import { isDadNs } from './nd-messages.js';
import { rsFrom } from './router-solicitations.js';
import { ND_TN1, type BareNode } from './tester-nodes.js';
import { ANSWER_WINDOW_MS } from './timing.js';

const RFC = 'RFC 6980 §5';
export type Cut = 'atomic' | 'two';

/** The message as one atomic fragment, or as two fragments (the first 48 bytes, TAHI's cut, or half of a short one). */
export function fragmented(spec: FrameSpec, cut: Cut, id: number): FrameSpec[] {
  const length = fragmentableLength(spec);
  if (cut === 'atomic') return cutFragments(spec, id, [{ start: 0, end: length, more: false }]);
  const first = length > 48 ? 48 : Math.max(8, Math.floor(length / 16) * 8);
  return cutFragments(spec, id, [{ start: 0, end: first }, { start: first, end: length }]);
}

const words = (cut: Cut) => (cut === 'atomic' ? 'in an atomic fragment' : 'in two fragments');

async function pingShowsNoEntry(ctx: CaseContext, tn: BareNode, what: string): Promise<CaseVerdict | undefined> {
  await echoFrom(ctx, tn, 3, `${tn.name} pings: the NUT must still have to resolve it`);
  if (!(await ctx.link().expect(multicastNsFor(tn), ANSWER_WINDOW_MS))) return fail(RFC, `${what} ignored: no entry for ${tn.name} from its SLLA, so a multicast NS resolving it`, ctx.link().seenSinceSend());
  return undefined;
}

/** Host parts: an RA to the host, with TR1's SLLA and an autonomous prefix, in fragments. */
export async function hostIgnoresFragmentedRa(ctx: CaseContext, cut: Cut, n: number): Promise<CaseVerdict> {
  const prefix = casePrefix(n);
  cleanupPrefix(ctx, prefix);
  const nut = ctx.nutOn();
  const ra = raFromTr1({ prefixes: [{ prefix }] });
  const unicast: FrameSpec = { ...ra, eth: { ...ra.eth!, dst: nut.mac }, ipv6: { ...ra.ipv6!, dst: nut.linkLocal } };
  const what = `an RA ${words(cut)}`;
  ctx.link().markNow();
  for (const f of fragmented(unicast, cut, 0x100 + n)) await ctx.link().send(f, what);
  const used = await ctx.link().expectNothing(isDadNs(nutSlaac(ctx, prefix)), 2_500);
  if (used) return fail(RFC, `${what} ignored`, `DAD for ${nutSlaac(ctx, prefix)}: the host used its prefix`);
  const noEntry = await pingShowsNoEntry(ctx, TR1, what);
  if (noEntry) return noEntry;
  if (!(await raConfigures(ctx, unicast, prefix, 'control: the same RA unfragmented'))) return fail('RFC 4862 §5.5.3', `DAD for ${nutSlaac(ctx, prefix)} after the same RA unfragmented (control)`, ctx.link().seenSinceSend());
  return pass(`${what} was ignored; the same RA unfragmented was used`);
}

/** Router parts: TN1's RS in fragments gets no RA and makes no entry; unfragmented it is answered. */
export async function routerIgnoresFragmentedRs(ctx: CaseContext, cut: Cut): Promise<CaseVerdict> {
  const { clock } = await advertiseAsSet(ctx);
  const rs = rsFrom(ND_TN1);
  const what = `an RS ${words(cut)}`;
  const pieces = fragmented(rs, cut, 0x200);
  // The control carries no SLLA, so it leaves TN1 without a usable entry whether it is answered or not.
  const failed = await rsIgnored(ctx, clock, pieces, what, rsFrom(ND_TN1, { slla: null }), RFC);
  if (failed) return failed;
  return (await pingShowsNoEntry(ctx, ND_TN1, what)) ?? pass(`${what} got no RA and made no entry for TN1; the RS unfragmented was answered`);
}
