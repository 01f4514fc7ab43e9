// Section 3 Group 2, RFC 4862 §5.5: a host forms addresses from the Prefix Information options of Router
// Advertisements. v6LC.3.2.1: the address, its DAD, and its use; v6LC.3.2.4: which prefix options it must
// use and which it must ignore (§5.5.3 a-e).
import { normalizeIpv6 } from '@testlab/packet';
import { fail, pass, type CaseDefinition } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import { answerSolicitations } from '../vocabulary/address-resolution.js';
import { isEchoReply } from '../vocabulary/echo.js';
import { isDadNs } from '../vocabulary/nd-messages.js';
import { pattern } from '../vocabulary/payload.js';
import { casePrefix, raCase, raMustBeIgnored, raMustConfigure } from '../vocabulary/ra-processing.js';
import { AUTOCONF_DAD_WINDOW_MS, cleanupPrefix, nutSlaac, raFromTr1 } from '../vocabulary/router-advertisements.js';
import { bareNode } from '../vocabulary/tester-nodes.js';
import { ANSWER_WINDOW_MS, sleep } from '../vocabulary/timing.js';

const RFC = 'RFC 4862 §5.5.3';

/** The global address appears (DAD first), then answers an on-link node of the same prefix. */
async function globalAutoconf(ctx: CaseContext, prefix: string) {
  cleanupPrefix(ctx, prefix);
  const address = nutSlaac(ctx, prefix);
  await ctx.link().send(raFromTr1({ prefixes: [{ prefix }] }), `TR1 advertises ${prefix}/64 (on-link, autonomous)`);
  const dad = await ctx.link().expect(isDadNs(address), AUTOCONF_DAD_WINDOW_MS);
  if (!dad) return fail('RFC 4862 §5.4', `DAD for ${address} before it is used`, ctx.link().seenSinceSend());
  const early = ctx.link().seenSinceSend((f) => f.ipv6 !== undefined && normalizeIpv6(f.ipv6.src) === address);
  if (early !== 'nothing') return fail('RFC 4862 §5.4', `nothing sent from ${address} while it is tentative`, early);
  await sleep(1_700);
  const tn = bareNode('TN1', '00:00:00:00:01:00', `${prefix}a`);
  const stop = answerSolicitations(ctx, tn);
  try {
    const nut = ctx.nutOn();
    await ctx.link().send({ eth: { src: tn.mac, dst: nut.mac }, ipv6: { src: tn.address, dst: address }, icmpv6: { type: 'echo-request', id: 0x3210, seq: 1, data: pattern(16) } }, `TN1 (${tn.address}) pings ${address}`);
    if (!(await ctx.link().expect((f) => isEchoReply(f, tn.address, 0x3210, 1), ANSWER_WINDOW_MS))) {
      return fail(RFC, `${address} in use once DAD is over (an Echo Reply from it)`, ctx.link().seenSinceSend());
    }
  } finally {
    stop();
  }
  return pass(`${address} formed from ${prefix}/64, probed by DAD, then in use`);
}

export const globalAutoconfCases: CaseDefinition[] = [
  raCase('v6LC.3.2.1-A', 'Global Address Autoconfiguration and DAD: Part A: Unicast Autoconfigured Address - Global', RFC, (ctx) => globalAutoconf(ctx, casePrefix(0x321))),
  raCase('v6LC.3.2.1-B', 'Global Address Autoconfiguration and DAD: Part B: Unicast Autoconfigured Address Prefix ending in zero valued fields', RFC, (ctx) => globalAutoconf(ctx, '3ffe:501::')),
  // Site-local (fec0::/10) is deprecated (RFC 3879) but still a unicast prefix a host autoconfigures from.
  raCase('v6LC.3.2.1-C', 'Global Address Autoconfiguration and DAD: Part C: Unicast Autoconfigured Address Site-Local', RFC, (ctx) => globalAutoconf(ctx, 'fec0::')),
];

const T4 = 'Prefix-Information Option Processing (Hosts Only)';
const ignored = (letter: string, n: number, partTitle: string, what: string, p: { prefixLength?: number; autonomous?: boolean; valid?: number; preferred?: number }, hopLimit?: number): CaseDefinition =>
  raCase(`v6LC.3.2.4-${letter}`, `${T4}: Part ${letter}: ${partTitle}`, RFC, (ctx) => {
    const ra = raFromTr1({ prefixes: [{ prefix: casePrefix(n), ...p }] });
    return raMustBeIgnored(ctx, RFC, what, hopLimit === undefined ? ra : { ...ra, ipv6: { ...ra.ipv6!, hopLimit } }, casePrefix(n + 1));
  });

export const prefixOptionCases: CaseDefinition[] = [
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
