// Ethernet II header: what QEMU's NIC puts on the wire, without preamble or FCS.
import { formatMac, macBytes, type MacAddress } from './addr.js';
import { view } from './bytes.js';

export const ETHERTYPE_IPV6 = 0x86dd;
export const ETHERNET_HEADER_LENGTH = 14;

export interface EthernetSpec {
  dst: MacAddress;
  src: MacAddress;
  /** Defaults to 0x86dd when the frame carries an IPv6 packet. */
  ethertype?: number;
}

export interface EthernetHeader {
  dst: string;
  src: string;
  ethertype: number;
}

export function encodeEthernetHeader(spec: EthernetSpec, defaultEthertype = ETHERTYPE_IPV6): Uint8Array {
  const out = new Uint8Array(ETHERNET_HEADER_LENGTH);
  out.set(macBytes(spec.dst), 0);
  out.set(macBytes(spec.src), 6);
  view(out).setUint16(12, (spec.ethertype ?? defaultEthertype) & 0xffff);
  return out;
}

/** Undefined when the frame is shorter than an Ethernet header; the caller reports that. */
export function decodeEthernetHeader(frame: Uint8Array): EthernetHeader | undefined {
  if (frame.length < ETHERNET_HEADER_LENGTH) return undefined;
  return {
    dst: formatMac(frame.subarray(0, 6)),
    src: formatMac(frame.subarray(6, 12)),
    ethertype: view(frame).getUint16(12),
  };
}
