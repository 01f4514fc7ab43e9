// v6LC.3.2.4 Prefix-Information Option Processing (RFC 4862 §5.5.3 a-e): which prefix options a host forms
// addresses from, and which it must ignore, seen on the wire as DAD probes for the addresses formed.
import { fail, pass, type CaseDefinition } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import { askForAddress } from '../vocabulary/address-probes.js';
import { isDadNs } from '../vocabulary/nd-messages.js';
import { DAD_AFTER_RA_MS } from '../vocabulary/prefix-autoconf.js';
import { casePrefix, raCase, raMustBeIgnored, raMustConfigure } from '../vocabulary/ra-processing.js';
import { cleanupPrefix, nutSlaac, raConfigures, raFromTr1 } from '../vocabulary/router-advertisements.js';
import { LINK0_PREFIX } from '../vocabulary/tahi-network.js';

const RFC = 'RFC 4862 §5.5.3';

const T4 = 'Prefix-Information Option Processing (Hosts Only)';
/** An ignored RA (2.5 s of silence) and the control's DAD probe (up to 4 s), on a loaded NUT; Part C waits 5 s and asks 3 s more. */
const estimate = (c: CaseDefinition, ms = 12_000): CaseDefinition => ({ ...c, timeoutMs: ms });
const ignored = (letter: string, n: number, partTitle: string, what: string, p: { prefixLength?: number; autonomous?: boolean; valid?: number; preferred?: number }, hopLimit?: number): CaseDefinition =>
  estimate(
    raCase(`v6LC.3.2.4-${letter}`, `${T4}: Part ${letter}: ${partTitle}`, RFC, (ctx) => {
      const ra = raFromTr1({ prefixes: [{ prefix: casePrefix(n), ...p }] });
      return raMustBeIgnored(ctx, RFC, what, hopLimit === undefined ? ra : { ...ra, ipv6: { ...ra.ipv6!, hopLimit } }, casePrefix(n + 1));
    }),
  );

/**
 * Part C as RA_wPXLLA.seq judges it: after an RA whose prefix is fe80::/64 (RA_LLA: valid and preferred 20 s)
 * the NUT sends no DAD probe (it forms no address from it: the address would be its link-local one again)
 * and does not answer for TAHI's GA0 (the Link0 prefix, never advertised); then a valid RA is processed.
 */
async function linkLocalPrefixIgnored(ctx: CaseContext) {
  const what = 'the link-local prefix fe80::/64';
  await ctx.link().send(raFromTr1({ prefixes: [{ prefix: 'fe80::', valid: 20, preferred: 20 }] }), `invalid: ${what}`);
  const dad = await ctx.link().expectNothing(isDadNs(), DAD_AFTER_RA_MS);
  const target = dad?.frame.icmpv6?.type === 'neighbor-solicitation' ? dad.frame.icmpv6.target : '?';
  if (dad) return fail(RFC, `an RA with ${what} ignored`, `DAD for ${target}: the NUT formed an address from it`);
  const ga0 = nutSlaac(ctx, LINK0_PREFIX);
  if (await askForAddress(ctx, ga0, `TAHI's GA0 ${ga0} was never advertised: no answer expected`)) {
    return fail(RFC, `no global address after an RA with ${what} (no answer for ${ga0})`, 'a Neighbor Advertisement for it');
  }
  const control = casePrefix(0x3c0);
  cleanupPrefix(ctx, control);
  if (!(await raConfigures(ctx, raFromTr1({ prefixes: [{ prefix: control }] }), control, `control: a valid RA for ${control}/64`))) {
    return fail('RFC 4862 §5.5.3', `DAD for an address in ${control}/64 after a valid RA (control)`, ctx.link().seenSinceSend());
  }
  return pass(`RA with ${what} ignored; a valid RA was processed`);
}

export const cases: CaseDefinition[] = [
  estimate(
    raCase(`v6LC.3.2.4-A`, `${T4}: Part A: Router Advertisement with multiple Prefix Options`, RFC, (ctx) =>
      raMustConfigure(ctx, RFC, 'three prefix options', { prefixes: [{ prefix: casePrefix(0x3a0) }, { prefix: casePrefix(0x3a1) }, { prefix: casePrefix(0x3a2) }] }),
    ),
  ),
  ignored('B', 0x3b0, 'Autonomous Flag not set', 'the autonomous flag clear', { autonomous: false }),
  estimate(raCase(`v6LC.3.2.4-C`, `${T4}: Part C: prefix is set to link-local prefix`, RFC, linkLocalPrefixIgnored), 18_000),
  ignored('D', 0x3d0, 'preferred lifetime > valid lifetime', 'a preferred lifetime above the valid lifetime', { valid: 300, preferred: 600 }),
  ignored('E', 0x3e0, 'prefix length > 128 bits', 'prefix length 129', { prefixLength: 129 }),
  ignored('F', 0x3f0, 'prefix length < 64 bits', 'prefix length 48', { prefixLength: 48 }),
  ignored('G', 0x3f4, '(64 bits < prefix length < 128 bits)', 'prefix length 120', { prefixLength: 120 }),
  ignored('H', 0x3f8, 'Valid Lifetime is zero', 'a valid lifetime of 0', { valid: 0, preferred: 0 }),
  ignored('I', 0x3fa, 'Invalid RA with Hop Limit 254', 'hop limit 254', {}, 254),
  estimate(
    raCase(`v6LC.3.2.4-J`, `${T4}: Part J: Valid Lifetime is 0xffffffff`, RFC, (ctx) =>
      raMustConfigure(ctx, RFC, 'an infinite valid lifetime', { prefixes: [{ prefix: casePrefix(0x3fc), valid: 0xffffffff, preferred: 0xffffffff }] }),
    ),
  ),
];
