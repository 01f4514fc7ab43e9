// v6LC.4.1.11 Multicast Destination - Two Routers (RFC 8201 §3): TAHI's mcastTwo. Packet Too Big messages for
// the NUT's pings to ff1e::1:2 come from TR1 and TR2; the smallest MTU either reports decides (1480, 1440,
// then 1400 and 1360 -> 1360, then 1280 and 1320 -> 1280).
import { pass, type CaseDefinition } from '../runner/case.js';
import { multicastPmtu, isPing, routerOnLink0, type Router } from '../vocabulary/multicast-path-mtu.js';
import { ALL_MODES } from '../vocabulary/nut-modes.js';
import { ETHERNET_MTU } from '../vocabulary/tahi-network.js';

const twoRouters: CaseDefinition = {
  id: 'v6LC.4.1.11',
  title: 'Multicast Destination - Two Routers',
  rfc: 'RFC 8201 §3',
  appliesTo: ALL_MODES,
  async run(ctx) {
    const m = await multicastPmtu(ctx);
    const [tr1, tr2] = [routerOnLink0(1), routerOnLink0(2)];
    const steps: Array<{ mtu: number; tooBig: Array<[Router, number]>; step: string }> = [
      { mtu: ETHERNET_MTU, tooBig: [[tr1, 1480]], step: 'before any Packet Too Big' },
      { mtu: 1480, tooBig: [[tr1, 1440]], step: 'after TR1 reported 1480' },
      { mtu: 1440, tooBig: [[tr1, 1400], [tr2, 1360]], step: 'after TR1 reported 1440' },
      { mtu: 1360, tooBig: [[tr1, 1280], [tr2, 1320]], step: 'after TR1 reported 1400 and TR2 1360' },
      { mtu: 1280, tooBig: [], step: 'after TR1 reported 1280 and TR2 1320' },
    ];
    for (const s of steps) {
      const sent = await m.ping(1500, s.mtu, s.step);
      if (!isPing(sent)) return sent;
      for (const [router, mtu] of s.tooBig) await m.tooBig(router, mtu, sent);
    }
    return pass('every Echo Request to ff1e::1:2 fitted the smallest MTU TR1 or TR2 had reported');
  },
};

export const cases: CaseDefinition[] = [twoRouters];
