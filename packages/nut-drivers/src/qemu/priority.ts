// A QEMU NUT's share of the CPU against everything else on the lab host. The NUT's timers are what many cases
// judge (DELAY_FIRST_PROBE_TIME, RetransTimer, the 60 s reassembly time), and a TCG guest that waits for the
// host's CPU loses ticks: its jiffies fall behind, then catch up, and timers armed meanwhile fire early or late
// by the tester's clock. Measured on the 2-core machine with another job's compilers beside a pool of 8 NUTs
// (sections 2.1 and 2.3 of phase2-host, 199 cases): 7 FAILs from NUT timers 2.6 s early at normal priority,
// 199 PASS with the VMs at nice -10 (docs/measurements.md). So the VMs run ahead of the lab's own builds and
// of other jobs, which can wait without changing a verdict.
//
// Linux sets a nice value per thread (setpriority(PRIO_PROCESS, tid)), and a new thread takes its creator's:
// each of QEMU's threads is raised, once as it starts (its later threads inherit from the main one) and once
// when the guest is up (any thread that was created in between).
import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';

/** The nice value a QEMU NUT runs at unless the driver is told otherwise (0 leaves it as it is). */
export const DEFAULT_NUT_NICE = -10;

/**
 * Gives every thread of `pid` the nice value `nice`. Returns undefined when done (or nothing to do), else why
 * not: raising a priority needs root or CAP_SYS_NICE, and a lab without it still runs, at normal priority.
 */
export function raiseThreads(pid: number, nice: number): string | undefined {
  if (nice === 0) return undefined;
  let tids: number[];
  try {
    tids = readdirSync(`/proc/${pid}/task`).map(Number).filter(Number.isInteger);
  } catch {
    return undefined; // already gone: its exit is reported elsewhere
  }
  for (const tid of tids) {
    try {
      setPriority(tid, nice);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ESRCH') continue; // the thread ended between the listing and now
      return `could not set nice ${nice} on QEMU's thread ${tid} (${code ?? String(error)}): the NUT runs at normal priority, and other work on this host can make its timers late`;
    }
  }
  return undefined;
}
