// Group 1 of Section 4, path MTU discovery (RFC 8201): the NUT answers 1500-byte Echo Requests whole on an
// Ethernet link, and after a Packet Too Big for the tester's address answers them in fragments no larger
// than the path MTU it must now use. Every case talks from its own tester MAC (so its own address):
// the NUT keeps a learnt path MTU for ten minutes, and it must not carry over into the next case.
import { multicastMac } from '@testlab/packet';
import { fail, pass, type CaseDefinition } from '../runner/case.js';
import type { SimulatedNode } from '../runner/simulated-node.js';
import { globalOf, nutGlobalOnLink0 } from '../vocabulary/global-address.js';
import { ALL_MODES } from '../vocabulary/nut-modes.js';
import { answeredWithin, echo, onLinkPath, packetTooBig, reduced, wholeAtFirst, type Path } from '../vocabulary/path-mtu.js';
import { toTester } from '../vocabulary/probe-outcomes.js';
import { ETHERNET_MTU, MIN_MTU, OFF_LINK_PREFIX } from '../vocabulary/tahi-network.js';
import { TR1, tnWithMac } from '../vocabulary/tester-nodes.js';
import { sleep } from '../vocabulary/timing.js';

const RFC = 'RFC 8201 §4';

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
      if (first) return first;
      await packetTooBig(ctx, p, p.from, mtu);
      const reply = await echo(ctx, p, 2, ETHERNET_MTU);
      if (!reply) return fail(rfc, `an Echo Reply to the ${ETHERNET_MTU}-octet Echo Request after a Packet Too Big with MTU ${mtu}`, ctx.link().seenSinceSend(toTester(p.from.address)));
      if (reply.fragmented) return fail(rfc, `the Packet Too Big with MTU ${mtu} discarded, so a whole ${ETHERNET_MTU}-octet Echo Reply`, `fragments of ${reply.packetSizes.join(' + ')} octets`);
      return pass(`the Packet Too Big with MTU ${mtu} was discarded: the reply stayed whole (${reply.packetSizes[0]} octets)`);
    },
  };
}

export const pmtuCases: CaseDefinition[] = [
  confirmPing('A', 64),
  confirmPing('B', 1280),
  confirmPing('C', 1500),
  reduced({
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
  }),
  reduced({ id: 'v6LC.4.1.3', title: 'Non-zero ICMPv6 Code', n: 0x30, mtu: MIN_MTU, expected: MIN_MTU, code: 0x5a, rfc: 'RFC 4443 §3.2, RFC 8201 §4' }),
  reduced({ id: 'v6LC.4.1.4', title: 'Reduce PMTU On-link', n: 0x40, mtu: 1400, expected: 1400 }),
  belowMinimum('A', 56),
  belowMinimum('B', 1279),
  ...(
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
      then: async (ctx, p) => {
        await packetTooBig(ctx, p, p.from, bigger, 0, 2);
        return answeredWithin(ctx, p, 3, MIN_MTU, 'RFC 8201 §4', `after a second Packet Too Big announcing ${bigger} (no increase)`);
      },
    }),
  ),
];

export const reducePmtuOffLink: CaseDefinition = {
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

export const raMtuOption: CaseDefinition = {
  id: 'v6LC.4.1.8',
  title: 'Router Advertisement with MTU Option (Hosts Only)',
  rfc: 'RFC 4861 §6.3.4, RFC 8201 §4',
  appliesTo: ['host', 'ipsec-end-node'],
  async run(ctx) {
    const rfc = 'RFC 4861 §6.3.4';
    const p = onLinkPath(ctx, 0x80);
    const tr1 = ctx.node(TR1);
    const first = await wholeAtFirst(ctx, p);
    if (first) return first;
    const ra = (mtu: number, note: string) =>
      ctx.link().send(
        {
          eth: { src: tr1.mac, dst: multicastMac('ff02::1') },
          ipv6: { src: tr1.address, dst: 'ff02::1', hopLimit: 255 },
          icmpv6: { type: 'router-advertisement', routerLifetime: 0, options: [{ type: 'source-lla', mac: tr1.mac }, { type: 'mtu', mtu }] },
        },
        note,
      );
    ctx.onCleanup('give the link its MTU of 1500 back', async () => void (await ra(ETHERNET_MTU, 'TR1 restores the link MTU of 1500')));
    await ra(MIN_MTU, `TR1 advertises a link MTU of ${MIN_MTU}`);
    await sleep(300);
    const after = await answeredWithin(ctx, p, 2, MIN_MTU, rfc, `after an RA with an MTU option of ${MIN_MTU}`);
    return after ?? pass(`replies fit ${MIN_MTU} octets after TR1's MTU option`);
  },
};
