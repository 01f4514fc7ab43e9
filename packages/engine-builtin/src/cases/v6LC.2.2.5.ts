// v6LC.2.2.5 Router Sends Valid Router Advertisement (RFC 4861 §6.2.3, §6.2.6, §4.2): a router answers a
// valid Router Solicitation within MAX_RA_DELAY_TIME with an RA from its link-local address, hop limit 255,
// code 0, carrying exactly what it is configured to advertise (TAHI's router defaults: RFC 4861 §6.2.1's,
// MaxRtrAdvInterval 600 s, Link0's prefix). radvd builds the RA; the kernel only sends it.
import { normalizeIpv6 } from '@testlab/packet';
import { fail, pass, type CaseDefinition } from '../runner/case.js';
import { routerAddress } from '../modes/router.js';
import { advertiseAsSet, ANSWER_MS, solicit } from '../vocabulary/ra-answers.js';
import { defaultRa, raContentProblems, rfcPrefix } from '../vocabulary/ra-contents.js';
import { validRs } from '../vocabulary/router-solicitations.js';
import { ND_TN1 } from '../vocabulary/tester-nodes.js';

const RFC = 'RFC 4861 §6.2.3';

const routerSendsValidRa: CaseDefinition = {
  id: 'v6LC.2.2.5',
  title: 'Router Sends Valid Router Advertisement (Routers Only)',
  rfc: RFC,
  appliesTo: ['router', 'security-gateway'],
  timeoutMs: 30_000,
  async run(ctx) {
    const { clock } = await advertiseAsSet(ctx);
    const { ra, sentAt } = await solicit(ctx, clock, validRs(), 'TN1 solicits routers');
    if (!ra) return fail('RFC 4861 §6.2.6', `a Router Advertisement within ${ANSWER_MS} ms of a valid RS (MAX_RA_DELAY_TIME and the lab's delay)`, ctx.link().seenSinceSend());
    const dst = normalizeIpv6(ra.frame.ipv6!.dst);
    // RFC 4861 §6.2.6: to all-nodes, or (MAY) unicast to the soliciting node.
    const problems = dst === 'ff02::1' || dst === ND_TN1.address ? [] : [`destination ${dst}`];
    problems.push(...raContentProblems(ctx, ra, defaultRa(600, [rfcPrefix(routerAddress(0).prefix)])));
    if (problems.length) return fail(RFC, 'an RA as configured: from its link-local address, hop limit 255, RFC 4861 §6.2.1 defaults, Link0\'s prefix', `an RA with ${problems.join(', ')}`);
    return pass(`valid RA to ${dst} ${Math.round(ra.atMs - sentAt)} ms after the RS: lifetime 1800 s, ${routerAddress(0).prefix}/64 with L, A and RFC lifetimes`);
  },
};

export const cases: CaseDefinition[] = [routerSendsValidRa];
