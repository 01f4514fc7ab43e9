// v6LC.4.1.1 Confirm Ping (RFC 4443 §4.2): the NUT answers Echo Requests of 64, 1280 and 1500 octets, the data
// echoed; the path MTU cases build on this.
import { fail, pass, type CaseDefinition } from '../runner/case.js';
import { ALL_MODES } from '../vocabulary/nut-modes.js';
import { echo, onLinkPath } from '../vocabulary/path-mtu.js';
import { toTester } from '../vocabulary/probe-outcomes.js';

function confirmPing(part: 'A' | 'B' | 'C', size: number): CaseDefinition {
  return {
    id: `v6LC.4.1.1-${part}`,
    title: `Confirm Ping: Part ${part}: ICMPv6 Echo Request ${size} octets`,
    rfc: 'RFC 4443 §4.2',
    appliesTo: ALL_MODES,
    async run(ctx) {
      const p = onLinkPath(ctx, 0x10 + size / 8);
      const reply = await echo(ctx, p, 1, size);
      if (!reply) return fail('RFC 4443 §4.2', `an Echo Reply to a ${size}-octet Echo Request`, ctx.link().seenSinceSend(toTester(p.from.address)));
      const m = reply.packet.icmpv6;
      if (m?.type !== 'echo-reply' || m.data.length !== size - 48) return fail('RFC 4443 §4.2', `the ${size - 48} data octets echoed`, `${m?.type === 'echo-reply' ? m.data.length : 0} octets`);
      return pass(`${size}-octet Echo Request answered in ${reply.packetSizes.join(' + ')} octets`);
    },
  };
}

export const cases: CaseDefinition[] = [confirmPing('A', 64), confirmPing('B', 1280), confirmPing('C', 1500)];
