// The NUT's own account of its reassembly (Linux's /proc/net/snmp6) and its clocks (/proc/uptime, and the
// tick count of /proc/stat). When the tester saw no Time Exceeded in the time it listens, these tell a NUT
// that ignored the fragments or timed the datagram out without a word (the kernel's FAIL) from one whose
// error never reached the tester, or whose timer had not run yet because its VM was starved of CPU (the lab
// could not judge: ERROR). The reassembly timer runs on jiffies; the lab's kernels tick periodically
// (CONFIG_HZ_PERIODIC, tick-based CPU accounting), and a TCG VM starved of CPU loses ticks, so its jiffies
// fall behind real time: /proc/stat's CPU time, counted a tick at a time, is that clock as userspace sees
// it. Counters are node-wide; a NUT runs one case at a time.
import type { CaseContext } from '../runner/context.js';

export interface ReassemblyCounters {
  /** Fragments received for reassembly (ipv6_frag_rcv: IPSTATS_MIB_REASMREQDS). */
  reasmReqds: number;
  /** Datagrams whose reassembly timer ran out (ip6frag_expire_frag_queue: IPSTATS_MIB_REASMTIMEOUT). */
  reasmTimeout: number;
  /** Time Exceeded messages sent (icmpv6_send, ICMP6MSGOUT type 3). */
  outTimeExcds: number;
  /** The NUT's monotonic clock. */
  uptimeMs: number;
  /** The NUT's tick clock: the CPU time of /proc/stat's `cpu` line (USER_HZ = 100 per second) per CPU. */
  tickMs?: number;
}

/** The counters and clock in one command; undefined when the NUT does not have them (not Linux, no procfs). */
export async function readReassemblyCounters(ctx: CaseContext): Promise<ReassemblyCounters | undefined> {
  const r = await ctx.nutExec(['cat', '/proc/net/snmp6', '/proc/uptime', '/proc/stat'], 10_000).catch(() => undefined);
  if (!r || r.code !== 0) return undefined;
  return parseReassemblyCounters(r.stdout);
}

export function parseReassemblyCounters(text: string): ReassemblyCounters | undefined {
  const field = (name: string): number | undefined => {
    const m = new RegExp(`^${name}\\s+(\\d+)\\s*$`, 'm').exec(text);
    return m ? Number(m[1]) : undefined;
  };
  const uptime = /^(\d+(?:\.\d+)?)\s+\d+(?:\.\d+)?\s*$/m.exec(text);
  const c = { reasmReqds: field('Ip6ReasmReqds'), reasmTimeout: field('Ip6ReasmTimeout'), outTimeExcds: field('Icmp6OutTimeExcds'), uptimeMs: uptime ? Math.round(Number(uptime[1]) * 1000) : undefined };
  if (c.reasmReqds === undefined || c.reasmTimeout === undefined || c.outTimeExcds === undefined || c.uptimeMs === undefined) return undefined;
  const tickMs = tickClockMs(text);
  return { ...(c as ReassemblyCounters), ...(tickMs !== undefined ? { tickMs } : {}) };
}

/** /proc/stat's `cpu` line: user nice system idle iowait irq softirq steal, in USER_HZ ticks, over all CPUs. */
export function tickClockMs(text: string): number | undefined {
  const cpu = /^cpu\s+((?:\d+\s+){7}\d+)/m.exec(text);
  const cpus = text.match(/^cpu\d+\s/gm)?.length ?? 0;
  if (!cpu || cpus === 0) return undefined;
  const ticks = cpu[1]!.trim().split(/\s+/).reduce((n, v) => n + Number(v), 0);
  return Math.round((ticks * 10) / cpus);
}

/** Seconds of the NUT's own time between two readings: its tick clock where both have it, else its uptime. */
export function nutSecondsBetween(before: ReassemblyCounters, after: ReassemblyCounters): { seconds: number; clock: 'tick' | 'uptime' } {
  if (before.tickMs !== undefined && after.tickMs !== undefined) return { seconds: (after.tickMs - before.tickMs) / 1000, clock: 'tick' };
  return { seconds: (after.uptimeMs - before.uptimeMs) / 1000, clock: 'uptime' };
}

/**
 * Why no Time Exceeded came, by the NUT's counters read before the first fragment and after the wait:
 * `lab` when the lab cannot judge (ERROR), `nut` with what the NUT did (FAIL), undefined when unknown.
 */
export function silenceExplained(before: ReassemblyCounters | undefined, after: ReassemblyCounters | undefined): { lab: string } | { nut: string } | undefined {
  if (!before || !after || after.uptimeMs < before.uptimeMs) return undefined;
  const d = (k: 'reasmReqds' | 'reasmTimeout' | 'outTimeExcds' | 'uptimeMs') => after[k] - before[k];
  const own = nutSecondsBetween(before, after);
  const nutSeconds = `${own.seconds.toFixed(1)} s of its own ${own.clock === 'tick' ? 'tick clock' : 'clock'}`;
  if (d('reasmTimeout') > 0 && d('outTimeExcds') > 0) {
    return { lab: `the NUT's counters say it timed a datagram out (Ip6ReasmTimeout +${d('reasmTimeout')}) and sent Time Exceeded (Icmp6OutTimeExcds +${d('outTimeExcds')}), but none reached the tester in time` };
  }
  if (d('reasmTimeout') > 0) return { nut: `the NUT timed the datagram out (Ip6ReasmTimeout +${d('reasmTimeout')}) and sent no Time Exceeded (Icmp6OutTimeExcds unchanged)` };
  if (d('reasmReqds') === 0) return { nut: 'the NUT took none of the fragments for reassembly (Ip6ReasmReqds unchanged)' };
  return {
    lab: `the NUT took the fragments (Ip6ReasmReqds +${d('reasmReqds')}) but had not timed the datagram out after ${nutSeconds} (Ip6ReasmTimeout unchanged): its timer had not run yet (a VM starved of CPU, or a kernel that never times fragments out: the lab cannot tell which)`,
  };
}
