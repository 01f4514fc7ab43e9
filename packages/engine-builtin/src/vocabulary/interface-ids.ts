// Interface identifiers as the RFC 7217 tests (v6LC.3.2.6, 3.2.7) see them on the wire: the low 64 bits of
// the addresses the NUT probes by DAD (TAHI's seqCompareAddr), whether they are the EUI-64 identifier of the
// NUT's MAC (DADNS_from_NUT_EUI), and the NUT's DAD probe for whatever link-local address it formed when its
// interface came up (TAHI reboots the NUT; the lab restarts the interface, as its TAHI engine's reboot does:
// an identifier stable only until a real reboot is not caught).
import { ipv6Bytes, normalizeIpv6, type DecodedFrame } from '@testlab/packet';
import { fail, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import type { ReceivedFrame } from '../runner/tester-link.js';
import { restartInterface } from './interface-restart.js';
import { inPrefix64, probedAddress } from './prefix-autoconf.js';

/** The interface identifier of `address`: its low 64 bits, as 16 hex digits. */
export function interfaceId(address: string): string {
  return Buffer.from(ipv6Bytes(address).subarray(8)).toString('hex');
}

/** True when `address` carries the EUI-64 identifier of the NUT's MAC (its link-local address is then the EUI-64 one). */
export function isEui64(ctx: CaseContext, address: string): boolean {
  return interfaceId(address) === interfaceId(ctx.nutOn().linkLocal);
}

/** A DAD probe for a link-local address, or for one in `prefix`, other than `except`. */
export const isDadNsFor = (prefix: string, except?: string) => (f: DecodedFrame): boolean =>
  f.icmpv6?.type === 'neighbor-solicitation' &&
  f.ipv6 !== undefined &&
  normalizeIpv6(f.ipv6.src) === '::' &&
  inPrefix64(f.icmpv6.target, prefix) &&
  (except === undefined || normalizeIpv6(f.icmpv6.target) !== except);

/** How long the first DAD probe may take after the interface comes up (random delay up to 1 s, and a loaded NUT). */
const LINK_LOCAL_DAD_WINDOW_MS = 4_000;

/** Restarts the interface ("reboot") and returns the NUT's DAD probe for the link-local address it formed. */
export async function linkLocalAfterRestart(ctx: CaseContext, rfc: string): Promise<{ address: string; probe: ReceivedFrame } | CaseVerdict> {
  await restartInterface(ctx);
  const probe = await ctx.link().expect(isDadNsFor('fe80::'), LINK_LOCAL_DAD_WINDOW_MS);
  if (!probe) return fail(rfc, 'a DAD probe for a link-local address after the interface came up', ctx.link().seenSinceSend());
  return { address: probedAddress(probe), probe };
}

/** The FAIL of an address whose identifier is the EUI-64 one, where RFC 7217 identifiers are asked for (undefined otherwise). */
export function eui64Used(ctx: CaseContext, rfc: string, address: string, what: string): CaseVerdict | undefined {
  if (!isEui64(ctx, address)) return undefined;
  return fail(rfc, `${what} with a stable, semantically opaque interface identifier (RFC 7217), not the EUI-64 one`, `DAD for ${address}, the EUI-64 identifier of ${ctx.nutOn().mac}`);
}
