// v6LC.4.1.5 Reduce PMTU Off-link (RFC 8201 §4): after TR1's Packet Too Big about an off-link node, the NUT's
// replies to that node fit the reported MTU.
import { pass, type CaseDefinition } from '../runner/case.js';
import type { SimulatedNode } from '../runner/simulated-node.js';
import { globalOf, nutGlobalOnLink0 } from '../vocabulary/global-address.js';
import { ALL_MODES } from '../vocabulary/nut-modes.js';
import { answeredWithin, packetTooBig, wholeAtFirst, type Path } from '../vocabulary/path-mtu.js';
import { MIN_MTU, OFF_LINK_PREFIX } from '../vocabulary/tahi-network.js';
import { tnWithMac, TR1 } from '../vocabulary/tester-nodes.js';

const RFC = 'RFC 8201 §4';

const reducePmtuOffLink: CaseDefinition = {
  id: 'v6LC.4.1.5',
  title: 'Reduce PMTU Off-link',
  rfc: RFC,
  appliesTo: ALL_MODES,
  async run(ctx) {
    const nutLink = ctx.nutOn();
    const onLink = ctx.node({ ...tnWithMac('TN1', 0x4150), address: globalOf(tnWithMac('TN1', 0x4150).mac) });
    const global = await nutGlobalOnLink0(ctx, onLink, { defaultRouter: true });
    const tr1 = global.tr1 ?? ctx.node(TR1);
    if (ctx.mode === 'router') {
      await ctx.nutCommand(['ip', '-6', 'route', 'add', `${OFF_LINK_PREFIX}/64`, 'via', tr1.address, 'dev', nutLink.ifname]);
      ctx.onCleanup(`remove the route to ${OFF_LINK_PREFIX}/64`, async () => void (await ctx.nutCommand(['ip', '-6', 'route', 'del', `${OFF_LINK_PREFIX}/64`, 'via', tr1.address, 'dev', nutLink.ifname])));
    }
    // TN2 is off-link, behind TR1: its frames come from TR1's MAC, the NUT's replies go to TR1.
    const tn2 = { name: 'TN2', address: globalOf(tnWithMac('TN2', 0x4151).mac, OFF_LINK_PREFIX) };
    const p: Path = { from: { ...tn2, mac: tr1.mac } as SimulatedNode, viaMac: tr1.mac, nut: global.nut };
    const first = await wholeAtFirst(ctx, p);
    if (first) return first;
    await packetTooBig(ctx, p, tr1, MIN_MTU);
    const after = await answeredWithin(ctx, p, 2, MIN_MTU, RFC, `to the off-link TN2 after TR1's Packet Too Big with MTU ${MIN_MTU}`);
    return after ?? pass(`replies to the off-link TN2 fit ${MIN_MTU} octets after TR1's Packet Too Big`);
  },
};

export const cases: CaseDefinition[] = [reducePmtuOffLink];
