// v6LC.4.1.8 Router Advertisement with MTU Option (RFC 4861 §6.3.4, RFC 8201 §4): a host takes the link MTU
// from an RA's MTU option.
import { multicastMac } from '@testlab/packet';
import { pass, type CaseDefinition } from '../runner/case.js';
import { answeredWithin, isVerdict, onLinkPath, wholeAtFirst } from '../vocabulary/path-mtu.js';
import { ETHERNET_MTU, MIN_MTU } from '../vocabulary/tahi-network.js';
import { TR1 } from '../vocabulary/tester-nodes.js';
import { sleep } from '../vocabulary/timing.js';

const raMtuOption: CaseDefinition = {
  id: 'v6LC.4.1.8',
  title: 'Router Advertisement with MTU Option (Hosts Only)',
  rfc: 'RFC 4861 §6.3.4, RFC 8201 §4',
  appliesTo: ['host', 'ipsec-end-node'],
  async run(ctx) {
    const rfc = 'RFC 4861 §6.3.4';
    const p = onLinkPath(ctx, 0x80);
    const tr1 = ctx.node(TR1);
    const first = await wholeAtFirst(ctx, p);
    if (isVerdict(first)) return first;
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

export const cases: CaseDefinition[] = [raMtuOption];
