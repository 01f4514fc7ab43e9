// What IPsec_Self_Test_P2 sends inside its SAs: ICMPv6 Echo (INDEX_P2_*) or UDP to the echo port 7
// (INDEX_P2_*_UDP), with TAHI's payloads. One Talk names one request and the answer it must get.
import { normalizeIpv6, type DecodedPacket, type PacketSpec } from '@testlab/packet';
import type { ProtectedUpper } from '@testlab/ipsec';

export type App = 'icmp' | 'udp';

/** TAHI's echo_data: 14 octets, so an Echo Request needs no ESP padding with 3DES (8 + 14 + 2 = 24). */
export const ECHO_DATA = new Uint8Array(Buffer.from('PadLen is Zero'));
/** echo_data_odd: 7 octets, so the minimum padding is 7 (8 + 7 + 2 + 7 = 24). */
export const ODD_DATA = new Uint8Array(Buffer.from('OddData'));
/** echo_data_big and friends: `repeat(0xff, n)`. */
export const bigData = (n: number): Uint8Array => new Uint8Array(n).fill(0xff);

/** TAHI's UDP ports: from 10000 to the NUT's echo service (port 7). */
export const UDP_CLIENT_PORT = 10000;
export const UDP_ECHO_PORT = 7;

export interface Talk {
  app: App;
  /** ICMPv6 Echo identifier and sequence number; UDP uses TAHI's ports. */
  id: number;
  seq: number;
  data: Uint8Array;
}

export const talk = (app: App, seq: number, data: Uint8Array = ECHO_DATA): Talk => ({ app, id: 0x1000 + seq, seq, data });

/** The request as an upper layer (transport mode, or inside a tunnel's inner packet). */
export function request(t: Talk): ProtectedUpper {
  return t.app === 'icmp' ? { icmpv6: { type: 'echo-request', id: t.id, seq: t.seq, data: t.data } } : { udp: { srcPort: UDP_CLIENT_PORT, dstPort: UDP_ECHO_PORT, data: t.data } };
}

/** The answer to it, as the tester sends it when it plays the far host (security gateway tests). */
export function reply(t: Talk): ProtectedUpper {
  return t.app === 'icmp' ? { icmpv6: { type: 'echo-reply', id: t.id, seq: t.seq, data: t.data } } : { udp: { srcPort: UDP_ECHO_PORT, dstPort: UDP_CLIENT_PORT, data: t.data } };
}

export function packet(src: string, dst: string, upper: ProtectedUpper): PacketSpec {
  return { ipv6: { src, dst }, ...upper };
}

const same = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
const addressed = (p: DecodedPacket, src: string, dst: string): boolean =>
  p.ipv6 !== undefined && normalizeIpv6(p.ipv6.src) === normalizeIpv6(src) && normalizeIpv6(p.ipv6.dst) === normalizeIpv6(dst);

/** Whether `p` is `t`'s request (`kind` request) or answer, between those addresses, data and checksum intact. */
export function carries(p: DecodedPacket | undefined, t: Talk, kind: 'request' | 'reply', src: string, dst: string): boolean {
  if (!p || !addressed(p, src, dst)) return false;
  if (t.app === 'icmp') {
    const m = p.icmpv6;
    const type = kind === 'request' ? 'echo-request' : 'echo-reply';
    return m?.type === type && m.id === t.id && m.seq === t.seq && same(m.data, t.data) && m.checksumOk;
  }
  const u = p.udp;
  const [from, to] = kind === 'request' ? [UDP_CLIENT_PORT, UDP_ECHO_PORT] : [UDP_ECHO_PORT, UDP_CLIENT_PORT];
  return u !== undefined && u.srcPort === from && u.dstPort === to && same(u.data, t.data) && u.checksumOk;
}

/** `an Echo Reply` / `a UDP echo answer`, for reasons and logs. */
export function named(t: Talk, kind: 'request' | 'reply'): string {
  if (t.app === 'icmp') return kind === 'request' ? `an Echo Request (seq ${t.seq}, ${t.data.length} octets)` : `the Echo Reply (seq ${t.seq})`;
  return kind === 'request' ? `a UDP datagram to the echo port (${t.data.length} octets)` : 'the UDP echo answer';
}

/** True for anything that answers `t`: its reply whatever its content (for "must stay silent" checks). */
export function anyAnswer(p: DecodedPacket | undefined, t: Talk, dst: string): boolean {
  if (!p?.ipv6 || normalizeIpv6(p.ipv6.dst) !== normalizeIpv6(dst)) return false;
  return t.app === 'icmp' ? p.icmpv6?.type === 'echo-reply' : p.udp?.dstPort === UDP_CLIENT_PORT;
}
