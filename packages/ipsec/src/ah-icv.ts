// What AH's ICV covers in an IPv6 packet (RFC 4302 §3.3.3.1): the packet as the receiver will
// see it, with fields that change in transit zeroed and the routing header as at its destination.
import { IPV6_HEADER_LENGTH, NextHeader } from '@testlab/packet';
import { copyBytes } from './bytes.js';

/** Option Type bit meaning "Option Data may change en route" (RFC 8200 §4.2). */
const OPTION_MAY_CHANGE = 0x20;

function zeroMutableOptions(bytes: Uint8Array, start: number, end: number): void {
  let at = start + 2;
  while (at < end) {
    const type = bytes[at] as number;
    if (type === 0) {
      at += 1;
      continue;
    }
    const length = bytes[at + 1];
    if (length === undefined || at + 2 + length > end) return;
    if (type & OPTION_MAY_CHANGE) bytes.fill(0, at + 2, at + 2 + length);
    at += 2 + length;
  }
}

/**
 * Routing types 0 and 2 list addresses still to visit; the receiver sees the last one as
 * destination and the addresses rotated with Segments Left 0 (RFC 4302 §3.3.3.1.2.2, "mutable
 * but predictable"). Other routing types are covered as sent.
 */
function routeAsAtDestination(bytes: Uint8Array, start: number, end: number): void {
  const type = bytes[start + 2] as number;
  const left = bytes[start + 3] as number;
  if ((type !== 0 && type !== 2) || left === 0) return;
  const n = Math.floor((end - start - 8) / 16);
  if (left > n) return;
  const address = (i: number) => start + 8 + 16 * i;
  const finalDst = bytes.slice(address(n - 1), address(n));
  // Each hop swaps the destination with the next listed address: the list shifts right by one.
  bytes.copyWithin(address(n - left + 1), address(n - left), address(n - 1));
  bytes.set(bytes.slice(24, 40), address(n - left));
  bytes.set(finalDst, 24);
  bytes[start + 3] = 0;
}

/**
 * A copy of `packet` to feed the integrity algorithm, AH at `ahOffset` with `icvFieldLength`
 * bytes of ICV field (ICV and its padding) zeroed. Walks only the outer header chain: a
 * tunnel-mode inner packet is covered as it is.
 */
export function ahIcvInput(packet: Uint8Array, ahOffset: number, icvFieldLength: number): Uint8Array {
  const out = copyBytes(packet);
  if (out.length < IPV6_HEADER_LENGTH) return out;
  // Version stays; traffic class, flow label and hop limit change in transit (§3.3.3.1.1).
  out[0] = (out[0] as number) & 0xf0;
  out.fill(0, 1, 4);
  out[7] = 0;
  let protocol = out[6] as number;
  let at = IPV6_HEADER_LENGTH;
  while (at + 2 <= out.length) {
    const next = out[at] as number;
    let length: number;
    if (protocol === NextHeader.hopByHop || protocol === NextHeader.destinationOptions || protocol === NextHeader.routing) {
      length = ((out[at + 1] as number) + 1) * 8;
      if (at + length > out.length) break;
      if (protocol === NextHeader.routing) routeAsAtDestination(out, at, at + length);
      else zeroMutableOptions(out, at, at + length);
    } else if (protocol === NextHeader.ah) {
      length = ((out[at + 1] as number) + 2) * 4;
      if (at === ahOffset) out.fill(0, at + 12, Math.min(out.length, at + 12 + icvFieldLength));
    } else {
      break;
    }
    at += length;
    protocol = next;
  }
  return out;
}
