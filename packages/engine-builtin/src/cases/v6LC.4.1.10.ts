// v6LC.4.1.10 Multicast Destination - One Router (RFC 8201 §3, §4): TAHI's mcastOne. The NUT pings ff1e::1:2;
// TR1's Packet Too Big messages (1450, 1400, then 1300 for the smaller 1400-octet request) lower the path
// MTU of the group step by step, and a later one announcing 1350 does not raise it again.
import { pass, type CaseDefinition } from '../runner/case.js';
import { multicastPmtu, isPing, routerOnLink0 } from '../vocabulary/multicast-path-mtu.js';
import { ALL_MODES } from '../vocabulary/nut-modes.js';
import { ETHERNET_MTU } from '../vocabulary/tahi-network.js';

const oneRouter: CaseDefinition = {
  id: 'v6LC.4.1.10',
  title: 'Multicast Destination - One Router',
  rfc: 'RFC 8201 §3, §4',
  appliesTo: ALL_MODES,
  async run(ctx) {
    const m = await multicastPmtu(ctx);
    const tr1 = routerOnLink0(1);
    const steps: Array<{ size: number; mtu: number; tooBig?: number; step: string }> = [
      { size: 1500, mtu: ETHERNET_MTU, tooBig: 1450, step: 'before any Packet Too Big' },
      { size: 1500, mtu: 1450, tooBig: 1400, step: 'after TR1 reported 1450' },
      { size: 1500, mtu: 1400, step: 'after TR1 reported 1400' },
      { size: 1400, mtu: 1400, tooBig: 1300, step: 'a 1400-octet request at path MTU 1400' },
      { size: 1400, mtu: 1300, tooBig: 1350, step: 'after TR1 reported 1300' },
      { size: 1400, mtu: 1300, step: 'after TR1 announced 1350 (no increase)' },
    ];
    for (const s of steps) {
      const sent = await m.ping(s.size, s.mtu, s.step);
      if (!isPing(sent)) return sent;
      if (s.tooBig) await m.tooBig(tr1, s.tooBig, sent);
    }
    return pass('every Echo Request to ff1e::1:2 fitted the smallest MTU TR1 had reported, in as few fragments as that allows');
  },
};

export const cases: CaseDefinition[] = [oneRouter];
