// RA cases for hosts (Sections 2.2 and 3.2), judged by what the RA makes the NUT do on the wire: a
// processed RA with an autonomous /64 prefix makes the host start DAD for its SLAAC address in that
// prefix; an RA the host must ignore makes it do nothing. Every negative part ends with a valid RA (another
// prefix) as the control. Prefixes are unique per case and removed afterwards.
import type { FrameSpec } from '@testlab/packet';
import { fail, pass, type CaseDefinition, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import { isDadNs } from './nd-messages.js';
import { HOST_MODES } from './nut-modes.js';
import { AUTOCONF_DAD_WINDOW_MS, cleanupPrefix, nutSlaac, raConfigures, raFromTr1, raIgnored, type RaOptions } from './router-advertisements.js';

/** 3ffe:501:ffff:<n>::, one per case so no case sees another's state. */
export const casePrefix = (n: number): string => `3ffe:501:ffff:${n.toString(16)}::`;

/** The RA must be ignored (no address from it); then a valid RA for `control` must be processed. */
export async function raMustBeIgnored(ctx: CaseContext, rfc: string, what: string, ra: FrameSpec, control: string): Promise<CaseVerdict> {
  cleanupPrefix(ctx, control);
  for (const o of (ra.icmpv6?.type === 'router-advertisement' ? ra.icmpv6.options : undefined) ?? []) if (o.type === 'prefix-info') cleanupPrefix(ctx, String(o.prefix));
  const used = await raIgnored(ctx, ra, `invalid: ${what}`);
  if (used) return fail(rfc, `an RA with ${what} ignored`, `DAD for ${used.frame.icmpv6?.type === 'neighbor-solicitation' ? used.frame.icmpv6.target : '?'}: the NUT autoconfigured from it`);
  if (!(await raConfigures(ctx, raFromTr1({ prefixes: [{ prefix: control }] }), control, `control: a valid RA for ${control}/64`))) {
    return fail('RFC 4862 §5.5.3', `DAD for an address in ${control}/64 after a valid RA (control)`, ctx.link().seenSinceSend());
  }
  return pass(`RA with ${what} ignored; a valid RA was processed`);
}

/** Every prefix in the RA must give the NUT an address. */
export async function raMustConfigure(ctx: CaseContext, rfc: string, what: string, o: RaOptions): Promise<CaseVerdict> {
  for (const p of o.prefixes) cleanupPrefix(ctx, p.prefix);
  await ctx.link().send(raFromTr1(o), what);
  // One RA, one DAD probe per prefix: all are looked for among the frames since that RA.
  for (const p of o.prefixes) {
    if (!(await ctx.link().expect(isDadNs(nutSlaac(ctx, p.prefix)), AUTOCONF_DAD_WINDOW_MS))) {
      return fail(rfc, `DAD for an address in ${p.prefix}/64 after an RA with ${what}`, ctx.link().seenSinceSend());
    }
  }
  return pass(`addresses autoconfigured in ${o.prefixes.map((p) => `${p.prefix}/64`).join(', ')}`);
}

export function raCase(id: string, title: string, rfc: string, run: (ctx: CaseContext) => Promise<CaseVerdict>): CaseDefinition {
  return { id, title, rfc, appliesTo: HOST_MODES, run };
}
