// A deliberately small IPv6 router for the Redirect case tests (v6LC.2.3.16-17): two links, a routing table
// the cases change through `exec` (`ip -6 route replace/del`), address resolution, forwarding, and Redirects
// sent as RFC 4861 §8.2 says and ignored when received -- unless told to get one thing wrong.
import type { ExecResult, Link } from '@testlab/core';
import { buildFrame, decodeFrame, ipv6Bytes, isMulticastIpv6, linkLocalFromMac, multicastMac, normalizeIpv6, solicitedNodeMulticast, type FrameSpec } from '@testlab/packet';

export interface RouterRedirectMisbehaviour {
  /** Never sends a Redirect: the "does nothing" fault of 2.3.16. */
  noRedirects?: boolean;
  /** Forwards nothing: the "does nothing" fault of 2.3.17. */
  noForwarding?: boolean;
  /** Redirects whatever the source, neighbor or not. */
  redirectAnySource?: boolean;
  /** Forwards (and so redirects) packets to multicast destinations like unicast ones. */
  redirectMulticast?: boolean;
  /** Names the destination itself as the target, even when the next hop is a router. */
  targetIsDestination?: boolean;
  /** Sends its Redirects with hop limit 64. */
  redirectHopLimit64?: boolean;
  /** Acts on Redirects like a host. */
  followRedirects?: boolean;
}

export const FAKE_ROUTER_MACS = ['52:54:00:00:00:01', '52:54:00:00:00:02'] as const;
const GLOBALS = ['3ffe:501:ffff:100::1', '3ffe:501:ffff:101::1'];
const IFNAMES = ['eth1', 'eth2'];

interface Route {
  prefix: string;
  length: number;
  link: number;
  via?: string;
}

export interface FakeRedirectRouter {
  exec(argv: string[]): Promise<ExecResult>;
  stop(): void;
}

function covers(r: Route, ip: string): boolean {
  const a = ipv6Bytes(r.prefix);
  const b = ipv6Bytes(ip);
  for (let bit = 0; bit < r.length; bit++) if (((a[bit >> 3]! >> (7 - (bit & 7))) & 1) !== ((b[bit >> 3]! >> (7 - (bit & 7))) & 1)) return false;
  return true;
}

export function startFakeRedirectRouter(links: [Link, Link], bad: RouterRedirectMisbehaviour = {}): FakeRedirectRouter {
  const lls = FAKE_ROUTER_MACS.map((m) => normalizeIpv6(linkLocalFromMac(m)));
  const routes: Route[] = [
    { prefix: '3ffe:501:ffff:100::', length: 64, link: 0 },
    { prefix: '3ffe:501:ffff:101::', length: 64, link: 1 },
  ];
  const neighbors = [new Map<string, string>(), new Map<string, string>()];
  const waiting = [new Map<string, Array<(mac: string) => FrameSpec>>(), new Map<string, Array<(mac: string) => FrameSpec>>()];
  const followed = new Map<string, string>();
  const mine = (ip: string) => lls.includes(ip) || GLOBALS.includes(ip);
  const send = (i: number, spec: FrameSpec) => void links[i]!.send(buildFrame(spec));

  /** Sends on link `i` to neighbor `hop`, soliciting it first when its address is unknown. */
  const output = (i: number, hop: string, build: (mac: string) => FrameSpec) => {
    const mac = neighbors[i]!.get(hop);
    if (mac) return send(i, build(mac));
    const queue = waiting[i]!.get(hop) ?? [];
    queue.push(build);
    waiting[i]!.set(hop, queue);
    if (queue.length > 1) return;
    const group = solicitedNodeMulticast(hop);
    send(i, { eth: { src: FAKE_ROUTER_MACS[i]!, dst: multicastMac(group) }, ipv6: { src: lls[i]!, dst: group, hopLimit: 255 }, icmpv6: { type: 'neighbor-solicitation', target: hop, options: [{ type: 'source-lla', mac: FAKE_ROUTER_MACS[i]! }] } });
  };
  /** Longest match; the host route a followed Redirect made wins (only with followRedirects). */
  const lookup = (dst: string): { link: number; hop: string; gateway: boolean } | undefined => {
    const redirected = followed.get(dst);
    if (redirected) return { link: 0, hop: redirected, gateway: true };
    const r = routes.filter((x) => covers(x, dst)).sort((a, b) => b.length - a.length)[0];
    return r && { link: r.link, hop: r.via ?? dst, gateway: r.via !== undefined };
  };
  const isNeighbor = (i: number, ip: string) => ip.startsWith('fe80:') || routes.some((r) => r.link === i && !r.via && covers(r, ip));

  function forward(i: number, packet: Uint8Array, src: string, dst: string): void {
    if (bad.noForwarding || (isMulticastIpv6(dst) && !bad.redirectMulticast)) return;
    const route = lookup(dst);
    if (!route || packet[7]! <= 1) return;
    if (route.link === i && !bad.noRedirects && (isNeighbor(i, src) || bad.redirectAnySource)) {
      const target = route.gateway && !bad.targetIsDestination ? route.hop : dst;
      const tlla = neighbors[i]!.get(target);
      const quoted = packet.slice(0, Math.min(packet.length, 1280 - 40 - 40 - 8 - 8) & ~7);
      // Sent as any packet to `src` is: through the route to it (for a source that is no neighbor, a router).
      const back = lookup(src) ?? { link: i, hop: src };
      output(back.link, back.hop, (mac) => ({
        eth: { src: FAKE_ROUTER_MACS[i]!, dst: mac },
        ipv6: { src: lls[i]!, dst: src, hopLimit: bad.redirectHopLimit64 ? 64 : 255 },
        icmpv6: { type: 'redirect', target, destination: dst, options: [...(tlla ? [{ type: 'target-lla' as const, mac: tlla }] : []), { type: 'redirected-header', packet: quoted }] },
      }));
    }
    const out = packet.slice();
    out[7] = packet[7]! - 1;
    output(route.link, route.hop, (mac) => ({ eth: { src: FAKE_ROUTER_MACS[route.link]!, dst: mac, ethertype: 0x86dd }, payload: { bytes: out } }));
  }

  const stops = links.map((link, i) =>
    link.onFrame((bytes) => {
      const f = decodeFrame(bytes);
      if (!f.eth || !f.ipv6 || (f.eth.dst !== FAKE_ROUTER_MACS[i] && !f.eth.dst.startsWith('33:33'))) return;
      const src = normalizeIpv6(f.ipv6.src);
      const dst = normalizeIpv6(f.ipv6.dst);
      const m = f.icmpv6;
      if (m?.type === 'neighbor-solicitation' && mine(normalizeIpv6(m.target))) {
        neighbors[i]!.set(src, f.eth.src);
        return send(i, { eth: { src: FAKE_ROUTER_MACS[i]!, dst: f.eth.src }, ipv6: { src: normalizeIpv6(m.target), dst: src, hopLimit: 255 }, icmpv6: { type: 'neighbor-advertisement', target: m.target, router: true, solicited: true, override: true, options: [{ type: 'target-lla', mac: FAKE_ROUTER_MACS[i]! }] } });
      }
      if (m?.type === 'neighbor-advertisement') {
        const tlla = m.options.find((o) => o.type === 'target-lla');
        if (tlla?.type !== 'target-lla') return;
        const target = normalizeIpv6(m.target);
        neighbors[i]!.set(target, tlla.mac);
        for (const q of waiting[i]!.get(target) ?? []) send(i, q(tlla.mac));
        return void waiting[i]!.delete(target);
      }
      if (mine(dst)) {
        if (m?.type === 'redirect' && bad.followRedirects) followed.set(normalizeIpv6(m.destination), normalizeIpv6(m.target));
        if (m?.type !== 'echo-request') return;
        const route = lookup(src);
        if (route) output(route.link, route.hop, (mac) => ({ eth: { src: FAKE_ROUTER_MACS[route.link]!, dst: mac }, ipv6: { src: dst, dst: src }, icmpv6: { type: 'echo-reply', id: m.id, seq: m.seq, data: m.data } }));
        return;
      }
      if (f.eth.dst === FAKE_ROUTER_MACS[i]) forward(i, bytes.slice(14, 14 + 40 + f.ipv6.payloadLength), src, dst);
    }),
  );

  return {
    async exec(argv) {
      // `ip -6 route replace|del <prefix/len|default> [via <gw>] dev <if>`; anything else just succeeds.
      const at = argv.indexOf('route');
      if (at >= 0 && (argv[at + 1] === 'replace' || argv[at + 1] === 'del')) {
        const [to, ...rest] = argv.slice(at + 2);
        const [prefix, length] = to === 'default' ? ['::', 0] : [to!.split('/')[0]!, Number(to!.split('/')[1])];
        const via = rest.includes('via') ? normalizeIpv6(rest[rest.indexOf('via') + 1]!) : undefined;
        const link = Math.max(0, IFNAMES.indexOf(rest[rest.indexOf('dev') + 1] ?? 'eth1'));
        const same = (r: Route) => r.prefix === normalizeIpv6(prefix) && r.length === length;
        for (let k = routes.length - 1; k >= 0; k--) if (same(routes[k]!)) routes.splice(k, 1);
        if (argv[at + 1] === 'replace') routes.push({ prefix: normalizeIpv6(prefix), length, link, ...(via ? { via } : {}) });
      }
      return { code: 0, stdout: '', stderr: '' };
    },
    stop() {
      for (const s of stops) s();
    },
  };
}
