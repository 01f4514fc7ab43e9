// v6LC.3.2.1 Global Address Autoconfiguration and DAD (RFC 4862 §5.5.3, §5.4): a host forms an address from the
// prefix of a Router Advertisement, probes it by DAD, then uses it.
import { normalizeIpv6 } from '@testlab/packet';
import { fail, pass, type CaseDefinition } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import { answerSolicitations } from '../vocabulary/address-resolution.js';
import { isEchoReply } from '../vocabulary/echo.js';
import { isDadNs } from '../vocabulary/nd-messages.js';
import { pattern } from '../vocabulary/payload.js';
import { casePrefix, raCase } from '../vocabulary/ra-processing.js';
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

export const cases: CaseDefinition[] = [
  raCase('v6LC.3.2.1-A', 'Global Address Autoconfiguration and DAD: Part A: Unicast Autoconfigured Address - Global', RFC, (ctx) => globalAutoconf(ctx, casePrefix(0x321))),
  raCase('v6LC.3.2.1-B', 'Global Address Autoconfiguration and DAD: Part B: Unicast Autoconfigured Address Prefix ending in zero valued fields', RFC, (ctx) => globalAutoconf(ctx, '3ffe:501::')),
  // Site-local (fec0::/10) is deprecated (RFC 3879) but still a unicast prefix a host autoconfigures from.
  raCase('v6LC.3.2.1-C', 'Global Address Autoconfiguration and DAD: Part C: Unicast Autoconfigured Address Site-Local', RFC, (ctx) => globalAutoconf(ctx, 'fec0::')),
];
