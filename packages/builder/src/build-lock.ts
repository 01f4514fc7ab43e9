// One make at a time per build folder. labd and a `testlab run` (or builders on several hosts sharing the
// cache) can be asked for the same kernel and config at once; two makes in one O= folder corrupt it. The
// later one waits, then finds the kernel the first one built in the cache.
//
// proper-lockfile's lock is a folder whose mtime the holder refreshes every UPDATE_MS. A holder killed
// with -9 stops refreshing, and after BUILD_LOCK_STALE_MS its lock is taken over, from this host or another one.
import lockfile from 'proper-lockfile';
import type { Progress } from '@testlab/core';

const BUILD_LOCK_STALE_MS = 20_000;
const UPDATE_MS = 5_000;
const POLL_MS = 2_000;

const buildLockPath = (outDir: string): string => `${outDir}.lock`;
/** What the holder and anyone checking must agree on: where the lock is and when it counts as stale. */
const lockOf = (outDir: string) => ({ realpath: false, lockfilePath: buildLockPath(outDir), stale: BUILD_LOCK_STALE_MS });

/** Takes the build folder's lock, waiting for whoever holds it; resolves to the function that gives it back. */
export async function lockBuildFolder(outDir: string, progress: Progress): Promise<() => Promise<void>> {
  const options = {
    ...lockOf(outDir),
    update: UPDATE_MS,
    // The default throws from a timer, which would end the whole lab: the build goes on and says so.
    onCompromised: (error: Error) => progress.step(`warning: lost the build lock ${buildLockPath(outDir)} (${error.message}): another build may share the folder`),
  };
  try {
    return await lockfile.lock(outDir, options);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
  }
  progress.step(`waiting for another build of this kernel and config (lock ${buildLockPath(outDir)})`);
  const started = Date.now();
  const release = await lockfile.lock(outDir, { ...options, retries: { forever: true, factor: 1, minTimeout: POLL_MS, maxTimeout: POLL_MS } });
  progress.step(`the other build ended after ${((Date.now() - started) / 1000).toFixed(0)} s of waiting`);
  return release;
}

/** Whether a live builder (one that still refreshes it) holds the build folder's lock. */
export async function buildFolderLocked(outDir: string): Promise<boolean> {
  return lockfile.check(outDir, lockOf(outDir));
}
