// v6LC.5.1.8 Unknown Informational Message Type (RFC 4443 §2.4 (b)): silently discarded.
import { normalizeIpv6 } from '@testlab/packet';
import { fail, pass, type CaseDefinition } from '../runner/case.js';
import { nutAnswersEcho } from '../vocabulary/echo.js';
import { TN1 } from '../vocabulary/tester-nodes.js';
import { ANSWER_WINDOW_MS } from '../vocabulary/timing.js';

const RFC = 'RFC 4443 §2.4 (b)';
// Informational types are 128..255; 250 is unassigned.
const UNKNOWN_TYPE = 250;

const unknownInformational: CaseDefinition = {
  id: 'v6LC.5.1.8',
  title: 'Unknown Informational Message Type',
  rfc: RFC,
  appliesTo: ['host', 'router', 'ipsec-end-node', 'security-gateway'],
  async run(ctx) {
    const nut = ctx.nutOn();
    const tn1 = ctx.node(TN1);
    await ctx.link().send({
      eth: { src: tn1.mac, dst: nut.mac },
      ipv6: { src: tn1.address, dst: nut.linkLocal },
      icmpv6: { type: 'other', icmpType: UNKNOWN_TYPE, body: new Uint8Array(8) },
    });
    // Anything ICMPv6 the NUT sends to TN1 but its own Neighbor Solicitations is an answer it must not give.
    const answer = await ctx.link().expectNothing(
      (f) => f.icmpv6 !== undefined && f.icmpv6.type !== 'neighbor-solicitation' && normalizeIpv6(f.ipv6?.dst ?? '::') === tn1.address,
      ANSWER_WINDOW_MS,
    );
    if (answer) return fail(RFC, `an ICMPv6 message of unknown informational type ${UNKNOWN_TYPE} silently discarded`, `${answer.frame.icmpv6!.type} (type ${answer.frame.icmpv6!.icmpType}) in answer`);
    if (!(await nutAnswersEcho(ctx, tn1, 1))) {
      return fail('RFC 4443 §4.2', 'an Echo Reply to the control Echo Request (silence alone proves nothing)', ctx.link().seenSinceSend());
    }
    return pass(`type ${UNKNOWN_TYPE} discarded silently; the NUT still answers Echo Requests`);
  },
};

export const cases: CaseDefinition[] = [unknownInformational];
