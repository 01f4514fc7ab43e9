// v6LC.2.2.20 Sending Router Advertisement with Route Preference (RFC 4191 §2.2): a router configured
// with a Default Router Preference advertises it in the Prf bits of its RAs: 01 high, 00 medium, 11 low.
// radvd builds the RA (AdvDefaultPreference); the kernel only sends it.
import { fail, pass, type CaseDefinition } from '../runner/case.js';
import { routerAddress } from '../modes/router.js';
import type { Preference } from '../modes/radvd-conf.js';
import { advertiseAsSet } from '../vocabulary/ra-answers.js';
import { defaultRa, raContentProblems, rfcPrefix } from '../vocabulary/ra-contents.js';
import { PREFERENCE } from '../vocabulary/router-solicitations.js';

const RFC = 'RFC 4191 §2.2';
const TEST = 'Sending Router Advertisement with Route Preference (Routers Only)';

function part(letter: string, partTitle: string, preference: Preference): CaseDefinition {
  return {
    id: `v6LC.2.2.20-${letter}`,
    title: `${TEST}: Part ${letter}: ${partTitle}`,
    rfc: RFC,
    appliesTo: ['router', 'security-gateway'],
    timeoutMs: 30_000,
    async run(ctx) {
      const { adv } = await advertiseAsSet(ctx, { defaultPreference: preference });
      const ra = adv.initial.get('Link0');
      if (!ra) return fail('RFC 4861 §6.2.4', 'an RA once Link0 advertises', ctx.link().seenSinceSend());
      const problems = raContentProblems(ctx, ra, { ...defaultRa(600, [rfcPrefix(routerAddress(0).prefix)]), preference: PREFERENCE[preference] });
      if (problems.length) return fail(RFC, `an RA with Default Router Preference ${preference}`, `an RA with ${problems.join(', ')}`);
      return pass(`the RA carries Default Router Preference ${preference}`);
    },
  };
}

export const cases: CaseDefinition[] = [part('A', 'High Router Preference', 'high'), part('B', 'Medium Router Preference', 'medium'), part('C', 'Low Router Preference', 'low')];
