// A deliberately simple IPv6 node written for the tests: it answers like a conforming NUT unless told to
// misbehave in one way, so each case is shown to FAIL for the right reason. It is not a stand-in for the
// kernel in end-to-end tests (those boot a real Linux); it answers straight to the sender's MAC.
// It walks extension headers, acts on option types, reassembles fragments (60 s timer), keeps a path MTU
// per destination and fragments its Echo Replies by it, and sends ICMPv6 errors under RFC 4443 §2.4 (e).
import type { ExecResult, Link } from '@testlab/core';
import {
  buildFrame,
  concatBytes,
  decodeFrame,
  decodeIpv6Packet,
  formatIpv6,
  isMulticastIpv6,
  linkLocalFromMac,
  macBytes,
  multicastMac,
  normalizeIpv6,
  slaacAddress,
  solicitedNodeMulticast,
  type DecodedFrame,
  type FrameSpec,
  type Icmpv6Spec,
} from '@testlab/packet';
import { cutFragments, evenPieces, fragmentableLength } from '../src/vocabulary/fragments.js';

export interface Misbehaviour {
  noEchoReply?: boolean;
  ignoreMulticastEcho?: boolean;
  multicastReplySource?: boolean;
  corruptEchoData?: boolean;
  acceptAnyVersion?: boolean;
  noParameterProblem?: boolean;
  wrongPointer?: boolean;
  answerUnknownInformational?: boolean;
  acceptNsAnyHopLimit?: boolean;
  acceptNsBadChecksum?: boolean;
  noNeighborAdvertisement?: boolean;
  // RFC 8200 §3: header fields a receiver must not care about
  dropNonZeroTrafficClass?: boolean;
  dropNonZeroFlowLabel?: boolean;
  dropOddPayloadLength?: boolean;
  dropHopLimitZero?: boolean;
  /** Reads what follows Next Header 59 as ICMPv6. */
  readPastNoNextHeader?: boolean;
  // RFC 8200 §4
  allowRepeatedHopByHop?: boolean;
  /** Skips every unknown option, whatever its high-order bits say. */
  skipUnknownOptions?: boolean;
  /** Sends Parameter Problem for 11b options even to multicast destinations. */
  optionErrorToMulticast11?: boolean;
  /** Sends no Parameter Problem for 10b options to multicast destinations. */
  noOptionErrorForMulticast10?: boolean;
  /** Points Parameter Problem code 2 at the header instead of the option. */
  optionPointerAtHeader?: boolean;
  /** Ignores a Routing header with Segments Left non-zero instead of reporting its type. */
  ignoreRoutingSegmentsLeft?: boolean;
  // RFC 8200 §4.5
  noReassembly?: boolean;
  /** Puts fragments together whatever their source, destination and identification. */
  reassembleAnything?: boolean;
  acceptOverlaps?: boolean;
  reassemblyTimeoutMs?: number;
  noReassemblyTimeExceeded?: boolean;
  timeExceededWithoutFirstFragment?: boolean;
  noFragmentLengthCheck?: boolean;
  atomicReplyFragmented?: boolean;
  acceptIncompleteFirstFragment?: boolean;
  // RFC 8201
  ignorePacketTooBig?: boolean;
  ignorePacketTooBigWithCode?: boolean;
  /** Uses 1280 for a Packet Too Big below 1280 (RFC 1981) instead of discarding it (RFC 8201 §4). */
  clampMtuBelowMinimum?: boolean;
  /** Raises the path MTU when a Packet Too Big says so. */
  acceptPmtuIncrease?: boolean;
  ignoreRaMtu?: boolean;
  // RFC 4443
  noPortUnreachable?: boolean;
  /** Sends errors for packets to multicast destinations or from unspecified/multicast sources. */
  errorsDespiteNonUniqueAddresses?: boolean;
  answerEchoToUnspecifiedOrLoopback?: boolean;
  /** Answers Echo Requests to a global address from the link-local one. */
  replyFromLinkLocal?: boolean;
  // Router NUTs (forwarding between Link0 and Link1)
  noHopLimitDecrement?: boolean;
  forwardExpiredHopLimit?: boolean;
  noRouteUnreachable?: boolean;
  noPacketTooBig?: boolean;
  zeroTrafficClassAndFlowLabelWhenForwarding?: boolean;
  /** Appends an octet to odd-length payloads it forwards. */
  padOddPayloadWhenForwarding?: boolean;
  dropNoNextHeaderWhenForwarding?: boolean;
}

export const FAKE_NUT_LINK1_MAC = '52:54:00:00:00:02';
const ROUTER_LINK0 = '3ffe:501:ffff:100::1';
const ROUTER_LINK1 = '3ffe:501:ffff:101::1';
const LINK1_PREFIX = '3ffe:501:ffff:101:';

/**
 * The fake's management shell: it understands `ip link set dev eth2 mtu N` (Link1's MTU) and ignores the rest;
 * a fake that answers a command with output returns it (others succeed with none).
 */
export type FakeNut = (() => void) & { exec(argv: string[]): ExecResult | void };

export const FAKE_NUT_MAC = '52:54:00:00:00:01';

/** Two ends of an in-memory link: what one sends, the other receives (asynchronously, as on a wire). */
export function linkPair(name = 'Link0'): [Link, Link] {
  const listeners: [Set<(f: Uint8Array, at: number) => void>, Set<(f: Uint8Array, at: number) => void>] = [new Set(), new Set()];
  const end = (mine: 0 | 1): Link => ({
    name,
    async send(frame) {
      const copy = frame.slice();
      setImmediate(() => {
        for (const l of listeners[mine === 0 ? 1 : 0]) l(copy, Date.now());
      });
    },
    onFrame(l) {
      listeners[mine].add(l);
      return () => listeners[mine].delete(l);
    },
    async close() {
      listeners[mine].clear();
    },
  });
  return [end(0), end(1)];
}

const KNOWN_UPPER = new Set([58, 17, 6]);
const MIN_MTU = 1280;

interface Queue {
  pieces: Array<{ start: number; data: Uint8Array; more: boolean }>;
  firstHeader?: Uint8Array;
  firstFragment?: Uint8Array;
  timer: NodeJS.Timeout;
}

export function startFakeNut(link: Link, bad: Misbehaviour = {}, router?: { link1: Link }): FakeNut {
  const mac = FAKE_NUT_MAC;
  const me = normalizeIpv6(linkLocalFromMac(mac));
  const globals = new Set<string>();
  const pmtu = new Map<string, number>();
  let linkMtu = 1500;
  const queues = new Map<string, Queue>();
  let peerMac = '00:00:00:00:00:00';

  if (router) globals.add(ROUTER_LINK0);
  let link1Mtu = 1500;
  const link1Me = normalizeIpv6(linkLocalFromMac(FAKE_NUT_LINK1_MAC));
  const link1Neighbors = new Map<string, string>();
  const waitingForNeighbor = new Map<string, Uint8Array[]>();
  const mine = (a: string) => a === me || globals.has(a) || (router !== undefined && (a === ROUTER_LINK1 || a === link1Me));
  const accepted = (dst: string) => mine(dst) || dst === 'ff02::1' || [me, ...globals].some((a) => solicitedNodeMulticast(a) === dst);
  const send = (spec: Omit<FrameSpec, 'eth'>, to = peerMac) => void link.send(buildFrame({ eth: { src: mac, dst: to }, ...spec }));

  /** RFC 4443 §2.4 (e): no error about a packet to a multicast address (two exceptions) or from a non-unique source. */
  function sendError(ip: Uint8Array, icmpv6: Icmpv6Spec, multicastException = false): void {
    const src = formatIpv6(ip.subarray(8, 24));
    const dst = formatIpv6(ip.subarray(24, 40));
    const nonUnique = src === '::' || isMulticastIpv6(src) || (isMulticastIpv6(dst) && !multicastException);
    if (nonUnique && !bad.errorsDespiteNonUniqueAddresses) return;
    const from = mine(dst) ? dst : router ? ROUTER_LINK0 : me;
    send({ ipv6: { src: from, dst: src }, icmpv6: { ...icmpv6, invoking: ip.slice(0, 1232) } as Icmpv6Spec });
  }
  const parameterProblem = (ip: Uint8Array, code: number, pointer: number, multicastException = false) =>
    bad.noParameterProblem ? undefined : sendError(ip, { type: 'parameter-problem', code, pointer: bad.wrongPointer ? 0 : pointer, invoking: new Uint8Array(0) }, multicastException);

  /** Options of a Hop-by-Hop or Destination Options header at `off`; false when the packet is to be dropped. */
  function options(ip: Uint8Array, off: number, len: number, dst: string): boolean {
    let at = off + 2;
    while (at < off + len) {
      const type = ip[at] as number;
      if (type === 0) {
        at += 1;
        continue;
      }
      if (type !== 1 && !bad.skipUnknownOptions) {
        const action = type >> 6;
        const pointer = bad.optionPointerAtHeader ? off : at;
        if (action === 1) return false;
        if (action === 2) {
          if (!(isMulticastIpv6(dst) && bad.noOptionErrorForMulticast10)) parameterProblem(ip, 2, pointer, true);
          return false;
        }
        if (action === 3) {
          if (!isMulticastIpv6(dst) || bad.optionErrorToMulticast11) parameterProblem(ip, 2, pointer, true);
          return false;
        }
      }
      at += 2 + (ip[at + 1] as number);
    }
    return true;
  }

  function handlePacket(ip: Uint8Array): void {
    const f = decodeIpv6Packet(ip);
    if (!f.ipv6) return;
    if (f.ipv6.version !== 6 && !bad.acceptAnyVersion) return;
    if ((bad.dropNonZeroTrafficClass && f.ipv6.trafficClass) || (bad.dropNonZeroFlowLabel && f.ipv6.flowLabel) || (bad.dropHopLimitZero && f.ipv6.hopLimit === 0)) return;
    if (bad.dropOddPayloadLength && f.ipv6.payloadLength % 2 === 1) return;
    const dst = normalizeIpv6(f.ipv6.dst);
    if (!accepted(dst)) {
      if (router && !isMulticastIpv6(dst) && dst !== '::' && dst !== '::1') forward(ip.slice(0, 40 + f.ipv6.payloadLength), dst);
      return;
    }
    const end = Math.min(ip.length, 40 + f.ipv6.payloadLength);
    let nh = ip[6] as number;
    let nhField = 6;
    let off = 40;
    for (;;) {
      if (nh === 0 || nh === 60) {
        if (nh === 0 && off !== 40 && !bad.allowRepeatedHopByHop) return parameterProblem(ip, 1, nhField);
        const len = ((ip[off + 1] as number) + 1) * 8;
        if (!options(ip, off, len, dst)) return;
        nhField = off;
        nh = ip[off] as number;
        off += len;
      } else if (nh === 43) {
        const len = ((ip[off + 1] as number) + 1) * 8;
        if (ip[off + 3] !== 0 && !bad.ignoreRoutingSegmentsLeft) return parameterProblem(ip, 0, off + 2);
        nhField = off;
        nh = ip[off] as number;
        off += len;
      } else if (nh === 44) {
        return fragment(ip.subarray(0, end), off);
      } else if (nh === 59) {
        if (!bad.readPastNoNextHeader) return;
        const misread = ip.slice(0, end);
        misread[nhField] = 58;
        return handlePacket(misread);
      } else if (nh === 58) {
        return icmp(ip.subarray(0, end), f, dst);
      } else if (nh === 17) {
        if (!bad.noPortUnreachable) sendError(ip.subarray(0, end), { type: 'destination-unreachable', code: 4, invoking: new Uint8Array(0) });
        return;
      } else {
        if (!KNOWN_UPPER.has(nh)) parameterProblem(ip, 1, nhField);
        return;
      }
    }
  }

  function fragment(ip: Uint8Array, off: number): void {
    const word = (ip[off + 2]! << 8) | ip[off + 3]!;
    const start = (word >> 3) * 8;
    const more = (word & 1) === 1;
    const id = new DataView(ip.buffer, ip.byteOffset).getUint32(off + 4);
    const data = ip.slice(off + 8);
    if (more && data.length % 8 !== 0 && !bad.noFragmentLengthCheck) return parameterProblem(ip, 0, 4);
    const header = ip.slice(0, off);
    header[off === 40 ? 6 : off] = ip[off] as number;
    if (start === 0 && !more) {
      // Atomic fragment (RFC 6946): processed on its own.
      atomicReply = bad.atomicReplyFragmented;
      handlePacket(withPayload(header, data));
      atomicReply = false;
      return;
    }
    if (start === 0 && !bad.acceptIncompleteFirstFragment && !chainComplete(ip[off] as number, data)) return parameterProblem(ip, 3, 0);
    if (bad.noReassembly) return;
    const key = bad.reassembleAnything ? 'any' : `${formatIpv6(ip.subarray(8, 24))}|${formatIpv6(ip.subarray(24, 40))}|${id}`;
    let q = queues.get(key);
    if (!q) {
      const timer = setTimeout(() => {
        queues.delete(key);
        const first = q!.firstFragment;
        if (bad.noReassemblyTimeExceeded) return;
        const quoted = first ?? (bad.timeExceededWithoutFirstFragment ? ip : undefined);
        if (quoted) sendError(quoted, { type: 'time-exceeded', code: 1, invoking: new Uint8Array(0) });
      }, bad.reassemblyTimeoutMs ?? 60_000);
      q = { pieces: [], timer };
      queues.set(key, q);
    }
    const overlap = q.pieces.some((p) => start < p.start + p.data.length && p.start < start + data.length);
    if (overlap && !bad.acceptOverlaps) {
      // RFC 5722: the whole datagram goes, silently.
      clearTimeout(q.timer);
      queues.delete(key);
      return;
    }
    q.pieces.push({ start, data, more });
    if (start === 0) {
      q.firstHeader = header;
      q.firstFragment = ip.slice();
    }
    q.pieces.sort((a, b) => a.start - b.start);
    let covered = 0;
    for (const p of q.pieces) if (p.start <= covered) covered = Math.max(covered, p.start + p.data.length);
    const last = q.pieces.find((p) => !p.more);
    if (!q.firstHeader || !last || covered < last.start + last.data.length) return;
    clearTimeout(q.timer);
    queues.delete(key);
    const whole = new Uint8Array(covered);
    for (const p of q.pieces) whole.set(p.data, p.start);
    handlePacket(withPayload(q.firstHeader, whole));
  }

  let atomicReply: boolean | undefined = false;

  /** RFC 8200 §3 and RFC 4443 §3: hop limit, route, link MTU, then out on Link1 once TN2 is resolved. */
  function forward(ip: Uint8Array, dst: string): void {
    const hopLimit = ip[7] as number;
    if (hopLimit <= 1 && !bad.forwardExpiredHopLimit) return sendError(ip, { type: 'time-exceeded', code: 0, invoking: new Uint8Array(0) });
    if (!dst.startsWith(LINK1_PREFIX)) {
      if (!bad.noRouteUnreachable) sendError(ip, { type: 'destination-unreachable', code: 0, invoking: new Uint8Array(0) });
      return;
    }
    if (ip.length > link1Mtu) {
      if (!bad.noPacketTooBig) sendError(ip, { type: 'packet-too-big', mtu: link1Mtu, invoking: new Uint8Array(0) });
      return;
    }
    let out: Uint8Array = ip.slice();
    if (!bad.noHopLimitDecrement) out[7] = Math.max(0, hopLimit - 1);
    if (bad.zeroTrafficClassAndFlowLabelWhenForwarding) out.set([0x60, 0, 0, 0], 0);
    if (bad.dropNoNextHeaderWhenForwarding && (out[6] === 59 || (out[6] === 60 && out[40] === 59))) return;
    if (bad.padOddPayloadWhenForwarding && (out.length - 40) % 2 === 1) {
      out = withPayload(out.subarray(0, 40), concatBytes([out.subarray(40), new Uint8Array(1)]));
    }
    const mac = link1Neighbors.get(dst);
    if (mac) return void router!.link1.send(concat(macBytes(mac), macBytes(FAKE_NUT_LINK1_MAC), out));
    const queue = waitingForNeighbor.get(dst) ?? [];
    queue.push(out);
    waitingForNeighbor.set(dst, queue);
    const group = solicitedNodeMulticast(dst);
    void router!.link1.send(
      buildFrame({
        eth: { src: FAKE_NUT_LINK1_MAC, dst: multicastMac(group) },
        ipv6: { src: link1Me, dst: group, hopLimit: 255 },
        icmpv6: { type: 'neighbor-solicitation', target: dst, options: [{ type: 'source-lla', mac: FAKE_NUT_LINK1_MAC }] },
      }),
    );
  }

  const stopLink1 = router?.link1.onFrame((bytes) => {
    const f = decodeFrame(bytes);
    const m = f.icmpv6;
    if (m?.type !== 'neighbor-advertisement') return;
    const target = normalizeIpv6(m.target);
    const tll = m.options.find((o) => o.type === 'target-lla');
    const mac = tll?.type === 'target-lla' ? tll.mac : f.eth?.src;
    if (!mac) return;
    link1Neighbors.set(target, mac);
    for (const p of waitingForNeighbor.get(target) ?? []) void router!.link1.send(concat(macBytes(mac), macBytes(FAKE_NUT_LINK1_MAC), p));
    waitingForNeighbor.delete(target);
  });

  function icmp(ip: Uint8Array, f: ReturnType<typeof decodeIpv6Packet>, dst: string): void {
    const m = f.icmpv6;
    const src = normalizeIpv6(f.ipv6!.src);
    if (!m) return;
    if (m.type === 'neighbor-solicitation') {
      if (!mine(normalizeIpv6(m.target)) || bad.noNeighborAdvertisement) return;
      if (f.ipv6!.hopLimit !== 255 && !bad.acceptNsAnyHopLimit) return;
      if (!m.checksumOk && !bad.acceptNsBadChecksum) return;
      send({ ipv6: { src: normalizeIpv6(m.target), dst: src, hopLimit: 255 }, icmpv6: { type: 'neighbor-advertisement', target: m.target, solicited: true, override: true, options: [{ type: 'target-lla', mac }] } });
      return;
    }
    if (m.type === 'echo-request') {
      if (bad.noEchoReply || (dst === 'ff02::1' && bad.ignoreMulticastEcho)) return;
      const data = bad.corruptEchoData ? m.data.map((b) => b ^ 0xff) : m.data;
      const from = dst === 'ff02::1' ? (bad.multicastReplySource ? 'ff02::1' : me) : bad.replyFromLinkLocal ? me : dst;
      reply(src, { ipv6: { src: from, dst: src }, icmpv6: { type: 'echo-reply', id: m.id, seq: m.seq, data } });
      return;
    }
    if (m.type === 'packet-too-big') {
      const inner = m.invokingPacket.ipv6;
      if (!inner || bad.ignorePacketTooBig || (m.code !== 0 && bad.ignorePacketTooBigWithCode)) return;
      if (m.mtu < MIN_MTU && !bad.clampMtuBelowMinimum) return;
      const target = normalizeIpv6(inner.dst);
      const current = pmtu.get(target) ?? linkMtu;
      const next = Math.max(MIN_MTU, m.mtu);
      if (next < current || bad.acceptPmtuIncrease) pmtu.set(target, Math.min(next, linkMtu));
      return;
    }
    if (m.type === 'router-advertisement') {
      for (const o of m.options) {
        if (o.type === 'prefix-info' && o.autonomous && o.prefixLength === 64) globals.add(normalizeIpv6(slaacAddress(o.prefix, mac)));
        if (o.type === 'mtu' && !bad.ignoreRaMtu && o.mtu >= MIN_MTU) linkMtu = Math.min(1500, o.mtu);
      }
      return;
    }
    if (m.type === 'other' && m.icmpType >= 128 && bad.answerUnknownInformational) {
      send({ ipv6: { src: me, dst: src }, icmpv6: { type: 'parameter-problem', code: 1, pointer: 40, invoking: ip } });
    }
  }

  /** An Echo Reply, in fragments when it is larger than the path MTU towards `to`. */
  function reply(to: string, spec: Omit<FrameSpec, 'eth'>): void {
    const frame: FrameSpec = { eth: { src: mac, dst: peerMac }, ...spec };
    const mtu = pmtu.get(to) ?? linkMtu;
    const length = fragmentableLength(frame);
    if (40 + length <= mtu && !atomicReply) return void link.send(buildFrame(frame));
    const size = atomicReply ? length : Math.floor((mtu - 48) / 8) * 8;
    for (const piece of cutFragments(frame, (Math.random() * 0xffffffff) >>> 0, atomicReply ? [{ start: 0, end: length, more: false }] : evenPieces(length, size))) {
      void link.send(buildFrame(piece));
    }
  }

  const stop = link.onFrame((bytes) => {
    const f: DecodedFrame = decodeFrame(bytes);
    if (!f.eth || !f.ipv6) return;
    peerMac = f.eth.src;
    if (bad.answerEchoToUnspecifiedOrLoopback && ['::', '::1'].includes(normalizeIpv6(f.ipv6.dst)) && f.icmpv6?.type === 'echo-request') {
      send({ ipv6: { src: me, dst: f.ipv6.src }, icmpv6: { type: 'echo-reply', id: f.icmpv6.id, seq: f.icmpv6.seq, data: f.icmpv6.data } });
      return;
    }
    handlePacket(bytes.subarray(14));
  });
  const stopAll = () => {
    stop();
    stopLink1?.();
    for (const q of queues.values()) clearTimeout(q.timer);
  };
  return Object.assign(stopAll, {
    exec(argv: string[]) {
      const at = argv.indexOf('mtu');
      if (argv[0] === 'ip' && argv[1] === 'link' && argv.includes('eth2') && at > 0) link1Mtu = Number(argv[at + 1]);
    },
  });
}

/** An Ethernet frame carrying IPv6: destination MAC, source MAC, ethertype 0x86dd, packet. */
function concat(dst: Uint8Array, src: Uint8Array, packet: Uint8Array): Uint8Array {
  const out = new Uint8Array(14 + packet.length);
  out.set(dst, 0);
  out.set(src, 6);
  out[12] = 0x86;
  out[13] = 0xdd;
  out.set(packet, 14);
  return out;
}

/** Unfragmentable part plus the reassembled fragmentable part, Payload Length fixed up. */
function withPayload(header: Uint8Array, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(header.length + payload.length);
  out.set(header);
  out.set(payload, header.length);
  new DataView(out.buffer).setUint16(4, out.length - 40);
  return out;
}

/** True when the headers starting with `nh` at the start of `data` reach an upper-layer header within it. */
function chainComplete(nh: number, data: Uint8Array): boolean {
  let at = 0;
  while (nh === 0 || nh === 43 || nh === 60) {
    if (at + 2 > data.length) return false;
    const len = ((data[at + 1] as number) + 1) * 8;
    if (at + len > data.length) return false;
    nh = data[at] as number;
    at += len;
  }
  return nh === 59 || at + (nh === 58 ? 4 : nh === 17 ? 8 : 0) <= data.length;
}
