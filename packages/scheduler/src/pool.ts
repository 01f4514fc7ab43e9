// The NUT pool: every NUT the lab may use, with the modes it can be booted into and the kernel profile it
// runs. The database guarantees one job per NUT (a unique index over leased jobs); the pool adds what a
// worker needs to drive a NUT: its driver and the way back to its known-good kernel.
import type { NutDriver, NutMode, Progress } from '@testlab/core';

export interface KnownGoodCheck {
  /** What `uname -r` printed. */
  release: string;
  ms: number;
}

export interface PoolNut {
  name: string;
  profile: string;
  modes: readonly NutMode[];
  driver: NutDriver;
  /**
   * Brings the NUT back to its configured known-good kernel (power-cycling it if it does not answer) and
   * checks that it runs it. Throws when the NUT cannot be brought back: it is then out of service.
   */
  restoreKnownGood(progress: Progress): Promise<KnownGoodCheck>;
}

const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Refuses a pool the queue could not serve correctly: duplicate names, no modes. */
export function checkPool(pool: readonly PoolNut[]): void {
  const seen = new Set<string>();
  for (const nut of pool) {
    if (!NAME.test(nut.name)) throw new Error(`NUT name ${JSON.stringify(nut.name)}: lower-case letters, digits and dashes, 1..63 characters`);
    if (seen.has(nut.name)) throw new Error(`NUT ${nut.name} is listed twice in the pool`);
    seen.add(nut.name);
    if (nut.modes.length === 0) throw new Error(`NUT ${nut.name} offers no mode`);
  }
}

/** A known-good check for NUTs whose every boot starts from power-off (QEMU): boot the known-good kernel, check, power off. */
export function bootCheckKnownGood(
  driver: NutDriver,
  kernel: { bzImage: string; kernelRelease: string },
  consoleLog: () => string,
  deadlineMs = 60_000,
): (progress: Progress) => Promise<KnownGoodCheck> {
  return async (progress) => {
    const started = Date.now();
    const nut = await driver.boot({ kernel, links: 0, consoleLog: consoleLog(), deadlineMs }, progress);
    try {
      const uname = await nut.exec(['uname', '-r'], { timeoutMs: 10_000 });
      const release = uname.stdout.trim();
      if (release !== kernel.kernelRelease) throw new Error(`known-good check: uname -r says ${release}, expected ${kernel.kernelRelease}`);
      return { release, ms: Date.now() - started };
    } finally {
      await nut.shutdown();
    }
  };
}
