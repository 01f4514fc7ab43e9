// v6LC.2.2.8 Ceasing to Be An Advertising Interface (RFC 4861 §6.2.5): an interface that stops advertising
// sends one or more, but at most MAX_FINAL_RTR_ADVERTISEMENTS (3), final RAs with Router Lifetime 0, and
// no RA that still offers it as a default router. TAHI waits MAX_INITIAL_RTR_ADVERT_INTERVAL + 1 s for each
// further RA. radvd sends the final RA when it stops (radvd.c stop_adverts); the kernel only sends it.
import { fail, pass, type CaseDefinition } from '../runner/case.js';
import { stopAdvertising } from '../vocabulary/advertising-router.js';
import { advertiseAsSet } from '../vocabulary/ra-answers.js';
import { isRaFromNut, raOf } from '../vocabulary/router-solicitations.js';

const RFC = 'RFC 4861 §6.2.5';
const MAX_FINAL_RTR_ADVERTISEMENTS = 3;
const WATCH_MS = 17_000;

const ceasing: CaseDefinition = {
  id: 'v6LC.2.2.8',
  title: 'Ceasing to Be An Advertising Interface (Routers Only)',
  rfc: RFC,
  appliesTo: ['router', 'security-gateway'],
  timeoutMs: 45_000,
  async run(ctx) {
    const { adv } = await advertiseAsSet(ctx);
    if (!adv.initial.get('Link0')) return fail('RFC 4861 §6.2.4', 'an RA once Link0 advertises (setup)', ctx.link().seenSinceSend());
    ctx.link().markNow();
    ctx.log('Link0 ceases to advertise');
    await stopAdvertising(ctx);
    const ras = await ctx.link().collect(isRaFromNut(ctx), WATCH_MS);
    const advertising = ras.find((r) => raOf(r).routerLifetime !== 0);
    if (advertising) return fail(RFC, 'only final RAs with Router Lifetime 0 once the interface ceased advertising', `an RA with Router Lifetime ${raOf(advertising).routerLifetime}`);
    if (ras.length === 0) return fail(RFC, 'a final RA with Router Lifetime 0 when the interface ceased advertising', `no RA within ${WATCH_MS} ms`);
    if (ras.length > MAX_FINAL_RTR_ADVERTISEMENTS) return fail(RFC, `at most MAX_FINAL_RTR_ADVERTISEMENTS (3) final RAs`, `${ras.length}`);
    return pass(`${ras.length} final RA(s) with Router Lifetime 0, then none for ${WATCH_MS} ms`);
  },
};

export const cases: CaseDefinition[] = [ceasing];
