// Global addresses for cases that need them (TAHI's "Get_global_addr"): a router NUT has
// 3ffe:501:ffff:100::1 on Link0 already; a host NUT is given the Link0 prefix in a Router Advertisement
// from TR1 and autoconfigures (RFC 4862 §5.5.3). The case cleans up after itself so the next case starts
// with a link-local-only host again.
import { multicastMac, normalizeIpv6, slaacAddress } from '@testlab/packet';
import type { CaseContext } from '../runner/context.js';
import type { SimulatedNode } from '../runner/simulated-node.js';
import { isEchoReply } from './echo.js';
import { LINK0_PREFIX } from './tahi-network.js';
import { TR1, tnWithMac } from './tester-nodes.js';
import { sleep } from './timing.js';

export interface GlobalSetup {
  /** The NUT's global address on Link0. */
  nut: string;
  /** TR1, when the host NUT was told to use it as its default router. */
  tr1?: SimulatedNode;
}

/** How long a host takes to autoconfigure (RA, then DAD: up to 1 s delay plus RetransTimer). */
const AUTOCONF_WAIT_MS = 8_000;

/**
 * Gives the NUT a global address on Link0 and returns it once the NUT answers an Echo Request from
 * `from` (a tester node with a global address on Link0) at that address.
 */
export async function nutGlobalOnLink0(ctx: CaseContext, from: SimulatedNode, o: { defaultRouter?: boolean; mtu?: number } = {}): Promise<GlobalSetup> {
  const nutLink = ctx.nutOn();
  if (ctx.mode === 'router') return { nut: normalizeIpv6(`${LINK0_PREFIX}1`) };
  const nut = normalizeIpv6(slaacAddress(LINK0_PREFIX, nutLink.mac));
  const tr1 = ctx.node(TR1);
  const ra = () =>
    ctx.link().send(
      {
        eth: { src: tr1.mac, dst: multicastMac('ff02::1') },
        ipv6: { src: tr1.address, dst: 'ff02::1', hopLimit: 255 },
        icmpv6: {
          type: 'router-advertisement',
          routerLifetime: o.defaultRouter ? 1800 : 0,
          options: [
            { type: 'source-lla', mac: tr1.mac },
            ...(o.mtu !== undefined ? [{ type: 'mtu' as const, mtu: o.mtu }] : []),
            { type: 'prefix-info', prefix: LINK0_PREFIX, prefixLength: 64, onLink: true, autonomous: true, validLifetime: 600, preferredLifetime: 600 },
          ],
        },
      },
      `TR1 advertises ${LINK0_PREFIX}/64${o.defaultRouter ? ' and itself as default router' : ''}`,
    );
  ctx.onCleanup(`remove ${nut} and what TR1 advertised from the NUT`, async () => {
    await ctx.nutCommand(['ip', '-6', 'addr', 'del', `${nut}/64`, 'dev', nutLink.ifname]).catch((e: unknown) => ctx.log(String(e)));
    await ctx.nutCommand(['ip', '-6', 'route', 'del', `${LINK0_PREFIX}/64`, 'dev', nutLink.ifname]).catch((e: unknown) => ctx.log(String(e)));
    if (o.defaultRouter) await ctx.nutCommand(['ip', '-6', 'route', 'del', 'default', 'via', tr1.address, 'dev', nutLink.ifname]).catch((e: unknown) => ctx.log(String(e)));
  });
  await ra();
  const deadline = Date.now() + AUTOCONF_WAIT_MS;
  for (let seq = 1; Date.now() < deadline; seq++) {
    await ctx.link().send(
      { eth: { src: from.mac, dst: nutLink.mac }, ipv6: { src: from.address, dst: nut }, icmpv6: { type: 'echo-request', id: 0x6a0b, seq, data: new Uint8Array(8) } },
      'setup: has the NUT configured its global address yet?',
    );
    if (await ctx.link().expect((f) => isEchoReply(f, from.address, 0x6a0b, seq), 500)) return o.defaultRouter ? { nut, tr1 } : { nut };
    await sleep(250);
  }
  throw new Error(`the NUT did not configure ${nut} from TR1's Router Advertisement within ${AUTOCONF_WAIT_MS} ms`);
}

/** A tester node's global address on Link0: the Link0 prefix with the node's EUI-64 identifier. */
export function globalOf(mac: string, prefix = LINK0_PREFIX): string {
  return normalizeIpv6(slaacAddress(prefix, mac));
}

/** A tester node with a global address on Link0 (MAC 00:00:00:00:51:nn) and the NUT's global address (configured for hosts). */
export async function globalPeers(ctx: CaseContext, n: number): Promise<{ from: SimulatedNode; nut: string }> {
  const spec = tnWithMac('TN1', 0x5100 + n);
  const from = ctx.node({ ...spec, address: globalOf(spec.mac) });
  return { from, nut: (await nutGlobalOnLink0(ctx, from)).nut };
}
