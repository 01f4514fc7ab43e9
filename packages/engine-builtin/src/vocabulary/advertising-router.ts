// The router NUT's Router Advertisements during one case (TAHI's racontrol remote call): the case stops the
// set's radvd, runs radvd with its own configuration (or none: no advertising interface), and on cleanup
// stops it, puts back the interface variables radvd wrote into the kernel (hop limit, reachable time,
// retransmission timer, MTU) and starts the set's radvd again. Config text travels as an argument, never
// inside the script.
import type { CaseContext } from '../runner/context.js';
import type { ReceivedFrame } from '../runner/tester-link.js';
import { radvdInterfaceText, type AdvertisingInterface } from '../modes/radvd-conf.js';
import { radvdArgv, SET_RADVD } from '../modes/router.js';
import { isRaFromNut } from './router-solicitations.js';

export const CASE_RADVD = { conf: '/run/testlab-case-radvd.conf', pid: '/run/testlab-case-radvd.pid', log: '/run/testlab-case-radvd.log' } as const;

/** Stops the radvd of a pid file and waits until it is gone (it sends its final RAs first); nothing when none runs. */
const STOP = 'pid=$(cat "$1" 2>/dev/null) || exit 0; kill "$pid" 2>/dev/null || exit 0; i=0; while kill -0 "$pid" 2>/dev/null; do i=$((i+1)); [ $i -gt 50 ] && exit 1; sleep 0.1; done; exit 0';
const RUNNING = 'pid=$(cat "$1" 2>/dev/null) && kill -0 "$pid" 2>/dev/null && echo yes || echo no';

/** The per-interface kernel variables radvd sets from its configuration (radvd's set_interface_* calls). */
const VARIABLES = (ifname: string) => [`/proc/sys/net/ipv6/conf/${ifname}/hop_limit`, `/proc/sys/net/ipv6/neigh/${ifname}/base_reachable_time_ms`, `/proc/sys/net/ipv6/neigh/${ifname}/retrans_time_ms`, `/proc/sys/net/ipv6/conf/${ifname}/mtu`];

async function stopRadvd(ctx: CaseContext, pid: string): Promise<void> {
  await ctx.nutCommand(['sh', '-c', STOP, 'stop-radvd', pid]);
}

/** How long radvd takes to send its first RA after it starts (it sends one at once; a loaded VM needs more). */
const FIRST_RA_MS = 3_000;

export interface Advertising {
  /** The first RA radvd sent on each advertising link, by link name (missing: none within FIRST_RA_MS). */
  initial: Map<string, ReceivedFrame | undefined>;
}

/**
 * Makes the router NUT advertise as `ifaces` say (an empty list: no advertising interface at all) until the
 * case ends. Returns the first RA on each link: radvd sends one as it starts, so later RAs in the case are
 * answers or periodic ones the case can tell apart by time.
 */
export async function advertise(ctx: CaseContext, ifaces: Array<{ link: string } & Omit<AdvertisingInterface, 'ifname'>>): Promise<Advertising> {
  const setWasRunning = (await ctx.nutCommand(['sh', '-c', RUNNING, 'radvd-running', SET_RADVD.pid])).trim() === 'yes';
  const ifnames = ifaces.map((i) => ctx.nutOn(i.link).ifname);
  const saved: Array<{ file: string; value: string }> = [];
  for (const file of [...new Set(ctx.hasLink('Link1') ? ['Link0', 'Link1'] : ['Link0'])].flatMap((l) => VARIABLES(ctx.nutOn(l).ifname))) {
    saved.push({ file, value: (await ctx.nutCommand(['cat', file])).trim() });
  }
  ctx.onCleanup('the set\'s own radvd and interface variables back', async () => {
    await stopRadvd(ctx, CASE_RADVD.pid);
    for (const s of saved) await ctx.nutCommand(['sh', '-c', 'printf "%s" "$2" > "$1"', 'restore', s.file, s.value]).catch((e: unknown) => ctx.log(String(e)));
    if (setWasRunning) await ctx.nutCommand(radvdArgv(SET_RADVD));
  });
  await stopRadvd(ctx, SET_RADVD.pid);
  await stopRadvd(ctx, CASE_RADVD.pid);
  const initial = new Map<string, ReceivedFrame | undefined>();
  if (ifaces.length === 0) {
    ctx.log('no advertising interface: radvd stopped');
    return { initial };
  }
  const conf = ifaces.map((i, n) => radvdInterfaceText({ ...i, ifname: ifnames[n]! })).join('\n');
  await ctx.nutCommand(['sh', '-c', 'printf "%s" "$2" > "$1"', 'radvd-conf', CASE_RADVD.conf, conf]);
  for (const i of ifaces) ctx.link(i.link).markNow();
  await ctx.nutCommand(radvdArgv(CASE_RADVD));
  const up = (await ctx.nutCommand(['sh', '-c', RUNNING, 'radvd-running', CASE_RADVD.pid])).trim() === 'yes';
  if (!up) {
    const why = await ctx.nutCommand(['sh', '-c', 'tail -n 3 "$1" 2>/dev/null; exit 0', 'radvd-log', CASE_RADVD.log]);
    throw new Error(`radvd did not start with the case's configuration: ${why.trim().replace(/\n/g, ' | ')}`);
  }
  for (const i of ifaces) initial.set(i.link, await ctx.link(i.link).expect(isRaFromNut(ctx, i.link), FIRST_RA_MS));
  return { initial };
}

/** Stops the case's radvd now (the interface ceases to advertise, RFC 4861 §6.2.5); the cleanup still restores the set's. */
export async function stopAdvertising(ctx: CaseContext): Promise<void> {
  await stopRadvd(ctx, CASE_RADVD.pid);
}
