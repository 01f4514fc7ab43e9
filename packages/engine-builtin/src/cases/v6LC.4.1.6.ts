// v6LC.4.1.6 Receiving MTU Below IPv6 Minimum Link MTU (RFC 8201 §4): a Packet Too Big reporting less than
// 1280 is discarded.
import { fail, pass, type CaseDefinition } from '../runner/case.js';
import { ALL_MODES } from '../vocabulary/nut-modes.js';
import { answeredWithin, echo, isVerdict, onLinkPath, packetTooBig, wholeAtFirst } from '../vocabulary/path-mtu.js';
import { toTester } from '../vocabulary/probe-outcomes.js';
import { ETHERNET_MTU, MIN_MTU } from '../vocabulary/tahi-network.js';

/**
 * RFC 8201 §4: a Packet Too Big reporting less than 1280 must be discarded (RFC 1981 had the sender keep
 * 1280 and add a Fragment header; RFC 8200 §5 dropped atomic fragments), so the 1500-octet reply stays whole.
 */
function belowMinimum(part: 'A' | 'B', mtu: number): CaseDefinition {
  const rfc = 'RFC 8201 §4';
  return {
    id: `v6LC.4.1.6-${part}`,
    title: `Receiving MTU Below IPv6 Minimum Link MTU: Part ${part}: MTU equal to ${mtu}`,
    rfc,
    appliesTo: ALL_MODES,
    async run(ctx) {
      const p = onLinkPath(ctx, part === 'A' ? 0x6a : 0x6b);
      const first = await wholeAtFirst(ctx, p);
      if (isVerdict(first)) return first;
      await packetTooBig(ctx, p, p.from, mtu, first.largest, 0, 'the Echo Reply it sent');
      const reply = await echo(ctx, p, 2, ETHERNET_MTU);
      if (!reply) return fail(rfc, `an Echo Reply to the ${ETHERNET_MTU}-octet Echo Request after a Packet Too Big with MTU ${mtu}`, ctx.link().seenSinceSend(toTester(p.from.address)));
      if (reply.fragmented) return fail(rfc, `the Packet Too Big with MTU ${mtu} discarded, so a whole ${ETHERNET_MTU}-octet Echo Reply`, `fragments of ${reply.packetSizes.join(' + ')} octets`);
      // Control: a Packet Too Big of 1280 quoting the same reply is taken, so the whole reply above was the
      // rule, not a NUT that ignores every Packet Too Big.
      await packetTooBig(ctx, p, p.from, MIN_MTU, reply.largest, 0, 'the Echo Reply it sent (control)');
      const control = await answeredWithin(ctx, p, 3, MIN_MTU, rfc, `after a Packet Too Big with MTU ${MIN_MTU} (control: the one with ${mtu} was discarded, not every one ignored)`);
      return control ?? pass(`the Packet Too Big with MTU ${mtu} was discarded: the reply stayed whole (${reply.packetSizes[0]} octets); one with ${MIN_MTU} was taken`);
    },
  };
}

export const cases: CaseDefinition[] = [belowMinimum('A', 56), belowMinimum('B', 1279)];
