// v6LC.2.3.15 Invalid Redirect does not Update Neighbor Cache (RFC 4861 §8.1): an invalid Redirect to TR2,
// with TR2's TLLA, makes no entry for TR2: TR2's ping 3 s later must make the host solicit TR2. The same
// Redirect valid (the control) then completes that entry, and the queued Echo Reply goes to TR2 at once.
import { fail, pass, type CaseDefinition } from '../runner/case.js';
import { echoReplyTo } from '../vocabulary/echo.js';
import { HOST_MODES } from '../vocabulary/nut-modes.js';
import { INVALID_REDIRECTS, redirectToNut, tlla } from '../vocabulary/redirect-messages.js';
import { firstHopName, hostBehindTr1, repliesThroughTr1, TR2 } from '../vocabulary/redirect-network.js';
import { AFTER_REDIRECT_WAIT_MS, tr2Pings, tr2StillUnresolved } from '../vocabulary/redirect-neighbor.js';
import { ANSWER_WINDOW_MS, sleep } from '../vocabulary/timing.js';

const TEST = 'Invalid Redirect does not Update Neighbor Cache (Hosts Only)';

export const cases: CaseDefinition[] = INVALID_REDIRECTS.map((bad) => ({
  id: `v6LC.2.3.15-${bad.letter}`,
  title: `${TEST}: Part ${bad.letter}: ${bad.partTitle}`,
  rfc: 'RFC 4861 §8.1',
  appliesTo: HOST_MODES,
  timeoutMs: 30_000,
  async run(ctx) {
    const host = await hostBehindTr1(ctx);
    const before = await repliesThroughTr1(ctx, host, 1);
    if ('verdict' in before) return before;
    const valid = redirectToNut(ctx, host, { target: TR2.address, options: [tlla(TR2.mac)] });
    await ctx.link().send(bad.spoil(valid, host), `invalid: ${bad.what}`);
    await sleep(AFTER_REDIRECT_WAIT_MS);
    await tr2Pings(ctx, 1, "TR2 pings the NUT: it must have no entry for TR2");
    const updated = await tr2StillUnresolved(ctx, host, bad.what, 'RFC 4861 §8.1');
    if (updated) return updated;
    await ctx.link().send(valid, 'control: the same Redirect, valid, while the NUT resolves TR2');
    const reply = await ctx.link().expect(echoReplyTo(TR2, 1), ANSWER_WINDOW_MS);
    const wanted = `the queued Echo Reply to TR2 sent at once to ${TR2.mac} after the same Redirect made valid (control)`;
    if (!reply) return fail('RFC 4861 §8.3', wanted, `${ctx.link().seenSinceSend()}: the valid Redirect (control) was ignored`);
    if (reply.frame.eth?.dst !== TR2.mac) return fail('RFC 4861 §8.3', wanted, `it went to ${firstHopName(reply.frame.eth?.dst, host)}`);
    return pass(`${bad.what} made no entry for TR2; the valid one did`);
  },
}));
