// Router Solicitations the tester sends a router NUT, and the NUT's Router Advertisements: recognising
// them, the options radvd adds that the packet layer has no names for (Route Information, RDNSS, DNSSL),
// and telling an answer to a solicitation from a periodic RA (RFC 4861 §6.2.6).
import { formatIpv6, multicastMac, normalizeIpv6, type DecodedFrame, type FrameSpec, type NdOption } from '@testlab/packet';
import type { CaseContext } from '../runner/context.js';
import type { ReceivedFrame } from '../runner/tester-link.js';
import { ND_TN1, type BareNode } from './tester-nodes.js';

export type RaMessage = Extract<NonNullable<DecodedFrame['icmpv6']>, { type: 'router-advertisement' }>;

/** MAX_RA_DELAY_TIME and MIN_DELAY_BETWEEN_RAS (RFC 4861 §10). */
export const MAX_RA_DELAY_MS = 500;
export const MIN_DELAY_BETWEEN_RAS_MS = 3_000;
/** What a loaded software-emulated NUT and the UDP-carried link add to a frame's way. */
export const LAB_SLACK_MS = 1_000;

/** An RA the NUT sent on `link` (to any destination). */
export const isRaFromNut = (ctx: CaseContext, link = 'Link0') => (f: DecodedFrame): boolean => f.icmpv6?.type === 'router-advertisement' && f.eth?.src === ctx.nutOn(link).mac;

export function raOf(r: ReceivedFrame): RaMessage {
  const m = r.frame.icmpv6;
  if (m?.type !== 'router-advertisement') throw new Error('not a Router Advertisement');
  return m;
}

/** A Router Solicitation from `tn` (or from :: when `unspecified`) to all-routers, with its SLLA unless told otherwise. */
export function rsFrom(tn: BareNode, o: { unspecified?: boolean; slla?: string | null } = {}): FrameSpec {
  const slla = o.slla === undefined ? (o.unspecified ? null : tn.mac) : o.slla;
  return {
    eth: { src: tn.mac, dst: multicastMac('ff02::2') },
    ipv6: { src: o.unspecified ? '::' : tn.address, dst: 'ff02::2', hopLimit: 255 },
    icmpv6: { type: 'router-solicitation', options: slla === null ? [] : [{ type: 'source-lla', mac: slla }] },
  };
}

/** TN1's valid RS, the one most router cases send. */
export const validRs = (): FrameSpec => rsFrom(ND_TN1);

/** Options radvd sends that decode as `other`: Route Information (24), RDNSS (25), DNSSL (31). */
export interface RouteInfo {
  prefix: string;
  length: number;
  preference: number;
  lifetime: number;
}

export function routeInfos(m: RaMessage): RouteInfo[] {
  return m.options.flatMap((o) => {
    if (o.type !== 'other' || o.optionType !== 24 || o.body.length < 6) return [];
    const prefix = new Uint8Array(16);
    prefix.set(o.body.subarray(6, 6 + Math.min(16, o.body.length - 6)));
    const dv = new DataView(o.body.buffer, o.body.byteOffset, o.body.byteLength);
    return [{ length: o.body[0]!, preference: (o.body[1]! >> 3) & 3, lifetime: dv.getUint32(2), prefix: normalizeIpv6(formatIpv6(prefix)) }];
  });
}

export function rdnssOptions(m: RaMessage): Array<{ lifetime: number; addresses: string[] }> {
  return m.options.flatMap((o) => {
    if (o.type !== 'other' || o.optionType !== 25 || o.body.length < 22) return [];
    const dv = new DataView(o.body.buffer, o.body.byteOffset, o.body.byteLength);
    const addresses: string[] = [];
    for (let at = 6; at + 16 <= o.body.length; at += 16) addresses.push(normalizeIpv6(formatIpv6(o.body.subarray(at, at + 16))));
    return [{ lifetime: dv.getUint32(2), addresses }];
  });
}

export function dnsslOptions(m: RaMessage): Array<{ lifetime: number; domains: string[] }> {
  return m.options.flatMap((o) => {
    if (o.type !== 'other' || o.optionType !== 31 || o.body.length < 6) return [];
    const dv = new DataView(o.body.buffer, o.body.byteOffset, o.body.byteLength);
    const domains: string[] = [];
    let labels: string[] = [];
    for (let at = 6; at < o.body.length; ) {
      const len = o.body[at++]!;
      if (len === 0) {
        if (labels.length) domains.push(labels.join('.'));
        labels = [];
        continue;
      }
      labels.push(new TextDecoder().decode(o.body.subarray(at, at + len)));
      at += len;
    }
    return [{ lifetime: dv.getUint32(2), domains }];
  });
}

/** RFC 4191 §2.1 preference field values. */
export const PREFERENCE = { high: 1, medium: 0, low: 3, reserved: 2 } as const;
export const preferenceName = (bits: number): string => ['medium', 'high', 'reserved', 'low'][bits & 3]!;
/** The Default Router Preference of an RA (RFC 4191 §2.2). */
export const routerPreference = (m: RaMessage): number => (m.flags >> 3) & 3;

export type PrefixOption = Extract<NdOption, { type: 'prefix-info' }>;
export const prefixOptions = (m: RaMessage): PrefixOption[] => m.options.filter((o): o is PrefixOption => o.type === 'prefix-info');

/** "3 s after the RS" style description of when an RA came. */
export const after = (r: ReceivedFrame, sentAtMs: number): string => `${Math.round(r.atMs - sentAtMs)} ms after it`;
