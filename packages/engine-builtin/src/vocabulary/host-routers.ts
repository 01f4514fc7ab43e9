// The routers the tester plays for a host NUT in the Router Discovery cases (TAHI's TR1, TR2, TR3 on Link0)
// and the off-link node TN2 behind them: their RAs (with the options RFC 4191 and RFC 8106 add), the host's
// global address from Link0's prefix, and which router the host sends an off-link reply through. What the
// RAs configured on the host (routes, address, interface variables) is undone when the case ends.
import { encodeNdOption, multicastMac, normalizeIpv6, slaacAddress, type DecodedFrame, type FrameSpec, type NdOptionSpec } from '@testlab/packet';
import { fail, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import type { ReceivedFrame } from '../runner/tester-link.js';
import { isEchoReply } from './echo.js';
import { isDadNs } from './nd-messages.js';
import { untilNotTentative } from './tentative-address.js';
import { LINK0_PREFIX } from './tahi-network.js';
import { bareNode, ND_TR1, type BareNode } from './tester-nodes.js';
import { ANSWER_WINDOW_MS, sleep } from './timing.js';

export const TR1 = ND_TR1;
export const TR2 = bareNode('TR2', '00:00:00:00:a1:a1');
/** TAHI's "TRY": another link-layer address TR1 claims in its RA (00:00:00:00:c0:c0). */
export const TRY_MAC = '00:00:00:00:c0:c0';
/** TN2, off-link behind the routers (TAHI's LINKX prefix 3ffe:501:ffff::/64). */
export const TN2_OFFLINK = normalizeIpv6(slaacAddress('3ffe:501:ffff::', '00:00:00:00:02:00'));
/** TN2's address in the routes the RIO cases advertise (TAHI's TN2_GLOBAL_EX and TN2_GLOBAL_EX96). */
export const TN2_EX = '3ffe:501:ffff:102::2';
export const TN2_EX96 = '3ffe:501:ffff:102:0:1:0:2';

export interface RioSpec {
  prefix: string;
  length: number;
  /** RFC 4191 preference bits: 1 high, 0 medium, 3 low, 2 reserved. */
  preference: number;
  lifetime: number;
  /** The option's Length field (1, 2 or 3); the shortest that holds the prefix when not given. */
  optionLength?: 1 | 2 | 3;
}

/** RFC 4191 §2.3 Route Information Option, with the shortest Length that holds the prefix unless told another. */
export function rio(r: RioSpec): NdOptionSpec {
  const bytes = r.optionLength !== undefined ? (r.optionLength - 1) * 8 : r.length === 0 ? 0 : r.length <= 64 ? 8 : 16;
  const body = new Uint8Array(6 + bytes);
  body[0] = r.length;
  body[1] = (r.preference & 3) << 3;
  new DataView(body.buffer).setUint32(2, r.lifetime >>> 0);
  const full = encodeNdOption({ type: 'prefix-info', prefix: r.prefix, prefixLength: 0, validLifetime: 0, preferredLifetime: 0 }).subarray(16, 32);
  body.set(full.subarray(0, bytes), 6);
  return { type: 'other', optionType: 24, body };
}

/** RFC 8106 §5.1 RDNSS option. */
export function rdnss(address: string, lifetime: number): NdOptionSpec {
  const body = new Uint8Array(22);
  new DataView(body.buffer).setUint32(2, lifetime >>> 0);
  body.set(encodeNdOption({ type: 'prefix-info', prefix: address, prefixLength: 0, validLifetime: 0, preferredLifetime: 0 }).subarray(16, 32), 6);
  return { type: 'other', optionType: 25, body };
}

/** RFC 8106 §5.2 DNSSL option for one domain. */
export function dnssl(domain: string, lifetime: number): NdOptionSpec {
  const name = domain.split('.').flatMap((l) => [l.length, ...new TextEncoder().encode(l)]);
  const body = new Uint8Array(Math.ceil((6 + name.length + 1 + 2) / 8) * 8 - 2);
  new DataView(body.buffer).setUint32(2, lifetime >>> 0);
  body.set([...name, 0], 6);
  return { type: 'other', optionType: 31, body };
}

export interface HostRa {
  /** Router Lifetime; TAHI's routers advertise 1800 s (AdvDefaultLifetime for MaxRtrAdvInterval 600). */
  lifetime?: number;
  /** The SLLA option: the router's own MAC (default), another MAC, or none. */
  slla?: string | null;
  /** Ethernet source; the router's MAC unless given. */
  ethSrc?: string;
  preference?: number;
  reachableTimeMs?: number;
  retransTimerMs?: number;
  curHopLimit?: number;
  /** Prefix options; Link0's /64 with RFC 4861 lifetimes by default. */
  prefixes?: Array<{ prefix: string; length: number; onLink?: boolean; autonomous?: boolean; valid?: number; preferred?: number }>;
  extra?: NdOptionSpec[];
  /** Unicast to the NUT instead of all-nodes. */
  unicast?: boolean;
}

export function raFrom(ctx: CaseContext, tr: BareNode, o: HostRa = {}): FrameSpec {
  const nut = ctx.nutOn();
  const slla = o.slla === undefined ? tr.mac : o.slla;
  const prefixes = o.prefixes ?? [{ prefix: LINK0_PREFIX, length: 64 }];
  return {
    eth: { src: o.ethSrc ?? tr.mac, dst: o.unicast ? nut.mac : multicastMac('ff02::1') },
    ipv6: { src: tr.address, dst: o.unicast ? nut.linkLocal : 'ff02::1', hopLimit: 255 },
    icmpv6: {
      type: 'router-advertisement',
      curHopLimit: o.curHopLimit ?? 64,
      flags: ((o.preference ?? 0) & 3) << 3,
      routerLifetime: o.lifetime ?? 1800,
      reachableTime: o.reachableTimeMs ?? 0,
      retransTimer: o.retransTimerMs ?? 0,
      options: [
        ...(slla === null ? [] : [{ type: 'source-lla' as const, mac: slla }]),
        ...prefixes.map((p) => ({ type: 'prefix-info' as const, prefix: p.prefix, prefixLength: p.length, onLink: p.onLink ?? true, autonomous: p.autonomous ?? true, validLifetime: p.valid ?? 2_592_000, preferredLifetime: p.preferred ?? 604_800 })),
        ...(o.extra ?? []),
      ],
    },
  };
}

/** The host's global address on Link0 (EUI-64 from Link0's prefix, Linux's default). */
export const hostGlobal = (ctx: CaseContext): string => normalizeIpv6(slaacAddress(LINK0_PREFIX, ctx.nutOn().mac));

const SAVED_VARIABLES = (ifname: string) => [
  `/proc/sys/net/ipv6/conf/${ifname}/hop_limit`,
  `/proc/sys/net/ipv6/conf/${ifname}/mtu`,
  `/proc/sys/net/ipv6/neigh/${ifname}/base_reachable_time_ms`,
  `/proc/sys/net/ipv6/neigh/${ifname}/retrans_time_ms`,
];

/** The destinations of the routes on `ifname` (`ip -6 route show dev`): prefixes only, as iproute2 prints them. */
async function routeDestinations(ctx: CaseContext, ifname: string): Promise<Set<string>> {
  const out = await ctx.nutCommand(['/usr/sbin/ip', '-6', 'route', 'show', 'dev', ifname]);
  return new Set(out.split('\n').map((l) => l.trim().split(/\s+/)[0] ?? '').filter((d) => /^[0-9a-f:]+\/[0-9]{1,3}$/.test(d)));
}

/**
 * Undoes at the end of the case what RAs gave the host: Link0's global address, every route learned from
 * RAs (default routers and Route Information: `proto ra`; on-link prefixes: `proto kernel`, so those new
 * since the case began are deleted one by one), and the interface variables RAs may set. Seen: 2.2.19's
 * on-link /96 for TN2 outlived its case, and 2.2.22-C on the same NUT then resolved TN2 on-link (FAIL).
 */
export async function forgetRoutersAfterwards(ctx: CaseContext): Promise<void> {
  const ifname = ctx.nutOn().ifname;
  const saved: Array<{ file: string; value: string }> = [];
  for (const file of SAVED_VARIABLES(ifname)) saved.push({ file, value: (await ctx.nutCommand(['cat', file])).trim() });
  const routesBefore = await routeDestinations(ctx, ifname);
  ctx.onCleanup('forget what the routers advertised', async () => {
    await ctx.nutCommand(['/usr/sbin/ip', '-6', 'addr', 'flush', 'dev', ifname, 'scope', 'global']).catch((e: unknown) => ctx.log(String(e)));
    await ctx.nutCommand(['/usr/sbin/ip', '-6', 'route', 'flush', 'dev', ifname, 'proto', 'ra']).catch((e: unknown) => ctx.log(String(e)));
    for (const dst of await routeDestinations(ctx, ifname).catch(() => new Set<string>())) {
      if (!routesBefore.has(dst)) await ctx.nutCommand(['/usr/sbin/ip', '-6', 'route', 'del', dst, 'dev', ifname]).catch((e: unknown) => ctx.log(String(e)));
    }
    for (const s of saved) await ctx.nutCommand(['sh', '-c', 'printf "%s" "$2" > "$1"', 'restore', s.file, s.value]).catch((e: unknown) => ctx.log(String(e)));
  });
}

/**
 * Makes the host a RFC 4191 Type C host, one that uses Route Information Options of any length (Linux:
 * accept_ra_rt_info_max_plen), and restores the variable when the case ends. Only a kernel built with
 * CONFIG_IPV6_ROUTE_INFO has it: without, the case cannot judge (ERROR naming the option), and the other
 * Router Discovery cases, which never touch it, are not held up by its absence.
 */
export async function acceptRouteInformation(ctx: CaseContext): Promise<void> {
  const file = `/proc/sys/net/ipv6/conf/${ctx.nutOn().ifname}/accept_ra_rt_info_max_plen`;
  const before = await ctx.nutCommand(['cat', file]).catch((e: unknown) => {
    throw new Error(`the NUT cannot use Route Information Options: no ${file} (a kernel built without CONFIG_IPV6_ROUTE_INFO): ${String(e)}`);
  });
  ctx.onCleanup('restore accept_ra_rt_info_max_plen', async () => {
    await ctx.nutCommand(['sh', '-c', 'printf "%s" "$2" > "$1"', 'restore', file, before.trim()]).catch((e: unknown) => ctx.log(String(e)));
  });
  await ctx.nutCommand(['sh', '-c', 'printf 128 > "$1"', 'rio', file]);
}

/** DAD of the new address (up to 1 s delay and RetransTimer) and what a loaded VM adds. */
const DAD_MS = 4_000;

/**
 * Sends the RAs (the first carries Link0's prefix) and waits until the host's global address from it is
 * usable: its DAD probe, then RetransTimer. Returns the FAIL when the host started no DAD: it ignored the RA.
 */
export async function advertiseToHost(ctx: CaseContext, ras: Array<{ frame: FrameSpec; note: string }>): Promise<CaseVerdict | undefined> {
  ctx.link().markNow();
  for (const ra of ras) await ctx.link().send(ra.frame, ra.note);
  const dad = await ctx.link().expect(isDadNs(hostGlobal(ctx)), DAD_MS);
  if (!dad) return fail('RFC 4862 §5.5.3', `DAD for ${hostGlobal(ctx)} after the RA with Link0's prefix (the host must process the RA)`, ctx.link().seenSinceSend());
  // RetransTimer (1 s) after the probe the address is usable on a NUT on time; ask only then.
  await sleep(1_100);
  await untilNotTentative(ctx, hostGlobal(ctx), dad.atMs);
  return undefined;
}

const ECHO_ID = 0x2222;

/** TN2 (off-link, `src`) pings the host's global address through `via` (Ethernet source). */
export function offLinkEcho(ctx: CaseContext, via: string, seq: number, src = TN2_OFFLINK, note?: string): Promise<Uint8Array> {
  const nut = ctx.nutOn();
  return ctx.link().send(
    { eth: { src: via, dst: nut.mac }, ipv6: { src, dst: hostGlobal(ctx) }, icmpv6: { type: 'echo-request', id: ECHO_ID, seq, data: new Uint8Array(8) } },
    note ?? `TN2 (${src}, off-link) pings the host through ${via}`,
  );
}

export const offLinkReply = (seq: number, to = TN2_OFFLINK) => (f: DecodedFrame): boolean => isEchoReply(f, to, ECHO_ID, seq);

/** The next hop the host chose for its reply to TN2: the Ethernet destination, or the FAIL when no reply came. */
export async function replyNextHop(ctx: CaseContext, seq: number, expected: string, why: string, rfc: string, to = TN2_OFFLINK): Promise<CaseVerdict | ReceivedFrame> {
  const reply = await ctx.link().expect(offLinkReply(seq, to), ANSWER_WINDOW_MS);
  if (!reply) return fail(rfc, `an Echo Reply to ${to} through ${expected} (${why})`, ctx.link().seenSinceSend());
  if (reply.frame.eth?.dst !== expected) return fail(rfc, `the Echo Reply to ${to} sent to ${expected} (${why})`, `it went to ${reply.frame.eth?.dst}`);
  return reply;
}

export const isVerdict = (x: CaseVerdict | ReceivedFrame): x is CaseVerdict => 'verdict' in x;
