// Redirect messages (RFC 4861 §4.5) the tester sends a host NUT: the valid one a test is about, what goes in
// it (TLLA, Redirected Header, odd options), and the nine ways TAHI spoils one (§8.1 validity checks) so the
// NUT must ignore it.
import { buildFrame, type FrameSpec, type NdOptionSpec } from '@testlab/packet';
import type { CaseContext } from '../runner/context.js';
import type { ReceivedFrame } from '../runner/tester-link.js';
import { globalOf } from './global-address.js';
import { pattern } from './payload.js';
import { OFF_LINK_TN1, TR2, TR2_OTHER_MAC, type RedirectHost } from './redirect-network.js';
import { TR1 } from './tester-nodes.js';

type RedirectIcmp = Extract<NonNullable<FrameSpec['icmpv6']>, { type: 'redirect' }>;

export interface RedirectFields {
  /** The better first hop: a router's link-local address, or the destination itself when it is on-link. */
  target: string;
  /** Defaults to off-link TN1. */
  destination?: string;
  options?: NdOptionSpec[];
  /** The sender: TR1 (the NUT's first hop for TN1) unless a test says otherwise. */
  from?: { mac: string; address: string };
}

/** A Redirect to the NUT's global address, hop limit 255, as TAHI's local_redirect frames. */
export function redirectToNut(ctx: CaseContext, host: RedirectHost, r: RedirectFields): FrameSpec {
  const from = r.from ?? host.tr1;
  return {
    eth: { src: from.mac, dst: ctx.nutOn().mac },
    ipv6: { src: from.address, dst: host.nut, hopLimit: 255 },
    icmpv6: { type: 'redirect', target: r.target, destination: r.destination ?? OFF_LINK_TN1.address, options: r.options ?? [] },
  };
}

export const tlla = (mac: string): NdOptionSpec => ({ type: 'target-lla', mac });

/** The Redirected Header option quoting the NUT's Echo Reply that went through TR1 (TAHI: right(tn1_erep_offlink_via_tr1, 14)). */
export function quoting(reply: ReceivedFrame): NdOptionSpec {
  const length = 40 + (reply.frame.ipv6?.payloadLength ?? 0);
  return { type: 'redirected-header', packet: reply.bytes.slice(14, 14 + length) };
}

/**
 * An oversized Redirected Header (TAHI's tn1_erep_offlink_via_tr1_too_big): an Echo Reply from the NUT to
 * TN1 with 1352 bytes of data, so the Redirect (1496 bytes) is larger than the 1280 a router may send.
 */
export function quotingOversized(host: RedirectHost): NdOptionSpec {
  const frame = buildFrame({
    eth: { src: '00:00:00:00:00:00', dst: '00:00:00:00:00:00' },
    ipv6: { src: host.nut, dst: OFF_LINK_TN1.address },
    icmpv6: { type: 'echo-reply', id: 0x2303, seq: 1, data: pattern(1352) },
  });
  return { type: 'redirected-header', packet: frame.slice(14) };
}

/** TAHI's "TLLA Option ... Redirected Packet Option" columns of the Neighbor Cache parts. */
export type Quote = 'none' | 'quote' | 'oversized';

export function quoteOption(q: Quote, reply: ReceivedFrame, host: RedirectHost): NdOptionSpec[] {
  return q === 'none' ? [] : [q === 'quote' ? quoting(reply) : quotingOversized(host)];
}

/** One of the ways TAHI makes a Redirect invalid (parts A-I of v6LC.2.3.3, 2.3.6 and 2.3.15). */
export interface InvalidRedirect {
  letter: string;
  partTitle: string;
  /** What is wrong, for reasons: "a Redirect from a global source address". */
  what: string;
  spoil(valid: FrameSpec, host: RedirectHost): FrameSpec;
}

const icmp = (s: FrameSpec) => s.icmpv6 as RedirectIcmp;

/** A checksum that is surely wrong: the right one with bits flipped (0xffff and 0x0000 are the same sum). */
function wrongChecksum(valid: FrameSpec): number {
  const bytes = buildFrame(valid);
  const right = (bytes[14 + 40 + 2]! << 8) | bytes[14 + 40 + 3]!;
  return right ^ 0x0f0f;
}

/**
 * The same Redirect cut to 39 octets of ICMPv6 (RFC 4861 §8.1: at least 40): the IPv6 payload length says
 * 39, the checksum is right for those 39, and the octets the length leaves out follow as a trailer.
 */
function cutTo39(valid: FrameSpec): FrameSpec {
  const message = buildFrame(valid).subarray(14 + 40);
  return { ...valid, icmpv6: { type: 'other', icmpType: 137, body: message.slice(4, 39) }, trailer: message.slice(39) };
}

export const INVALID_REDIRECTS: readonly InvalidRedirect[] = [
  {
    letter: 'A',
    partTitle: 'Redirect Source Address is Global',
    what: "a Redirect from TR1's global address",
    spoil: (v) => ({ ...v, ipv6: { ...v.ipv6!, src: globalOf(TR1.mac) } }),
  },
  {
    letter: 'B',
    partTitle: 'Redirect Source Address is not the current first-hop router',
    what: 'a Redirect from TR2, which is not the first hop for TN1',
    spoil: (v) => ({ ...v, eth: { ...v.eth, src: TR2.mac }, ipv6: { ...v.ipv6!, src: TR2.address } }),
  },
  { letter: 'C', partTitle: 'Hop Limit is not 255', what: 'a Redirect with hop limit 254', spoil: (v) => ({ ...v, ipv6: { ...v.ipv6!, hopLimit: 254 } }) },
  { letter: 'D', partTitle: 'ICMPv6 Code is not 0', what: 'a Redirect with ICMPv6 code 1', spoil: (v) => ({ ...v, icmpv6: { ...icmp(v), code: 1 } }) },
  { letter: 'E', partTitle: 'ICMPv6 Checksum is invalid', what: 'a Redirect with a wrong ICMPv6 checksum', spoil: (v) => ({ ...v, icmpv6: { ...icmp(v), checksum: wrongChecksum(v) } }) },
  {
    letter: 'F',
    partTitle: 'ICMPv6 Destination Address is Multicast',
    what: 'a Redirect whose Destination Address is ff02::1',
    spoil: (v) => ({ ...v, icmpv6: { ...icmp(v), destination: 'ff02::1' } }),
  },
  { letter: 'G', partTitle: 'Target Address is Multicast', what: 'a Redirect whose Target Address is ff02::1', spoil: (v) => ({ ...v, icmpv6: { ...icmp(v), target: 'ff02::1' } }) },
  { letter: 'H', partTitle: 'ICMPv6 length is less than 40 Octets', what: 'a Redirect of 39 octets', spoil: (v) => cutTo39(v) },
  {
    letter: 'I',
    partTitle: 'Option has Length Zero',
    what: 'a Redirect whose TLLA option has length 0',
    spoil: (v) => ({ ...v, icmpv6: { ...icmp(v), options: (icmp(v).options ?? []).map((o) => ({ ...o, length: 0 })) } }),
  },
];

/** The TLLA column of the Neighbor Cache parts: none, TR2's own address, or another one (TAHI's TRY). */
export type TllaKind = 'none' | 'same' | 'other';

/** The options and a description of a Neighbor Cache part's Redirect to TR2. */
export function tr2RedirectParts(kind: TllaKind, quote: Quote, before: ReceivedFrame, host: RedirectHost): { options: NdOptionSpec[]; what: string } {
  const mac = kind === 'same' ? TR2.mac : TR2_OTHER_MAC;
  const options = [...(kind === 'none' ? [] : [tlla(mac)]), ...quoteOption(quote, before, host)];
  const tllaWords = kind === 'none' ? 'without TLLA' : `with TLLA ${mac}`;
  const quoteWords = quote === 'none' ? '' : quote === 'quote' ? ' and a Redirected Header' : ' and an oversized Redirected Header';
  return { options, what: `a Redirect to TR2 ${tllaWords}${quoteWords}` };
}
