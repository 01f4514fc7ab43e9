// The shared fake NUT (fake-nut.ts) with what the Section 1, 4 and 5 cases need on top, as a proxy between
// the tester's links and an inner fake: Packet Too Big validation and duplicate-fragment handling, the
// router's routes (default, longer than /64, through Link1), Hop-by-Hop options on forwarded packets,
// neighbor resolution that fails, forwarding from Link1, RFC 4443 §2.4 (e.1) and anycast sources, a ping
// of its own, and the addresses a case gives it. Each behaviour can be turned off to show a case FAILs.
import type { ExecResult, Link } from '@testlab/core';
import {
  buildFrame,
  decodeFrame,
  decodeIpv6Packet,
  isMulticastIpv6,
  linkLocalFromMac,
  multicastMac,
  normalizeIpv6,
  slaacAddress,
  solicitedNodeMulticast,
  type DecodedFrame,
  type FrameSpec,
} from '@testlab/packet';
import type { ReceivedFrame } from '../src/runner/tester-link.js';
import { cutFragments, evenPieces, fragmentableLength, reassembleFromNut } from '../src/vocabulary/fragments.js';
import { FAKE_NUT_LINK1_MAC, FAKE_NUT_MAC, linkPair, startFakeNut, type FakeNut, type Misbehaviour } from './fake-nut.js';

export interface PlusMisbehaviour extends Misbehaviour {
  /** Lowers the path MTU on any Packet Too Big, whatever packet it quotes. */
  trustAnyPacketTooBig?: boolean;
  /** Cuts fragments to half the size the path MTU allows. */
  fragmentSmallerThanNeeded?: boolean;
  /** Treats an exact duplicate fragment as an overlap (drops the datagram). */
  duplicateIsOverlap?: boolean;
  /** Sends ICMPv6 errors about ICMPv6 errors and about packets from anycast sources. */
  errorAboutErrors?: boolean;
  /** Forwards whatever it is given: unspecified and link-local sources, Hop-by-Hop options unread. */
  forwardAnything?: boolean;
  /** Ignores routes it is given (forwards by Link1's prefix only). */
  ignoreRoutes?: boolean;
  /** Never gives up resolving a neighbor (no Address Unreachable). */
  noAddressUnreachable?: boolean;
  /** Its ping sends nothing. */
  noPing?: boolean;
  /** After an overlap, starts the datagram anew with its later fragments (RFC 5722 §4 discards them too). */
  restartAfterOverlap?: boolean;
  /** Forwards nothing at all. */
  noForwarding?: boolean;
  /**
   * Answers `cat /proc/net/snmp6 /proc/uptime /proc/stat` with a tick clock running at this rate of real time
   * (a starved VM losing ticks; its counters stand still).
   */
  tickRate?: number;
}

const clockStarted = performance.now();

/** snmp6, uptime and a one-CPU stat whose tick clock runs at `rate` of real time. */
function procAnswer(rate: number): ExecResult {
  const elapsed = performance.now() - clockStarted;
  const ticks = Math.round((elapsed * rate) / 10) + 10_000;
  const uptime = (elapsed / 1000 + 100).toFixed(2);
  const stdout = ['Ip6ReasmTimeout 0', 'Ip6ReasmReqds 0', 'Icmp6OutTimeExcds 0', `${uptime} ${uptime}`, `cpu  ${ticks} 0 0 0 0 0 0 0 0 0`, `cpu0 ${ticks} 0 0 0 0 0 0 0 0 0`, ''].join('\n');
  return { code: 0, stdout, stderr: '' };
}

const ROUTER_LINK0 = '3ffe:501:ffff:100::1';
const LINK0_ANYCAST = '3ffe:501:ffff:100::';
const LINK1_PREFIX = '3ffe:501:ffff:101:';
const ME = normalizeIpv6(linkLocalFromMac(FAKE_NUT_MAC));
const HOST_GLOBAL = normalizeIpv6(slaacAddress('3ffe:501:ffff:100::', FAKE_NUT_MAC));

/** The MAC behind an EUI-64 link-local address (the tester's nodes all have one). */
function macOfLinkLocal(address: string): string {
  const words = expand(address).slice(4).map((x) => parseInt(x, 16));
  const bytes = words.flatMap((w) => [w >> 8, w & 0xff]);
  return [bytes[0]! ^ 2, bytes[1], bytes[2], bytes[5], bytes[6], bytes[7]].map((x) => x!.toString(16).padStart(2, '0')).join(':');
}

function expand(address: string): string[] {
  const [head, tail] = normalizeIpv6(address).split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  return [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
}

function prefixMatches(address: string, prefix: string, length: number): boolean {
  const [a, p] = [expand(address), expand(prefix)].map((g) => g.map((x) => parseInt(x, 16).toString(2).padStart(16, '0')).join(''));
  return a!.slice(0, length) === p!.slice(0, length);
}

interface Route {
  prefix: string;
  length: number;
  via: string;
  link: 'Link0' | 'Link1';
}

export function startFakeNutPlus(link: Link, bad: PlusMisbehaviour = {}, router?: { link1: Link }): FakeNut {
  const [proxy0, inner0] = linkPair('Link0');
  const [proxy1, inner1] = linkPair('Link1');
  const inner = startFakeNut(inner0, bad, router ? { link1: inner1 } : undefined);
  const sent = new Set<string>();
  const pmtu = new Map<string, number>();
  const fragmentsSeen = new Set<string>();
  const extra = new Set<string>();
  const routes: Route[] = [];
  const resolving = new Map<string, NodeJS.Timeout>();
  const link1Neighbors = new Set<string>();
  let peerMac = '00:00:00:00:00:00';

  const toTester = (spec: FrameSpec, on: Link = link) => void on.send(buildFrame(spec));
  const errorFrom = (src: string, to: string, mac: string, icmpv6: FrameSpec['icmpv6'], on: Link = link) =>
    toTester({ eth: { src: on === link ? FAKE_NUT_MAC : FAKE_NUT_LINK1_MAC, dst: mac }, ipv6: { src, dst: to }, icmpv6 }, on);

  /** What the NUT sent, remembered so a Packet Too Big can be checked against it. */
  function remember(f: DecodedFrame): void {
    const m = f.icmpv6;
    const frag = f.extensionHeaders.find((h) => h.type === 'fragment');
    if (frag?.type === 'fragment') sent.add(`frag ${normalizeIpv6(f.ipv6!.dst)} ${frag.id}`);
    if (m?.type === 'echo-reply' || m?.type === 'echo-request') sent.add(`echo ${normalizeIpv6(f.ipv6!.dst)} ${m.id} ${m.seq}`);
  }

  function genuine(quoted: DecodedFrame | ReturnType<typeof decodeIpv6Packet>): boolean {
    if (!quoted.ipv6) return false;
    const dst = normalizeIpv6(quoted.ipv6.dst);
    const frag = quoted.extensionHeaders.find((h) => h.type === 'fragment');
    if (frag?.type === 'fragment') return sent.has(`frag ${dst} ${frag.id}`);
    const m = quoted.icmpv6;
    return (m?.type === 'echo-reply' || m?.type === 'echo-request') && sent.has(`echo ${dst} ${m.id} ${m.seq}`);
  }

  /** RFC 4443 §2.4 (e.1) and (e.6) for anycast: the inner fake knows neither. */
  function mayReport(error: DecodedFrame): boolean {
    const m = error.icmpv6;
    if (!m || m.icmpType >= 128 || !('invokingPacket' in m) || bad.errorAboutErrors) return true;
    const about = m.invokingPacket as ReturnType<typeof decodeIpv6Packet>;
    if (about.icmpv6 && about.icmpv6.icmpType < 128) return false;
    return normalizeIpv6(about.ipv6?.src ?? '::1') !== LINK0_ANYCAST || !router;
  }

  /** The inner fake's frames on their way to the tester: remembered, filtered, re-cut when told to. */
  proxy0.onFrame((bytes) => {
    const f = decodeFrame(bytes);
    if (f.ipv6) remember(f);
    if (f.icmpv6 && f.icmpv6.icmpType < 128 && !mayReport(f)) return;
    const frag = f.extensionHeaders.find((h) => h.type === 'fragment');
    if (bad.fragmentSmallerThanNeeded && frag?.type === 'fragment') return recut(f, bytes, frag.id, frag.more);
    void link.send(bytes);
  });
  const held = new Map<number, ReceivedFrame[]>();
  /** fragmentSmallerThanNeeded: the inner fake's fragments of one reply, put together and cut in half-size pieces. */
  function recut(f: DecodedFrame, bytes: Uint8Array, id: number, more: boolean): void {
    const frames = [...(held.get(id) ?? []), { frame: f, bytes, atMs: Date.now() }];
    held.set(id, frames);
    if (more) return;
    held.delete(id);
    const whole = reassembleFromNut(frames, id);
    const m = whole?.packet.icmpv6;
    if (!whole || m?.type !== 'echo-reply') return;
    const spec: FrameSpec = { eth: { src: FAKE_NUT_MAC, dst: f.eth!.dst }, ipv6: { src: whole.packet.ipv6!.src, dst: whole.packet.ipv6!.dst }, icmpv6: { type: 'echo-reply', id: m.id, seq: m.seq, data: m.data } };
    const size = Math.max(8, Math.floor(Math.max(...whole.packetSizes) / 16) * 8);
    for (const piece of cutFragments(spec, id, evenPieces(fragmentableLength(spec), size))) void link.send(buildFrame(piece));
  }
  proxy1.onFrame((bytes) => void router?.link1.send(bytes));

  /** Forwarding decisions the inner fake does not make; true when the frame was dealt with here. */
  function forwardHere(f: DecodedFrame, bytes: Uint8Array, fromLink: 'Link0' | 'Link1'): boolean {
    if (!router || !f.ipv6 || !f.eth) return false;
    const dst = normalizeIpv6(f.ipv6.dst);
    const src = normalizeIpv6(f.ipv6.src);
    const mine = dst === ME || dst === ROUTER_LINK0 || dst === '3ffe:501:ffff:101::1' || extra.has(dst) || dst === LINK0_ANYCAST;
    // A link-local destination is never forwarded: the inner fake takes it (or drops it) on its own link.
    if (mine || dst.startsWith('fe80:')) return false;
    if (bad.noForwarding && !isMulticastIpv6(dst)) return true;
    if (dst === 'ff02::1' || dst === 'ff02::2' || solicitedNodeMulticast(dst) === dst) return false;
    const hbh = f.extensionHeaders.find((h) => h.type === 'hop-by-hop');
    if (hbh?.type === 'hop-by-hop' && !bad.forwardAnything) {
      for (const o of hbh.options) {
        if (o.type === 0 || o.type === 1 || o.type >> 6 === 0) continue;
        const action = o.type >> 6;
        const pointer = 40 + 2 + hbh.options.slice(0, hbh.options.indexOf(o)).reduce((n, x) => n + (x.type === 0 ? 1 : 2 + x.length), 0);
        if (action === 2 || (action === 3 && !isMulticastIpv6(dst))) errorFrom(ROUTER_LINK0, src, f.eth.src, { type: 'parameter-problem', code: 2, pointer, invoking: bytes.slice(14, 14 + 1232) });
        return true;
      }
    }
    if (isMulticastIpv6(dst)) return true;
    if (!bad.forwardAnything && ((src === '::' && !bad.errorsDespiteNonUniqueAddresses) || dst === '::1')) return true;
    if (!bad.forwardAnything && src.startsWith('fe80:')) {
      errorFrom(fromLink === 'Link0' ? ME : ROUTER_LINK0, src, f.eth.src, { type: 'destination-unreachable', code: 2, invoking: bytes.slice(14, 14 + 1232) });
      return true;
    }
    const route = bad.ignoreRoutes ? undefined : routes.filter((r) => prefixMatches(dst, r.prefix, r.length)).sort((a, b) => b.length - a.length)[0];
    const onLink1 = dst.startsWith(LINK1_PREFIX);
    if (route && !(onLink1 && route.length === 0)) {
      const out = bytes.slice();
      out[14 + 7] = Math.max(0, (out[14 + 7] ?? 1) - 1);
      out.set(macBytes(macOfLinkLocal(route.via)), 0);
      out.set(macBytes(route.link === 'Link0' ? FAKE_NUT_MAC : FAKE_NUT_LINK1_MAC), 6);
      void (route.link === 'Link0' ? link : router.link1).send(out);
      return true;
    }
    if (onLink1 && !link1Neighbors.has(dst) && !bad.noAddressUnreachable && !resolving.has(dst)) {
      // The inner fake queues the packet and solicits; here resolution gives up after three seconds.
      const icmpError = f.icmpv6 !== undefined && f.icmpv6.icmpType < 128 && !bad.errorAboutErrors;
      resolving.set(dst, setTimeout(() => {
        resolving.delete(dst);
        if (!link1Neighbors.has(dst) && !icmpError && src !== LINK0_ANYCAST) errorFrom(ROUTER_LINK0, src, peerMac, { type: 'destination-unreachable', code: 3, invoking: bytes.slice(14, 14 + 1232) });
      }, 3_000));
    }
    return fromLink === 'Link1';
  }

  const ranges = new Map<string, Array<[number, number]>>();
  const dead = new Set<string>();
  /**
   * A fragment the NUT already holds, byte for byte: dropped alone (Linux's IPFRAG_DUP) unless told otherwise.
   * A fragment of a datagram an overlap killed: dropped too (RFC 5722 §4: "including those not yet received").
   */
  function duplicate(f: DecodedFrame, bytes: Uint8Array): boolean {
    const frag = f.extensionHeaders.find((h) => h.type === 'fragment');
    if (frag?.type !== 'fragment' || (frag.fragmentOffset === 0 && !frag.more)) return false;
    const datagram = `${f.ipv6!.src} ${f.ipv6!.dst} ${frag.id}`;
    if (dead.has(datagram) && !bad.restartAfterOverlap && !bad.acceptOverlaps) return true;
    const key = `${datagram} ${Buffer.from(bytes.subarray(14)).toString('hex')}`;
    if (fragmentsSeen.has(key) && !bad.duplicateIsOverlap) return true;
    fragmentsSeen.add(key);
    const start = frag.fragmentOffset * 8;
    const end = start + (f.ipv6!.payloadLength - (frag.offset + 8 - 40));
    const held = ranges.get(datagram) ?? [];
    if (held.some(([a, b]) => start < b && a < end)) {
      dead.add(datagram);
      ranges.delete(datagram);
    } else ranges.set(datagram, [...held, [start, end]]);
    return false;
  }

  /** What the proxy answers itself: Echo Requests to all-routers and to addresses a case gave the NUT. */
  function answerHere(f: DecodedFrame): boolean {
    const m = f.icmpv6;
    if (m?.type !== 'echo-request' || !f.ipv6 || !f.eth || bad.noEchoReply) return false;
    const dst = normalizeIpv6(f.ipv6.dst);
    if (!(extra.has(dst) || (router && dst === 'ff02::2'))) return false;
    toTester({ eth: { src: FAKE_NUT_MAC, dst: f.eth.src }, ipv6: { src: dst === 'ff02::2' ? ME : dst, dst: f.ipv6.src }, icmpv6: { type: 'echo-reply', id: m.id, seq: m.seq, data: m.data } });
    return true;
  }

  link.onFrame((bytes) => {
    const f = decodeFrame(bytes);
    if (f.eth) peerMac = f.eth.src;
    const m = f.icmpv6;
    const forMe = f.ipv6 !== undefined && [ME, ROUTER_LINK0, HOST_GLOBAL, ...extra].includes(normalizeIpv6(f.ipv6.dst));
    if (m?.type === 'packet-too-big' && forMe && !bad.trustAnyPacketTooBig && !genuine(m.invokingPacket)) return;
    if (m?.type === 'packet-too-big' && forMe && m.mtu >= 1280 && !bad.ignorePacketTooBig) {
      const target = normalizeIpv6(m.invokingPacket.ipv6?.dst ?? '::');
      pmtu.set(target, Math.min(pmtu.get(target) ?? 1500, m.mtu, bad.acceptPmtuIncrease ? Infinity : 1500));
      if (bad.acceptPmtuIncrease) pmtu.set(target, Math.min(1500, m.mtu));
    }
    if (m?.type === 'router-advertisement' && !router) dadFor(m.options);
    if (f.ipv6 && duplicate(f, bytes)) return;
    if (answerHere(f) || forwardHere(f, bytes, 'Link0')) return;
    void proxy0.send(bytes);
  });
  router?.link1.onFrame((bytes) => {
    const f = decodeFrame(bytes);
    if (f.icmpv6?.type === 'neighbor-advertisement') link1Neighbors.add(normalizeIpv6(f.icmpv6.target));
    if (forwardHere(f, bytes, 'Link1')) return;
    void proxy1.send(bytes);
  });

  /** A host's DAD probe for the address an autonomous prefix gives it (the inner fake uses it at once). */
  function dadFor(options: Array<{ type: string }>): void {
    for (const o of options as Array<{ type: string; prefix?: string; autonomous?: boolean }>) {
      if (o.type !== 'prefix-info' || !o.autonomous || !o.prefix) continue;
      const target = normalizeIpv6(slaacAddress(o.prefix, FAKE_NUT_MAC));
      const group = solicitedNodeMulticast(target);
      setTimeout(() => toTester({ eth: { src: FAKE_NUT_MAC, dst: multicastMac(group) }, ipv6: { src: '::', dst: group, hopLimit: 255 }, icmpv6: { type: 'neighbor-solicitation', target } }), 50);
    }
  }

  /** The NUT's own ping: one Echo Request of `-s` data octets, cut to the path MTU it learnt. */
  function ping(argv: string[]): void {
    if (bad.noPing) return;
    const to = normalizeIpv6(argv[argv.length - 1]!);
    const size = 48 + Number(argv[argv.indexOf('-s') + 1] ?? 56);
    const src = to.startsWith('fe80:') ? ME : router ? ROUTER_LINK0 : HOST_GLOBAL;
    const dstMac = isMulticastIpv6(to) ? multicastMac(to) : peerMac;
    const frame: FrameSpec = { eth: { src: FAKE_NUT_MAC, dst: dstMac }, ipv6: { src, dst: to }, icmpv6: { type: 'echo-request', id: 0x6e75, seq: sent.size + 1, data: new Uint8Array(size - 48) } };
    const mtu = pmtu.get(to) ?? 1500;
    const length = fragmentableLength(frame);
    const pieces = 40 + length <= mtu ? undefined : evenPieces(length, Math.floor((mtu - 48) / (bad.fragmentSmallerThanNeeded ? 16 : 8)) * 8);
    const frames = pieces ? cutFragments(frame, (Math.random() * 0xffffffff) >>> 0, pieces) : [frame];
    for (const piece of frames) {
      const bytes = buildFrame(piece);
      remember(decodeFrame(bytes));
      void link.send(bytes);
    }
  }

  const stop = () => {
    inner();
    for (const t of resolving.values()) clearTimeout(t);
  };
  return Object.assign(stop, {
    exec(argv: string[]) {
      if (bad.tickRate !== undefined && argv[0] === 'cat' && argv[1] === '/proc/net/snmp6') return procAnswer(bad.tickRate);
      if (argv[0] === 'ping') return ping(argv);
      if (argv[0] === 'ip' && argv[2] === 'addr' && argv[3] === 'add') extra.add(normalizeIpv6(argv[4]!.split('/')[0]!));
      if (argv[0] === 'ip' && argv[2] === 'route' && (argv[3] === 'add' || argv[3] === 'del')) {
        const [prefix, length] = argv[4] === 'default' ? ['::', 0] : [argv[4]!.split('/')[0]!, Number(argv[4]!.split('/')[1] ?? 128)];
        const route: Route = { prefix, length, via: normalizeIpv6(argv[argv.indexOf('via') + 1]!), link: argv.includes('eth2') ? 'Link1' : 'Link0' };
        const at = routes.findIndex((r) => r.prefix === route.prefix && r.length === route.length);
        if (at >= 0) routes.splice(at, 1);
        if (argv[3] === 'add') routes.push(route);
      }
      inner.exec(argv);
    },
  });
}

function macBytes(mac: string): Uint8Array {
  return Uint8Array.from(mac.split(':').map((x) => parseInt(x, 16)));
}

