// Path MTU discovery towards a multicast destination (RFC 8201 §3: the smallest MTU any Packet Too Big
// reports for the group decides), as TAHI's mcastOne/mcastTwo drive it: the NUT pings ff1e::1:2 from its
// global address out of Link0, routers on the link answer with Packet Too Big messages quoting what it sent,
// and each later Echo Request must come in the fewest fragments that fit the smallest MTU reported.
import { fail, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import { globalOf, nutGlobalOnLink0 } from './global-address.js';
import { nutPings, type NutPing } from './nut-pings.js';
import { fewestFragments } from './path-mtu.js';
import { tnWithMac, TR1 } from './tester-nodes.js';
import { sleep } from './timing.js';

export const GROUP = 'ff1e::1:2';
const RFC = 'RFC 8201 §3, §4';

export interface Router {
  name: string;
  mac: string;
  address: string;
}

/** TR1 (and TR2) on Link0 with global addresses: where TAHI's Packet Too Big messages come from. */
export const routerOnLink0 = (n: 1 | 2): Router => {
  const mac = n === 1 ? TR1.mac : tnWithMac('TR2', 0xa0a2).mac;
  return { name: `TR${n}`, mac, address: globalOf(mac) };
};

export interface MulticastPmtu {
  nut: string;
  /** The NUT's Echo Request of `size` octets to the group: whole or in fragments of at most `mtu` (the fewest that fit). */
  ping(size: number, mtu: number, step: string): Promise<NutPing | CaseVerdict>;
  /** A Packet Too Big from `router` reporting `mtu`, quoting the largest packet of `about`. */
  tooBig(router: Router, mtu: number, about: NutPing): Promise<void>;
}

export async function multicastPmtu(ctx: CaseContext): Promise<MulticastPmtu> {
  const spec = tnWithMac('TN1', 0x4a00);
  const from = ctx.node({ ...spec, address: globalOf(spec.mac) });
  const nut = (await nutGlobalOnLink0(ctx, from)).nut;
  return {
    nut,
    async ping(size, mtu, step) {
      const sent = await nutPings(ctx, GROUP, size);
      const expected = `the NUT's ${size}-octet Echo Request to ${GROUP} ${step} in ${fewestFragments(size, mtu)} packet(s) of at most ${mtu} octets`;
      if (!sent.request) return fail('RFC 4443 §4.1', expected, sent.packets.length ? `${sent.packets.length} packet(s) that do not make a whole Echo Request` : `nothing (ping exit ${sent.exit})`);
      const sizes = sent.request.packetSizes;
      const shape = `${sent.request.fragmented ? `fragments of ${sizes.join(' + ')}` : `one packet of ${sizes[0]}`} octets`;
      if (Math.max(...sizes) > mtu || sizes.length > fewestFragments(size, mtu)) return fail(RFC, expected, shape);
      ctx.log(`${step}: ${shape}`);
      return sent;
    },
    async tooBig(router, mtu, about) {
      await ctx.link().send(
        { eth: { src: router.mac, dst: ctx.nutOn().mac }, ipv6: { src: router.address, dst: nut }, icmpv6: { type: 'packet-too-big', code: 0xff, mtu, invoking: about.largest!.slice(0, 1232) } },
        `${router.name}'s Packet Too Big, MTU ${mtu}, quoting the NUT's Echo Request to ${GROUP}`,
      );
      await sleep(200);
    },
  };
}

export const isPing = (x: NutPing | CaseVerdict): x is NutPing => !('verdict' in x);
