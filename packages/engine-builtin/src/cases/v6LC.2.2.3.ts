// v6LC.2.2.3 Host Ignores Router Solicitations (RFC 4861 §6.2.6): a host never sends Router
// Advertisements, whatever address the solicitation goes to.
import { multicastMac } from '@testlab/packet';
import { fail, pass, type CaseDefinition } from '../runner/case.js';
import { nutAnswersEcho } from '../vocabulary/echo.js';
import { isRa } from '../vocabulary/nd-messages.js';
import { TN1 } from '../vocabulary/tester-nodes.js';

const RFC = 'RFC 4861 §6.2.6';
const TEST = 'Host Ignores Router Solicitations (Hosts Only)';

function part(letter: string, partTitle: string, dst: 'ff02::2' | 'ff02::1' | 'unicast'): CaseDefinition {
  return {
    id: `v6LC.2.2.3-${letter}`,
    title: `${TEST}: Part ${letter}: ${partTitle}`,
    rfc: RFC,
    appliesTo: ['host', 'ipsec-end-node'],
    async run(ctx) {
      const nut = ctx.nutOn();
      const tn1 = ctx.node(TN1);
      const ipDst = dst === 'unicast' ? nut.linkLocal : dst;
      await ctx.link().send(
        {
          eth: { src: tn1.mac, dst: dst === 'unicast' ? nut.mac : multicastMac(dst) },
          ipv6: { src: tn1.address, dst: ipDst, hopLimit: 255 },
          icmpv6: { type: 'router-solicitation', options: [{ type: 'source-lla', mac: tn1.mac }] },
        },
        `RS to ${ipDst}`,
      );
      // MAX_RA_DELAY_TIME is 0.5 s: a router would have answered well within this.
      const ra = await ctx.link().expectNothing((f) => isRa(f) && f.eth?.src === nut.mac, 2_000);
      if (ra) return fail(RFC, 'no Router Advertisement from a host', `an RA to ${ra.frame.ipv6?.dst}`);
      if (!(await nutAnswersEcho(ctx, tn1, 2))) return fail('RFC 4443 §4.2', 'an Echo Reply to the control Echo Request (silence alone proves nothing)', ctx.link().seenSinceSend());
      return pass(`no RA for an RS to ${ipDst}; the NUT still answers`);
    },
  };
}

export const cases: CaseDefinition[] = [
  part('A', 'All-Router Multicast Destination', 'ff02::2'),
  part('B', 'All-Nodes Multicast Destination', 'ff02::1'),
  part('C', 'Link-local Unicast Destination', 'unicast'),
];
