// v6LC.1.1.1 Version Field (RFC 8200 §3): a packet whose version is not 6 is not IPv6; the NUT must discard
// it and answer nothing.
import { fail, pass, type CaseDefinition } from '../runner/case.js';
import { isEchoReply, nutAnswersEcho } from '../vocabulary/echo.js';
import { ALL_MODES } from '../vocabulary/nut-modes.js';
import { pattern } from '../vocabulary/payload.js';
import { TN1 } from '../vocabulary/tester-nodes.js';

const versionField: CaseDefinition = {
  id: 'v6LC.1.1.1',
  title: 'Version Field',
  rfc: 'RFC 8200 §3',
  appliesTo: ALL_MODES,
  async run(ctx) {
    const nut = ctx.nutOn();
    const tn1 = ctx.node(TN1);
    const answered: string[] = [];
    // Versions other than 6 are not IPv6: the NUT must discard them, answering none.
    for (const [i, version] of [4, 0, 5, 7, 15].entries()) {
      await ctx.link().send(
        { eth: { src: tn1.mac, dst: nut.mac }, ipv6: { src: tn1.address, dst: nut.linkLocal, version }, icmpv6: { type: 'echo-request', id: 0x1111, seq: i, data: pattern(8) } },
        `version ${version}`,
      );
      const reply = await ctx.link().expectNothing((f) => isEchoReply(f, tn1.address, 0x1111, i), 600);
      if (reply) answered.push(`version ${version}`);
    }
    if (answered.length) return fail('RFC 8200 §3', 'Echo Requests with a version other than 6 discarded', `Echo Replies to ${answered.join(', ')}`);
    if (!(await nutAnswersEcho(ctx, tn1, 99))) return { verdict: 'FAIL', reason: 'the NUT answered no valid Echo Request either: cannot tell discarding from silence (RFC 4443 §4.2 requires a reply)' };
    return pass('versions 4, 0, 5, 7, 15 discarded; a version-6 request answered');
  },
};

export const cases: CaseDefinition[] = [versionField];
