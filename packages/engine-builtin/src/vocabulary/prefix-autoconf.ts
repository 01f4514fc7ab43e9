// Autoconfiguration from one prefix as the Section 3.2 cases drive it: TR1 advertises the prefix with the
// lifetimes TAHI's RA_SAA.def gives it, and the NUT's DAD probe for an address in that prefix shows the
// address it formed (TAHI reads the probe's target the same way, vRenewConfFile, so a NUT with RFC 7217
// interface identifiers is judged as fairly as an EUI-64 one). The probe also bounds when the NUT took the
// RA in (lifetime-checkpoints.ts). The case forgets the prefix afterwards: its addresses and on-link route.
import { ipv6Bytes, normalizeIpv6, type DecodedFrame } from '@testlab/packet';
import { fail, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import type { ReceivedFrame } from '../runner/tester-link.js';
import { tookIn, type TookIn } from './lifetime-checkpoints.js';
import { nutClockIfReadable } from './nut-clock.js';
import { raFromTr1 } from './router-advertisements.js';

/** TAHI's wait_dadns{ra} (config.pl): how long after an RA the NUT's DAD probe for the new address is waited for. */
export const DAD_AFTER_RA_MS = 5_000;
/** TAHI's wait_addrconf_with_RA: from the DAD probe until the address is first checked (DAD over, with room). */
export const ADDRCONF_WAIT_MS = 5_000;

export interface PrefixLifetimes {
  valid: number;
  preferred: number;
}

/** True when `address` lies in the /64 `prefix`. */
export function inPrefix64(address: string, prefix: string): boolean {
  const a = ipv6Bytes(address);
  const p = ipv6Bytes(prefix);
  return a.subarray(0, 8).every((b, i) => b === p[i]);
}

/** A DAD probe (from ::) for an address in the /64 `prefix`. */
export const isDadNsIn = (prefix: string) => (f: DecodedFrame): boolean =>
  f.icmpv6?.type === 'neighbor-solicitation' && f.ipv6 !== undefined && normalizeIpv6(f.ipv6.src) === '::' && inPrefix64(f.icmpv6.target, prefix);

/** The target of a DAD probe, normalised. */
export function probedAddress(dad: ReceivedFrame): string {
  const m = dad.frame.icmpv6;
  if (m?.type !== 'neighbor-solicitation') throw new Error('not a Neighbor Solicitation');
  return normalizeIpv6(m.target);
}

/** Removes, when the case ends, every address of the NUT in the /64 `prefix` and the on-link route an RA gave it (Linux files it proto kernel). */
export function forgetPrefix(ctx: CaseContext, prefix: string): void {
  const ifname = ctx.nutOn().ifname;
  ctx.onCleanup(`forget ${prefix}/64`, async () => {
    await ctx.nutCommand(['/usr/sbin/ip', '-6', 'addr', 'flush', 'dev', ifname, 'to', `${prefix}/64`]).catch(() => undefined);
    await ctx.nutCommand(['/usr/sbin/ip', '-6', 'route', 'flush', 'dev', ifname, 'root', `${prefix}/64`]).catch(() => undefined);
  });
}

/** TR1 advertises `prefix`/64 (on-link, autonomous) with `lifetimes`; returns the time it was sent. */
export async function advertisePrefix(ctx: CaseContext, prefix: string, lifetimes: PrefixLifetimes, note = ''): Promise<number> {
  const sentMs = Date.now();
  await ctx.link().send(
    raFromTr1({ prefixes: [{ prefix, valid: lifetimes.valid, preferred: lifetimes.preferred }] }),
    `TR1 advertises ${prefix}/64, valid ${lifetimes.valid} s, preferred ${lifetimes.preferred} s${note ? ` (${note})` : ''}`,
  );
  return sentMs;
}

export interface Formed {
  /** The address the NUT probed, as formed from the prefix. */
  address: string;
  took: TookIn;
  /** The NUT's DAD probe for it. */
  probe: ReceivedFrame;
}

/** TR1 advertises a new prefix; the NUT must start DAD for an address in it (RFC 4862 §5.5.3 d, §5.4). */
export async function autoconfigure(ctx: CaseContext, prefix: string, lifetimes: PrefixLifetimes, note?: string): Promise<Formed | CaseVerdict> {
  forgetPrefix(ctx, prefix);
  const nutBefore = await nutClockIfReadable(ctx);
  const sentMs = await advertisePrefix(ctx, prefix, lifetimes, note);
  const dad = await ctx.link().expect(isDadNsIn(prefix), DAD_AFTER_RA_MS);
  if (!dad) return fail('RFC 4862 §5.5.3 d, §5.4', `DAD for an address in ${prefix}/64 within ${DAD_AFTER_RA_MS / 1000} s of TR1's RA`, ctx.link().seenSinceSend());
  return { address: probedAddress(dad), took: await tookIn(ctx, sentMs, dad.atMs, nutBefore), probe: dad };
}

export function isFormed(x: Formed | CaseVerdict): x is Formed {
  return 'address' in x;
}
