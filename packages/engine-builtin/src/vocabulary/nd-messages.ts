// Neighbor Discovery messages on the wire: recognising the NUT's NS, NA, DAD probes and RAs, and building
// the NS and NA a bare tester node sends the NUT.
import { multicastMac, normalizeIpv6, solicitedNodeMulticast, type DecodedFrame, type FrameSpec } from '@testlab/packet';
import type { CaseContext } from '../runner/context.js';
import type { BareNode } from './tester-nodes.js';

export const isNsFor = (target: string) => (f: DecodedFrame): boolean =>
  f.icmpv6?.type === 'neighbor-solicitation' && normalizeIpv6(f.icmpv6.target) === normalizeIpv6(target);

export const isNaFor = (target: string) => (f: DecodedFrame): boolean =>
  f.icmpv6?.type === 'neighbor-advertisement' && normalizeIpv6(f.icmpv6.target) === normalizeIpv6(target);

/** A DAD probe (RFC 4862 §5.4.2): NS from the unspecified address for `target`, or for any target but `except`. */
export const isDadNs = (target?: string, except?: string) => (f: DecodedFrame): boolean =>
  f.icmpv6?.type === 'neighbor-solicitation' &&
  f.ipv6?.src !== undefined &&
  normalizeIpv6(f.ipv6.src) === '::' &&
  (target === undefined || normalizeIpv6(f.icmpv6.target) === normalizeIpv6(target)) &&
  (except === undefined || normalizeIpv6(f.icmpv6.target) !== normalizeIpv6(except));

export const isRa = (f: DecodedFrame): boolean => f.icmpv6?.type === 'router-advertisement';

/** A Neighbor Advertisement from `tn` for its own address, to the NUT's link-local address unless `dst` says otherwise. */
export function naFrom(ctx: CaseContext, tn: BareNode, o: { solicited: boolean; override: boolean; router?: boolean; tlla?: string | null; dst?: string }): FrameSpec {
  const nut = ctx.nutOn();
  const dst = o.dst ?? nut.linkLocal;
  const tlla = o.tlla === undefined ? tn.mac : o.tlla;
  return {
    eth: { src: tn.mac, dst: dst.startsWith('ff') ? multicastMac(dst) : nut.mac },
    ipv6: { src: tn.address, dst, hopLimit: 255 },
    icmpv6: {
      type: 'neighbor-advertisement',
      target: tn.address,
      solicited: o.solicited,
      override: o.override,
      router: o.router ?? false,
      options: tlla === null ? [] : [{ type: 'target-lla', mac: tlla }],
    },
  };
}

/** A Neighbor Solicitation from `tn` for the NUT's link-local address: multicast to its solicited-node group unless `unicast`. */
export function nsToNut(ctx: CaseContext, tn: BareNode, o: { unicast?: boolean; slla?: string | null } = {}): FrameSpec {
  const nut = ctx.nutOn();
  const dst = o.unicast ? nut.linkLocal : solicitedNodeMulticast(nut.linkLocal);
  const slla = o.slla === undefined ? tn.mac : o.slla;
  return {
    eth: { src: tn.mac, dst: o.unicast ? nut.mac : multicastMac(dst) },
    ipv6: { src: tn.address, dst, hopLimit: 255 },
    icmpv6: { type: 'neighbor-solicitation', target: nut.linkLocal, options: slla === null ? [] : [{ type: 'source-lla', mac: slla }] },
  };
}
