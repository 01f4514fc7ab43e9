// v6LC.4.1.7 Increase Estimate (RFC 8201 §4): a Packet Too Big announcing more than the current estimate does
// not raise the path MTU.
import type { CaseDefinition } from '../runner/case.js';
import { answeredWithin, packetTooBig, reduced } from '../vocabulary/path-mtu.js';
import { MIN_MTU } from '../vocabulary/tahi-network.js';

export const cases: CaseDefinition[] = (
  [
    ['A', 'MTU increase', 1500],
    ['B', 'MTU equal to 0x1FFFFFFF', 0x1fffffff],
  ] as const
).map(([part, partTitle, bigger]) =>
  reduced({
    id: `v6LC.4.1.7-${part}`,
    title: `Increase Estimate: Part ${part}: ${partTitle}`,
    n: part === 'A' ? 0x7a : 0x7b,
    mtu: MIN_MTU,
    expected: MIN_MTU,
    rfc: 'RFC 8201 §4',
    // A Packet Too Big announcing more than the current estimate must not raise it (RFC 8201 §4).
    then: async (ctx, p, last) => {
      await packetTooBig(ctx, p, p.from, bigger, last.largest, 0, 'the larger fragment of its last Echo Reply');
      return answeredWithin(ctx, p, 3, MIN_MTU, 'RFC 8201 §4', `after a second Packet Too Big announcing ${bigger} (no increase)`);
    },
  }),
);
