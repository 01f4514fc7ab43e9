// The lifetimes the NUT holds for one of its addresses, read from its management shell (iproute2's JSON,
// `ip -j -6 addr show dev <if>`, checked with zod). Only for what the wire cannot show in a lab's time: the
// 2-hour rule of RFC 4862 §5.5.3 e shows on the wire only when the address expires two hours later, which
// is how long TAHI waits. Everything else is judged on the wire.
import { normalizeIpv6 } from '@testlab/packet';
import { z } from 'zod';
import type { CaseContext } from '../runner/context.js';

/** iproute2 prints an infinite lifetime as 2^32 - 1. */
const FOREVER = 0xffffffff;

const addrShow = z.array(
  z.object({
    ifname: z.string(),
    addr_info: z.array(
      z.object({
        family: z.string(),
        local: z.string(),
        valid_life_time: z.number().int().nonnegative().optional(),
        preferred_life_time: z.number().int().nonnegative().optional(),
      }),
    ),
  }),
);

export interface HeldLifetimes {
  /** Seconds left, or 'forever'. */
  validS: number | 'forever';
  preferredS: number | 'forever';
}

/** The remaining lifetimes of `address` on the NUT's Link0 interface; undefined when the NUT does not hold it. */
export async function heldLifetimes(ctx: CaseContext, address: string): Promise<HeldLifetimes | undefined> {
  const ifname = ctx.nutOn().ifname;
  const out = await ctx.nutCommand(['/usr/sbin/ip', '-j', '-6', 'addr', 'show', 'dev', ifname]);
  let json: unknown;
  try {
    json = JSON.parse(out);
  } catch {
    throw new Error(`ip -j -6 addr show dev ${ifname} printed no JSON: ${out.slice(0, 200)}`);
  }
  const parsed = addrShow.safeParse(json);
  if (!parsed.success) throw new Error(`ip -j -6 addr show dev ${ifname}: unexpected JSON: ${parsed.error.issues[0]?.message ?? '?'}`);
  const want = normalizeIpv6(address);
  const info = parsed.data.flatMap((l) => l.addr_info).find((a) => a.family === 'inet6' && normalizeIpv6(a.local) === want);
  if (!info) return undefined;
  if (info.valid_life_time === undefined || info.preferred_life_time === undefined) throw new Error(`ip -j -6 addr show lists ${want} without lifetimes`);
  const life = (s: number): number | 'forever' => (s === FOREVER ? 'forever' : s);
  ctx.log(`the NUT holds ${want}: valid_lft ${info.valid_life_time} s, preferred_lft ${info.preferred_life_time} s`);
  return { validS: life(info.valid_life_time), preferredS: life(info.preferred_life_time) };
}
