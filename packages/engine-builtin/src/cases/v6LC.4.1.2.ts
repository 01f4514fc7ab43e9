// v6LC.4.1.2 Stored PMTU (RFC 8201 §5.2): the path MTU a Packet Too Big taught the NUT still holds two seconds
// later.
import type { CaseDefinition } from '../runner/case.js';
import { answeredWithin, reduced } from '../vocabulary/path-mtu.js';
import { MIN_MTU } from '../vocabulary/tahi-network.js';
import { sleep } from '../vocabulary/timing.js';

const storedPmtu = reduced({
  id: 'v6LC.4.1.2',
  title: 'Stored PMTU',
  n: 0x20,
  mtu: MIN_MTU,
  expected: MIN_MTU,
  rfc: 'RFC 8201 §5.2',
  then: async (ctx, p) => {
    await sleep(2_000);
    return answeredWithin(ctx, p, 3, MIN_MTU, 'RFC 8201 §5.2', 'two seconds later (the path MTU is stored)');
  },
});

export const cases: CaseDefinition[] = [storedPmtu];
