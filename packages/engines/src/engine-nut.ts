// labd creates its NUTs once, at start, but each run boots the NUT image and memory of its own engine
// (kselftest: the Debian root fs with the selftests, 1 GiB). The scheduler hands a run the pool NUT's driver
// wrapped by its watchdog, so the run's choice cannot travel as an argument: it travels with the run's
// async context instead. labd runs each set inside runWithEngineNut(), and the pool NUT's driver
// (engineNutDriver) reads it at every boot; a boot outside any run (the known-good check) uses `outside`.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { NutDriver, NutImage } from '@testlab/core';

export type EngineNut = NutImage;

const current = new AsyncLocalStorage<EngineNut>();

/** Runs `fn` (one run of a test set) so that its NUT boots get `nut`. */
export function runWithEngineNut<T>(nut: EngineNut, fn: () => Promise<T>): Promise<T> {
  return current.run(nut, fn);
}

/** The NUT image and memory of the run in whose context this is called, if any. */
export function currentEngineNut(): EngineNut | undefined {
  return current.getStore();
}

/**
 * A driver that boots each NUT with the image of the run it belongs to: `create` makes the real driver for
 * an image (kept per image and memory, so a driver's keys are read once).
 */
export function engineNutDriver(outside: EngineNut, create: (nut: EngineNut) => NutDriver): NutDriver {
  const drivers = new Map<string, NutDriver>();
  const driverFor = (nut: EngineNut) => {
    const key = `${nut.memoryMiB ?? ''}:${nut.baseInitramfs}`;
    let driver = drivers.get(key);
    if (driver === undefined) drivers.set(key, (driver = create(nut)));
    return driver;
  };
  const base = driverFor(outside);
  return {
    kind: base.kind,
    // Every image's VMs live in the same state folder: reaping with one reaps them all.
    reapStale: () => base.reapStale(),
    boot: (request, progress) => driverFor(currentEngineNut() ?? outside).boot(request, progress),
  };
}
