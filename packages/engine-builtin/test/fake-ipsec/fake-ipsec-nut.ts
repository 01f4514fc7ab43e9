// A deliberately simple IPsec node for the IPsec cases' unit tests: an end node on Link0, or a security
// gateway between Link0 (NET0) and Link1 (NET1), that takes its SAD and SPD from the same `ip xfrm` argv a
// real NUT gets (xfrm.ts) and processes ESP as RFC 4301/4303 and Linux do: SA by SPI, anti-replay, ICV,
// decryption, the inbound policy check (a protect policy's packets must have come through its SA), the
// outbound lookup, path MTU and fragmentation. Each misbehaviour breaks one of these, so every case is
// shown to FAIL for its reason. It is not Linux: the real kernels are tested end to end.
import type { Link } from '@testlab/core';
import { buildEspPacket, createSa, decodeEspPacket, type SecurityAssociation } from '@testlab/ipsec';
import { buildFrame, buildIpv6Packet, decodeFrame, decodeIpv6Packet, isMulticastIpv6, linkLocalFromMac, multicastMac, normalizeIpv6, solicitedNodeMulticast, type DecodedPacket, type PacketSpec } from '@testlab/packet';
import { END_NODE_ROUTER, SGW, SGW_ROUTER, endNodeAddress } from '../../src/vocabulary/ipsec-topology.js';
import { fragmentsOf, ipsecShell, type Shell } from './fake-ipsec-shell.js';
import { fitsTemplate, inPrefix, lookupPolicy, type FakePolicy, type FakeState, type Selector } from './xfrm.js';

export interface IpsecMisbehaviour {
  /** Sends in the clear what an outbound policy says to protect. */
  sendInClear?: boolean;
  acceptBadIcv?: boolean;
  acceptReplay?: boolean;
  /** Takes a packet on an unknown SPI with the SA between the same two addresses. */
  answerUnknownSpi?: boolean;
  /** Skips bypass entries and, as RFC 4301 §5.2 has it, discards inbound what no entry selects. */
  ignoreBypass?: boolean;
  /** Treats discard entries as bypass. */
  ignoreDiscard?: boolean;
  /** Selects policies by addresses alone, the ICMPv6 type and code of a selector ignored. */
  ignoreUpperSelectors?: boolean;
  /** Every protected packet leaves on the first outbound SA, whatever the policy's template says. */
  oneSaForAll?: boolean;
  /** Every ESP packet it sends has sequence number 1. */
  seqNotIncremented?: boolean;
  ignorePacketTooBig?: boolean;
  /** A gateway that drops what does not fit the tunnel without telling the source. */
  noPacketTooBig?: boolean;
  /** A dummy packet (Next Header 59) deletes the SA it came on. */
  dummyBreaksSa?: boolean;
  /** A gateway that forwards a dummy packet's content to HOST1. */
  forwardDummy?: boolean;
  /** Drops ESP with a Pad Length above 16. */
  rejectLongPadding?: boolean;
  /** Drops ESP whose content runs past the inner packet or UDP datagram (TFC padding). */
  rejectTfc?: boolean;
  /** Keeps TFC padding as part of the inner packet (its Payload Length grown to cover it). */
  keepTfc?: boolean;
  /** Sends transport-mode ESP on tunnel SAs. */
  tunnelAsTransport?: boolean;
  /** Encrypts and authenticates with keys one bit off. */
  wrongOutKey?: boolean;
}

export type FakeIpsecMode = 'ipsec-end-node' | 'security-gateway';
export const FAKE_IPSEC_MACS = { Link0: '52:54:00:00:00:01', Link1: '52:54:00:00:00:02' } as const;
type LinkName = keyof typeof FAKE_IPSEC_MACS;

export interface FakeIpsecNut extends Shell {
  stop(): void;
}

const MIN_MTU = 1280;
const LINK_MTU = 1500;
const same = (a: string, b: string): boolean => normalizeIpv6(a) === normalizeIpv6(b);

export function startFakeIpsecNut(mode: FakeIpsecMode, links: { Link0: Link; Link1?: Link }, bad: IpsecMisbehaviour = {}): FakeIpsecNut {
  const gateway = mode === 'security-gateway';
  const globals: Record<LinkName, string | undefined> = gateway ? { Link0: SGW.nutNet0, Link1: SGW.nutNet1 } : { Link0: endNodeAddress(FAKE_IPSEC_MACS.Link0), Link1: undefined };
  const linkLocal = (l: LinkName) => normalizeIpv6(linkLocalFromMac(FAKE_IPSEC_MACS[l]));
  const names: LinkName[] = gateway ? ['Link0', 'Link1'] : ['Link0'];
  const mine = (a: string) => names.some((l) => same(a, linkLocal(l)) || (globals[l] !== undefined && same(a, globals[l]!)));
  const state = { sad: [] as FakeState[], spd: [] as FakePolicy[], pmtu: new Map<string, number>(), sent: new Map<FakeState, number>(), stats: new Map<string, number>() };
  const count = (what: string) => void state.stats.set(what, (state.stats.get(what) ?? 0) + 1);
  const neighbors = new Map<string, string>();
  const waiting = new Map<string, Uint8Array[]>();
  const pings = new Map<number, () => void>();

  // Routing: NET0 (and, on a gateway, NET1) on-link; the rest through the Router.
  function route(dst: string): { link: LinkName; next: string } {
    if (dst.startsWith('fe80:')) return { link: 'Link0', next: dst };
    if (!gateway) return { link: 'Link0', next: normalizeIpv6(linkLocalFromMac(END_NODE_ROUTER.mac)) };
    if (inPrefix(dst, { address: 0x3ffe0501ffff0000n << 64n, length: 64 })) return { link: 'Link0', next: dst };
    if (inPrefix(dst, { address: 0x3ffe0501ffff0001n << 64n, length: 64 })) return { link: 'Link1', next: dst };
    return { link: 'Link1', next: normalizeIpv6(SGW_ROUTER.global) };
  }

  function sendIp(ip: Uint8Array): void {
    const { link, next } = route(normalizeIpv6(decodeIpv6Packet(ip).ipv6!.dst));
    const key = `${link}|${next}`;
    const mac = neighbors.get(key);
    const wire = links[link]!;
    if (mac) return void wire.send(buildFrame({ eth: { src: FAKE_IPSEC_MACS[link], dst: mac }, payload: { bytes: ip } }));
    const queue = waiting.get(key) ?? [];
    queue.push(ip);
    waiting.set(key, queue);
    if (queue.length > 1) return;
    const group = solicitedNodeMulticast(next);
    void wire.send(buildFrame({ eth: { src: FAKE_IPSEC_MACS[link], dst: multicastMac(group) }, ipv6: { src: linkLocal(link), dst: group, hopLimit: 255 }, icmpv6: { type: 'neighbor-solicitation', target: next, options: [{ type: 'source-lla', mac: FAKE_IPSEC_MACS[link] }] } }));
  }

  const selectorOf = (p: DecodedPacket): Selector => ({ src: normalizeIpv6(p.ipv6!.src), dst: normalizeIpv6(p.ipv6!.dst), ...(p.icmpv6 ? { icmp: { type: p.icmpv6.icmpType, code: p.icmpv6.code } } : {}) });
  const bypassSkipped = (p: FakePolicy) => bad.ignoreBypass === true && p.action === 'allow' && !p.tmpl;
  const policy = (dir: FakePolicy['dir'], s: Selector) => lookupPolicy(state.spd, dir, s, bypassSkipped, bad.ignoreUpperSelectors);

  /** The inbound check (RFC 4301 §5.2, Linux's __xfrm_policy_check): what a protect policy selects must have come through its SA. */
  function allowedIn(dir: 'in' | 'fwd', s: Selector, secpath: readonly FakeState[]): boolean {
    const pol = policy(dir, s);
    if (!pol) return !bad.ignoreBypass && !secpath.some((x) => x.sa.mode === 'tunnel');
    if (pol.action === 'block') return bad.ignoreDiscard === true;
    return !pol.tmpl || secpath.some((x) => fitsTemplate(x, pol.tmpl!));
  }

  function receive(ip: Uint8Array, from: LinkName, secpath: readonly FakeState[]): void {
    const p = decodeIpv6Packet(ip);
    if (!p.ipv6) return;
    const dst = normalizeIpv6(p.ipv6.dst);
    const fragment = p.extensionHeaders.some((h) => h.type === 'fragment');
    if (mine(dst) && p.payload?.nextHeader === 50 && !fragment) return receiveEsp(ip, p, from, secpath);
    if (!mine(dst)) {
      if (!gateway || isMulticastIpv6(dst)) return;
      if (!allowedIn('fwd', selectorOf(p), secpath)) return count('XfrmFwdHdrError');
      if ((ip[7] as number) <= 1) return;
      const out = ip.slice();
      out[7] = (ip[7] as number) - 1;
      return output(out, from);
    }
    if (!allowedIn('in', selectorOf(p), secpath)) return count('XfrmInPolBlock');
    deliver(p);
  }

  function receiveEsp(ip: Uint8Array, p: DecodedPacket, from: LinkName, secpath: readonly FakeState[]): void {
    const spi = new DataView(p.payload!.bytes.buffer, p.payload!.bytes.byteOffset).getUint32(0);
    const src = normalizeIpv6(p.ipv6!.src);
    const dst = normalizeIpv6(p.ipv6!.dst);
    let sa = state.sad.find((s) => s.sa.spi === spi && same(s.sa.dst, dst));
    if (!sa && bad.answerUnknownSpi) {
      const other = state.sad.find((s) => same(s.sa.dst, dst) && same(s.sa.src, src));
      if (other) sa = { ...other, sa: sameKeysOn(other.sa, spi) };
    }
    if (!sa) return count('XfrmInNoStates');
    const d = decodeEspPacket(ip, sa.sa);
    const esp = d.esp;
    if (!esp) return count('XfrmInHdrError');
    const replay = sa.window?.check(esp.seq) ?? 'new';
    if (replay !== 'new' && replay !== 'in-window' && !bad.acceptReplay) return count('XfrmInStateSeqError');
    if (esp.icvChecked && !esp.authenticated && !bad.acceptBadIcv) return count('XfrmInStateProtoError');
    if (!esp.decrypted || esp.payload === undefined) return count('XfrmInStateProtoError');
    sa.window?.record(esp.seq);
    if (bad.rejectLongPadding && (esp.padLength ?? 0) > 16) return;
    if (esp.dummy) {
      if (bad.dummyBreaksSa) state.sad = state.sad.filter((s) => s.sa !== sa!.sa);
      if (bad.forwardDummy && gateway) sendIp(buildIpv6Packet({ ipv6: { src: sa.sa.src, dst: SGW.host1Net0 }, payload: { nextHeader: 59, bytes: esp.payload } }));
      return;
    }
    const path = [...secpath, sa];
    if (esp.nextHeader === 41) {
      if (sa.sa.mode !== 'tunnel') return count('XfrmInStateModeError');
      let inner = esp.payload;
      const length = 40 + ((inner[4]! << 8) | inner[5]!);
      if (inner.length > length) {
        if (bad.rejectTfc) return;
        if (bad.keepTfc) {
          inner = inner.slice();
          new DataView(inner.buffer).setUint16(4, inner.length - 40);
        } else inner = inner.subarray(0, length);
      }
      return receive(inner, from, path);
    }
    if (sa.sa.mode !== 'transport') return count('XfrmInStateModeError');
    let upper = esp.payload;
    // UDP carries its own length (RFC 4303 §2.7): what follows it is TFC padding.
    if (esp.nextHeader === 17 && upper.length >= 8) {
      const udpLength = (upper[4]! << 8) | upper[5]!;
      if (udpLength < upper.length) {
        if (bad.rejectTfc) return;
        upper = upper.subarray(0, udpLength);
      }
    }
    const rebuilt = new Uint8Array(40 + upper.length);
    rebuilt.set(ip.subarray(0, 40));
    rebuilt[6] = esp.nextHeader!;
    new DataView(rebuilt.buffer).setUint16(4, upper.length);
    rebuilt.set(upper, 40);
    receive(rebuilt, from, path);
  }

  function deliver(p: DecodedPacket): void {
    const me = normalizeIpv6(p.ipv6!.dst);
    const peer = normalizeIpv6(p.ipv6!.src);
    const m = p.icmpv6;
    if (m && !m.checksumOk) return;
    if (m?.type === 'echo-request') return originate({ ipv6: { src: me, dst: peer }, icmpv6: { type: 'echo-reply', id: m.id, seq: m.seq, data: m.data } });
    if (m?.type === 'echo-reply') return pings.get(m.id)?.();
    if (m?.type === 'packet-too-big') {
      const quoted = m.invokingPacket.ipv6;
      if (!quoted || bad.ignorePacketTooBig || m.mtu < MIN_MTU) return;
      state.pmtu.set(normalizeIpv6(quoted.dst), Math.min(m.mtu, LINK_MTU));
      return;
    }
    const u = p.udp;
    if (u && u.checksumOk && u.dstPort === 7) originate({ ipv6: { src: me, dst: peer }, udp: { srcPort: 7, dstPort: u.srcPort, data: u.data } });
  }

  const originate = (spec: PacketSpec) => output(buildIpv6Packet(spec), 'local');
  const pathMtu = (dst: string) => state.pmtu.get(normalizeIpv6(dst)) ?? LINK_MTU;

  /** Out through the SPD (RFC 4301 §5.1): in the clear, dropped, or in ESP on the template's SA; `from` is the link a forwarded packet came in on. */
  function output(ip: Uint8Array, from: LinkName | 'local'): void {
    const p = decodeIpv6Packet(ip);
    const pol = policy('out', selectorOf(p));
    if (!pol) return transmit(ip, from);
    if (pol.action === 'block' && !bad.ignoreDiscard) return count('XfrmOutPolBlock');
    if (pol.action === 'block' || !pol.tmpl || bad.sendInClear) return transmit(ip, from);
    const sa = bad.oneSaForAll ? state.sad.find((s) => mine(s.sa.src)) : state.sad.find((s) => fitsTemplate(s, pol.tmpl!));
    if (!sa) return count('XfrmOutNoStates');
    if (from !== 'local' && sa.sa.mode === 'tunnel') {
      // What fits the tunnel: the path MTU to the far gateway less ESP's overhead (Linux's esp6_get_mtu for 3DES-SHA1).
      const room = ((pathMtu(sa.sa.dst) - 56 - 12) & ~7) - 2;
      if (ip.length > room) return bad.noPacketTooBig ? undefined : packetTooBig(ip, room, from);
    }
    const seq = bad.seqNotIncremented ? 1 : (state.sent.get(sa) ?? 0) + 1;
    state.sent.set(sa, seq);
    const keys = bad.wrongOutKey ? oneBitOff(sa.sa) : sa.sa;
    const tunnel = sa.sa.mode === 'tunnel' && !bad.tunnelAsTransport;
    const esp = tunnel
      ? buildEspPacket({ sa: keys, innerPacket: ip, esp: { seq } })
      : buildEspPacket({ sa: keys, ipv6: { src: p.ipv6!.src, dst: p.ipv6!.dst, hopLimit: ip[7] }, upper: { payload: { nextHeader: ip[6]!, bytes: ip.slice(40) } }, esp: { seq } });
    transmit(esp, from);
  }

  function packetTooBig(ip: Uint8Array, mtu: number, from: LinkName): void {
    originate({ ipv6: { src: globals[from]!, dst: normalizeIpv6(decodeIpv6Packet(ip).ipv6!.src) }, icmpv6: { type: 'packet-too-big', mtu, invoking: ip.slice(0, 1232) } });
  }

  function transmit(ip: Uint8Array, from: LinkName | 'local'): void {
    const mtu = pathMtu(decodeIpv6Packet(ip).ipv6!.dst);
    if (ip.length <= mtu) return sendIp(ip);
    if (from !== 'local') return packetTooBig(ip, mtu, from);
    for (const piece of fragmentsOf(ip, mtu)) sendIp(piece);
  }

  const stops = names.map((l) =>
    links[l]!.onFrame((bytes) => {
      const f = decodeFrame(bytes);
      if (!f.eth || !f.ipv6) return;
      const m = f.icmpv6;
      if (m?.type === 'neighbor-solicitation') {
        if (!mine(normalizeIpv6(m.target))) return;
        void links[l]!.send(buildFrame({ eth: { src: FAKE_IPSEC_MACS[l], dst: f.eth.src }, ipv6: { src: normalizeIpv6(m.target), dst: f.ipv6.src, hopLimit: 255 }, icmpv6: { type: 'neighbor-advertisement', target: m.target, solicited: true, override: true, options: [{ type: 'target-lla', mac: FAKE_IPSEC_MACS[l] }] } }));
        return;
      }
      if (m?.type === 'neighbor-advertisement') {
        const key = `${l}|${normalizeIpv6(m.target)}`;
        const tll = m.options.find((o) => o.type === 'target-lla');
        neighbors.set(key, tll?.type === 'target-lla' ? tll.mac : f.eth.src);
        const queued = waiting.get(key) ?? [];
        waiting.delete(key);
        for (const ip of queued) sendIp(ip);
        return;
      }
      if (f.eth.dst !== FAKE_IPSEC_MACS[l] && !f.eth.dst.startsWith('33:33:')) return;
      receive(bytes.subarray(14), l, []);
    }),
  );

  const shell = ipsecShell(state, {
    ping: (dst, id) =>
      new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => (pings.delete(id), resolve(false)), 5_000);
        pings.set(id, () => (clearTimeout(timer), pings.delete(id), resolve(true)));
        originate({ ipv6: { src: globals.Link0!, dst }, icmpv6: { type: 'echo-request', id, seq: 1, data: new Uint8Array(56) } });
      }),
  });
  return Object.assign(shell, {
    stop() {
      for (const s of stops) s();
    },
  });
}

/** The SA's keys on another SPI: what a NUT that ignores the SPI would use. */
function sameKeysOn(sa: SecurityAssociation, spi: number): SecurityAssociation {
  return createSa({ spi, mode: sa.mode, src: sa.src, dst: sa.dst, encryption: { algorithm: sa.encryption.transform.name, key: sa.encryption.key }, integrity: { algorithm: sa.integrity.transform.name, key: sa.integrity.key } });
}

function oneBitOff(sa: SecurityAssociation): SecurityAssociation {
  // The high bit: DES ignores each key byte's lowest (parity) bit.
  const flip = (k: Uint8Array) => (k.length === 0 ? k : Uint8Array.from(k, (b, i) => (i === 0 ? b ^ 0x80 : b)));
  return createSa({ spi: sa.spi, mode: sa.mode, src: sa.src, dst: sa.dst, encryption: { algorithm: sa.encryption.transform.name, key: flip(sa.encryption.key) }, integrity: { algorithm: sa.integrity.transform.name, key: flip(sa.integrity.key) } });
}
