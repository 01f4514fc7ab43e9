// A QEMU NUT's share of the CPU against everything else on the lab host. The NUT's timers are what many cases
// judge (DELAY_FIRST_PROBE_TIME, RetransTimer, the 60 s reassembly time), and a TCG guest that waits for the
// host's CPU loses ticks: its jiffies fall behind, then catch up, and timers armed meanwhile fire early or late
// by the tester's clock. Measured on the 2-core machine with another job's compilers beside a pool of 8 NUTs
// (sections 2.1 and 2.3 of phase2-host, 199 cases): 7 FAILs from NUT timers 2.6 s early at normal priority,
// 199 PASS twice with each VM's main thread at nice -10 (docs/measurements.md). So the VMs' timers run ahead
// of the lab's own builds and of other jobs, which can wait without changing a verdict.
//
// Only QEMU's main thread is raised: it runs the guest's timers (the interrupts that drive its jiffies) and
// its network backends (the test links' frames). Raising the vCPU threads as well was worse than nothing:
// the same 199 cases on 8 NUTs gave 14 FAILs, NUT clocks running at 0.75 of real time even on a quiet host
// (a busy guest's vCPU then competes with every other VM's timer thread on equal terms, and with the tester).
// Linux sets a nice value per thread (setpriority(PRIO_PROCESS, tid)), and a new thread takes its creator's,
// so the main thread is raised once the guest is up, when QEMU's vCPU thread already exists.
import { setPriority } from 'node:os';

/** The nice value a QEMU NUT runs at unless the driver is told otherwise (0 leaves it as it is). */
export const DEFAULT_NUT_NICE = -10;

/**
 * Gives QEMU's main thread (tid = pid) the nice value `nice`. Returns undefined when done (or nothing to do),
 * else why not: raising a priority needs root or CAP_SYS_NICE, and a lab without it still runs, at normal priority.
 */
export function raiseMainThread(pid: number, nice: number): string | undefined {
  if (nice === 0) return undefined;
  try {
    setPriority(pid, nice);
    return undefined;
  } catch (error) {
    // os.setPriority throws a SystemError whose errno name is in `info.code` (its own `code` is ERR_SYSTEM_ERROR).
    const e = error as { code?: string; info?: { code?: string } };
    const code = e.info?.code ?? e.code;
    if (code === 'ESRCH') return undefined; // already gone: its exit is reported elsewhere
    return `could not set nice ${nice} on QEMU's main thread (${code ?? String(error)}): the NUT runs at normal priority, and other work on this host can make its timers late`;
  }
}
