// A deliberately small IPv6 host for the Redirect case tests (v6LC.2.3.x): it autoconfigures from RAs and
// takes the advertising router as its default, keeps a neighbor cache with the RFC 4861 §7.3.2 states and
// timers, a destination cache, and follows Redirects as RFC 4861 §8.1/§8.3 say -- unless told to get one
// thing wrong, so each case is shown to FAIL for the right reason. Not a stand-in for Linux.
import type { ExecResult, Link } from '@testlab/core';
import {
  concatBytes,
  decodeFrame,
  decodeIcmpv6,
  decodeIpv6Packet,
  ipv6Bytes,
  isMulticastIpv6,
  linkLocalFromMac,
  multicastMac,
  normalizeIpv6,
  slaacAddress,
  solicitedNodeMulticast,
  type DecodedPacket,
  type FrameSpec,
  type Icmpv6Message,
} from '@testlab/packet';
import { fakeNodeBasics } from './fake-node-basics.js';

export interface RedirectMisbehaviour {
  /** Drops every Redirect: the "does nothing" fault. */
  ignoreRedirects?: boolean;
  /** Follows Redirects that fail the RFC 4861 §8.1 checks (source, hop limit, checksum, code, length, addresses, options). */
  skipRedirectValidation?: boolean;
  /** Follows Redirects that came in a packet with a Fragment header. */
  acceptFragmentedRedirects?: boolean;
  /** Takes no link-layer address from a Redirect's TLLA. */
  ignoreRedirectTlla?: boolean;
  /** Discards Redirects with an option of a type it does not know. */
  rejectUnknownOptions?: boolean;
  /** Discards Redirects whose Reserved field is not zero. */
  rejectNonZeroReserved?: boolean;
  /** Discards Redirects with options that do not belong in one (MTU, Prefix Information, SLLA). */
  rejectForeignOptions?: boolean;
  /** Discards on-link Redirects whose Target is in no on-link prefix. */
  rejectOffPrefixTarget?: boolean;
  /** Discards Redirects for destinations it has sent nothing to. */
  requireDestinationEntry?: boolean;
  /** Takes Redirects only from its default router, not from the current first hop. */
  onlyFromDefaultRouter?: boolean;
  /** Makes the target's entry STALE whatever the TLLA says. */
  redirectAlwaysStale?: boolean;
  /** Updates the neighbor cache from a Redirect but goes on routing through the old first hop. */
  noDestinationUpdate?: boolean;
}

export const FAKE_HOST_MAC = '52:54:00:00:00:01';

const RETRANS_MS = 1_000;
const DELAY_MS = 5_000;
const REACHABLE_MS = 30_000;
const MAX_SOLICIT = 3;

type State = 'INCOMPLETE' | 'REACHABLE' | 'STALE' | 'DELAY' | 'PROBE';
interface Neighbor {
  state: State;
  mac?: string;
  isRouter: boolean;
  queue: Array<(mac: string) => FrameSpec>;
  tries: number;
  timer?: NodeJS.Timeout;
}

export interface FakeRedirectHost {
  exec(argv: string[]): Promise<ExecResult>;
  stop(): void;
}

const prefix64 = (ip: string) => ipv6Bytes(ip).subarray(0, 8).join('.');

export function startFakeRedirectHost(link: Link, bad: RedirectMisbehaviour = {}): FakeRedirectHost {
  const mac = FAKE_HOST_MAC;
  const ll = normalizeIpv6(linkLocalFromMac(mac));
  const addresses = new Set([ll]);
  const onLinkPrefixes = new Set<string>();
  const defaultRouters = new Set<string>();
  const destinations = new Map<string, string>();
  const sentTo = new Set<string>();
  const neighbors = new Map<string, Neighbor>();
  const fragments = new Map<number, Array<{ offset: number; more: boolean; data: Uint8Array; header: Uint8Array; nh: number }>>();
  // Every timer comes from `later`, so the node's stop() ends them all.
  const node = fakeNodeBasics(link);
  const { later, send } = node;
  const onLink = (ip: string) => ip.startsWith('fe80:') || onLinkPrefixes.has(prefix64(ip));

  const solicit = (ip: string, n: Neighbor, unicastTo?: string) => {
    const dst = unicastTo ? ip : solicitedNodeMulticast(ip);
    send({ eth: { src: mac, dst: unicastTo ?? multicastMac(dst) }, ipv6: { src: ll, dst, hopLimit: 255 }, icmpv6: { type: 'neighbor-solicitation', target: ip, options: [{ type: 'source-lla', mac }] } });
    n.tries++;
  };
  const setState = (ip: string, n: Neighbor, state: State): void => {
    if (n.timer) clearTimeout(n.timer);
    n.timer = undefined;
    n.state = state;
    n.tries = 0;
    if (state === 'REACHABLE') n.timer = later(REACHABLE_MS, () => setState(ip, n, 'STALE'));
    if (state === 'DELAY') n.timer = later(DELAY_MS, () => setState(ip, n, 'PROBE'));
    if (state === 'PROBE' || state === 'INCOMPLETE') {
      const retry = () => {
        if (n.tries >= MAX_SOLICIT) return void neighbors.delete(ip);
        solicit(ip, n, state === 'PROBE' ? n.mac : undefined);
        n.timer = later(RETRANS_MS, retry);
      };
      retry();
    }
    // What waited for the address goes out now, through output(): from STALE that starts DELAY (RFC 4861 §7.3.3).
    if (n.mac && state !== 'INCOMPLETE') for (const q of n.queue.splice(0)) output(ip, q);
  };
  /** Sends through the neighbor `hop`, resolving it first when its address is unknown (RFC 4861 §7.2.2, §7.3.3). */
  const output = (hop: string, build: (dstMac: string) => FrameSpec): void => {
    let n = neighbors.get(hop);
    if (!n) {
      n = { state: 'INCOMPLETE', isRouter: false, queue: [build], tries: 0 };
      neighbors.set(hop, n);
      return setState(hop, n, 'INCOMPLETE');
    }
    if (n.state === 'INCOMPLETE' || !n.mac) return void n.queue.push(build);
    if (n.state === 'STALE') setState(hop, n, 'DELAY');
    send(build(n.mac));
  };
  /** Next hop for `dst` (RFC 4861 §5.2): destination cache, then on-link, then a default router. */
  const nextHop = (dst: string): string | undefined => destinations.get(dst) ?? (onLink(dst) ? dst : [...defaultRouters][0]);
  /** A link-layer address learned without confirmation (SLLA, RA, Redirect): a new entry is STALE, a changed one too. */
  const learned = (ip: string, lla: string, router?: boolean) => {
    const n = neighbors.get(ip);
    if (!n) {
      const fresh: Neighbor = { state: 'STALE', mac: lla, isRouter: router ?? false, queue: [], tries: 0 };
      neighbors.set(ip, fresh);
      return fresh;
    }
    if (router !== undefined) n.isRouter = router || n.isRouter;
    if (n.state === 'INCOMPLETE' || n.mac !== lla) {
      n.mac = lla;
      setState(ip, n, 'STALE');
    }
    return n;
  };

  function redirect(f: DecodedPacket, m: Extract<Icmpv6Message<DecodedPacket>, { type: 'redirect' }>): void {
    const src = normalizeIpv6(f.ipv6!.src);
    const target = normalizeIpv6(m.target);
    const destination = normalizeIpv6(m.destination);
    const lax = bad.skipRedirectValidation;
    const badOption = f.errors.some((e) => /length 0/.test(e));
    const firstHop = bad.onlyFromDefaultRouter ? [...defaultRouters][0] : nextHop(destination);
    if (!lax && (!src.startsWith('fe80:') || f.ipv6!.hopLimit !== 255 || !m.checksumOk || m.code !== 0 || badOption)) return;
    if (!lax && (isMulticastIpv6(destination) || (target !== destination && !target.startsWith('fe80:')) || src !== firstHop)) return;
    if (bad.rejectUnknownOptions && m.options.some((o) => o.type === 'other')) return;
    if (bad.rejectNonZeroReserved && m.reserved !== 0) return;
    if (bad.rejectForeignOptions && m.options.some((o) => o.type === 'mtu' || o.type === 'prefix-info' || o.type === 'source-lla')) return;
    if (bad.rejectOffPrefixTarget && target === destination && !onLink(target)) return;
    if (bad.requireDestinationEntry && !sentTo.has(destination)) return;
    if (!bad.noDestinationUpdate) destinations.set(destination, target);
    const tlla = m.options.find((o) => o.type === 'target-lla');
    const router = target !== destination ? true : undefined;
    if (tlla?.type === 'target-lla' && !bad.ignoreRedirectTlla) {
      const n = learned(target, tlla.mac, router);
      if (bad.redirectAlwaysStale && n.state !== 'STALE') setState(target, n, 'STALE');
      return;
    }
    const n = neighbors.get(target);
    if (n && router) n.isRouter = true;
    if (n?.mac && bad.redirectAlwaysStale) setState(target, n, 'STALE');
  }

  function icmp(f: DecodedPacket): void {
    const m = f.icmpv6;
    const src = normalizeIpv6(f.ipv6!.src);
    const dst = normalizeIpv6(f.ipv6!.dst);
    if (!m) return;
    const ndValid = f.ipv6!.hopLimit === 255 && m.checksumOk && m.code === 0 && !f.errors.some((e) => /length 0/.test(e));
    if (m.type === 'redirect') return bad.ignoreRedirects ? undefined : redirect(f, m);
    if (m.type === 'other' && m.icmpType === 137 && bad.skipRedirectValidation && !bad.ignoreRedirects && f.trailer) {
      // A lax host reads past the payload length: the Redirect is whole again with the octets left out.
      const whole = concatBytes([Uint8Array.of(137, m.code, 0, 0), m.body, f.trailer]);
      const read = decodeIcmpv6<DecodedPacket>(whole, undefined, [], () => ({ extensionHeaders: [], errors: [] }));
      if (read?.type === 'redirect') redirect(f, { ...read, checksumOk: true });
      return;
    }
    if (m.type === 'router-advertisement') {
      if (!ndValid || !src.startsWith('fe80:')) return;
      for (const o of m.options) {
        if (o.type === 'source-lla') learned(src, o.mac, true);
        if (o.type !== 'prefix-info' || o.prefixLength !== 64) continue;
        if (o.onLink) onLinkPrefixes.add(prefix64(normalizeIpv6(o.prefix)));
        if (o.autonomous) later(300, () => addresses.add(normalizeIpv6(slaacAddress(o.prefix, mac))));
      }
      if (m.routerLifetime > 0) defaultRouters.add(src);
      else defaultRouters.delete(src);
      return;
    }
    if (m.type === 'neighbor-solicitation') {
      const target = normalizeIpv6(m.target);
      if (!ndValid || !addresses.has(target) || src === '::') return;
      const slla = m.options.find((o) => o.type === 'source-lla');
      if (slla?.type === 'source-lla') learned(src, slla.mac);
      output(src, (dstMac) => ({ eth: { src: mac, dst: dstMac }, ipv6: { src: target, dst: src, hopLimit: 255 }, icmpv6: { type: 'neighbor-advertisement', target, solicited: true, override: true, options: [{ type: 'target-lla', mac }] } }));
      return;
    }
    if (m.type === 'neighbor-advertisement') {
      const target = normalizeIpv6(m.target);
      const n = neighbors.get(target);
      if (!ndValid || !n) return;
      const tlla = m.options.find((o) => o.type === 'target-lla');
      const lla = tlla?.type === 'target-lla' ? tlla.mac : undefined;
      const wasRouter = n.isRouter;
      n.isRouter = m.router;
      if (n.state === 'INCOMPLETE') {
        if (!lla) return;
        n.mac = lla;
        setState(target, n, m.solicited ? 'REACHABLE' : 'STALE');
      } else if (!m.override && lla && lla !== n.mac) {
        if (n.state === 'REACHABLE') setState(target, n, 'STALE');
      } else {
        const changed = lla !== undefined && lla !== n.mac;
        if (lla) n.mac = lla;
        if (m.solicited) setState(target, n, 'REACHABLE');
        else if (changed) setState(target, n, 'STALE');
      }
      // RFC 4861 §7.2.5: a router that says it is a host is no longer one to route through.
      if (wasRouter && !m.router) {
        defaultRouters.delete(target);
        for (const [d, hop] of destinations) if (hop === target) destinations.delete(d);
      }
      return;
    }
    if (m.type === 'echo-request' && (addresses.has(dst) || dst === 'ff02::1')) {
      const from = dst === 'ff02::1' ? ll : dst;
      const hop = nextHop(src);
      if (!hop) return;
      sentTo.add(src);
      output(hop, (dstMac) => ({ eth: { src: mac, dst: dstMac }, ipv6: { src: from, dst: src }, icmpv6: { type: 'echo-reply', id: m.id, seq: m.seq, data: m.data } }));
    }
  }

  /** A datagram in fragments (RFC 6980 makes ND in fragments void): put together only by a lax host. */
  function fragment(f: DecodedPacket, bytes: Uint8Array): void {
    const fh = f.extensionHeaders.find((h) => h.type === 'fragment');
    if (fh?.type !== 'fragment' || !bad.acceptFragmentedRedirects) return;
    const data = bytes.subarray(fh.offset + 8, 40 + f.ipv6!.payloadLength);
    const pieces = fragments.get(fh.id) ?? [];
    pieces.push({ offset: fh.fragmentOffset * 8, more: fh.more, data, header: bytes.slice(0, 40), nh: fh.nextHeader });
    fragments.set(fh.id, pieces);
    pieces.sort((a, b) => a.offset - b.offset);
    let at = 0;
    for (const p of pieces) if (p.offset === at) at += p.data.length;
    const last = pieces.find((p) => !p.more);
    if (!last || at !== last.offset + last.data.length) return;
    fragments.delete(fh.id);
    const whole = concatBytes([pieces[0]!.header, ...pieces.map((p) => p.data)]);
    whole[6] = pieces[0]!.nh;
    new DataView(whole.buffer, whole.byteOffset).setUint16(4, whole.length - 40);
    const inner = decodeIpv6Packet(whole);
    if (inner.icmpv6) icmp(inner);
  }

  node.listen((bytes) => {
    const f = decodeFrame(bytes);
    if (!f.eth || !f.ipv6 || (f.eth.dst !== mac && !f.eth.dst.startsWith('33:33'))) return;
    if (f.extensionHeaders.some((h) => h.type === 'fragment')) return fragment(f, bytes.subarray(14));
    icmp(f);
  });

  return {
    async exec(argv) {
      // What the cases' cleanups ask for: forget the routes and addresses a case gave the host.
      const words = argv.join(' ');
      if (/route flush cache/.test(words)) destinations.clear();
      if (/route del default/.test(words)) defaultRouters.clear();
      if (/neigh flush/.test(words)) neighbors.clear();
      return { code: 0, stdout: '', stderr: '' };
    },
    stop: node.stop,
  };
}
