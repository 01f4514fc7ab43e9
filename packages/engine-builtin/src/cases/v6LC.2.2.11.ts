// v6LC.2.2.11 Default Router Switch (RFC 4861 §6.3.6): with two default routers, a host uses TR1 while it
// is reachable and switches to TR2 once Neighbor Unreachability Detection finds TR1 gone (TR1 stops
// answering). TR1's RA advertises a Reachable Time of 4 s (TAHI relies on the 30 s default) so that TR1's
// entry goes stale within seconds. Linux: net/ipv6/route.c rt6_select / rt6_check_neigh.
import { normalizeIpv6 } from '@testlab/packet';
import { fail, pass, type CaseDefinition } from '../runner/case.js';
import { answerSolicitations } from '../vocabulary/address-resolution.js';
import { advertiseToHost, forgetRoutersAfterwards, isVerdict, offLinkEcho, offLinkReply, raFrom, replyNextHop, TR1, TR2 } from '../vocabulary/host-routers.js';
import { isNsFor } from '../vocabulary/nd-messages.js';
import { HOST_MODES } from '../vocabulary/nut-modes.js';
import { sleep } from '../vocabulary/timing.js';

const RFC = 'RFC 4861 §6.3.6';
/** Reachable Time 4 s (2..6 s), DELAY_FIRST_PROBE_TIME 5 s, 3 probes 1 s apart, and the lab's margin. */
const SWITCH_WITHIN_MS = 25_000;

export const cases: CaseDefinition[] = [
  {
    id: 'v6LC.2.2.11',
    title: 'Default Router Switch (Hosts Only)',
    rfc: RFC,
    appliesTo: HOST_MODES,
    timeoutMs: 60_000,
    async run(ctx) {
      await forgetRoutersAfterwards(ctx);
      const tr1Answers = answerSolicitations(ctx, TR1, { router: true });
      const failed = await advertiseToHost(ctx, [{ frame: raFrom(ctx, TR1, { slla: null, reachableTimeMs: 4_000 }), note: 'TR1 advertises itself (no SLLA), Link0\'s prefix, Reachable Time 4 s' }]);
      if (failed) return failed;
      await offLinkEcho(ctx, TR1.mac, 1);
      const first = await replyNextHop(ctx, 1, TR1.mac, 'TR1, the only default router', RFC);
      if (isVerdict(first)) return first;
      await ctx.link().send(raFrom(ctx, TR2, { slla: null, prefixes: [] }), 'TR2 advertises itself as a second default router (no SLLA)');
      tr1Answers();
      ctx.log('TR1 stops answering Neighbor Solicitations');
      const tr2Answers = answerSolicitations(ctx, TR2, { router: true });
      try {
        const deadline = Date.now() + SWITCH_WITHIN_MS;
        for (let seq = 2; Date.now() < deadline; seq++) {
          await offLinkEcho(ctx, TR1.mac, seq);
          await sleep(1_000);
          const tr2Ns = await ctx.link().expect((f) => isNsFor(TR2.address)(f), 0);
          const reply = await ctx.link().expect(offLinkReply(seq), 0);
          if (reply?.frame.eth?.dst === TR2.mac) return pass(`once TR1 stopped answering, the host switched to TR2 (reply ${seq})`);
          if (tr2Ns) ctx.log(`the host resolves TR2 (${normalizeIpv6(tr2Ns.frame.ipv6!.src)})`);
        }
        return fail(RFC, `the host to switch to TR2 within ${SWITCH_WITHIN_MS} ms of TR1 going silent (Neighbor Unreachability Detection)`, 'replies still through TR1, or none');
      } finally {
        tr2Answers();
      }
    },
  },
];
