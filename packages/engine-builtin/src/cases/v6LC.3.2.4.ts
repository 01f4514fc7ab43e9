// v6LC.3.2.4 Prefix-Information Option Processing (RFC 4862 §5.5.3 a-e): which prefix options a host forms
// addresses from, and which it must ignore.
import type { CaseDefinition } from '../runner/case.js';
import { casePrefix, raCase, raMustBeIgnored, raMustConfigure } from '../vocabulary/ra-processing.js';
import { raFromTr1 } from '../vocabulary/router-advertisements.js';

const RFC = 'RFC 4862 §5.5.3';

const T4 = 'Prefix-Information Option Processing (Hosts Only)';
const ignored = (letter: string, n: number, partTitle: string, what: string, p: { prefixLength?: number; autonomous?: boolean; valid?: number; preferred?: number }, hopLimit?: number): CaseDefinition =>
  raCase(`v6LC.3.2.4-${letter}`, `${T4}: Part ${letter}: ${partTitle}`, RFC, (ctx) => {
    const ra = raFromTr1({ prefixes: [{ prefix: casePrefix(n), ...p }] });
    return raMustBeIgnored(ctx, RFC, what, hopLimit === undefined ? ra : { ...ra, ipv6: { ...ra.ipv6!, hopLimit } }, casePrefix(n + 1));
  });

export const cases: CaseDefinition[] = [
  raCase(`v6LC.3.2.4-A`, `${T4}: Part A: Router Advertisement with multiple Prefix Options`, RFC, (ctx) =>
    raMustConfigure(ctx, RFC, 'three prefix options', { prefixes: [{ prefix: casePrefix(0x3a0) }, { prefix: casePrefix(0x3a1) }, { prefix: casePrefix(0x3a2) }] })),
  ignored('B', 0x3b0, 'Autonomous Flag not set', 'the autonomous flag clear', { autonomous: false }),
  ignored('D', 0x3d0, 'preferred lifetime > valid lifetime', 'a preferred lifetime above the valid lifetime', { valid: 300, preferred: 600 }),
  ignored('E', 0x3e0, 'prefix length > 128 bits', 'prefix length 129', { prefixLength: 129 }),
  ignored('F', 0x3f0, 'prefix length < 64 bits', 'prefix length 48', { prefixLength: 48 }),
  ignored('G', 0x3f4, '(64 bits < prefix length < 128 bits)', 'prefix length 120', { prefixLength: 120 }),
  ignored('H', 0x3f8, 'Valid Lifetime is zero', 'a valid lifetime of 0', { valid: 0, preferred: 0 }),
  ignored('I', 0x3fa, 'Invalid RA with Hop Limit 254', 'hop limit 254', {}, 254),
  raCase(`v6LC.3.2.4-J`, `${T4}: Part J: Valid Lifetime is 0xffffffff`, RFC, (ctx) =>
    raMustConfigure(ctx, RFC, 'an infinite valid lifetime', { prefixes: [{ prefix: casePrefix(0x3fc), valid: 0xffffffff, preferred: 0xffffffff }] })),
];
