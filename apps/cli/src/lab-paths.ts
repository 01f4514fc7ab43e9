// Where the lab keeps things. Everything can be moved with environment variables, so a test (or a second
// lab on the same machine) never touches the operator's data.
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout this CLI runs from: apps/cli/dist/src/ -> the repository root. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

export interface LabPaths {
  /** Database, run artifacts, lab keys and VM records: what must survive. */
  home: string;
  /** Downloads, unpacked trees and built kernels: what can be rebuilt, shared between labs and test runs. */
  cache: string;
  testsets: string;
  /** The NUT base initramfs built by infra/nut-image/build-initramfs.sh. */
  nutImage: string;
  /** The Debian root fs of kselftest runs ($TESTLAB_NUT_ROOTFS); unset: the engine's default under the cache. */
  rootfsImage?: string;
  labFragment: string;
}

export function labPaths(env: NodeJS.ProcessEnv = process.env): LabPaths {
  const dataHome = env.XDG_DATA_HOME || path.join(os.homedir(), '.local/share');
  const cacheHome = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return {
    home: path.resolve(env.TESTLAB_HOME || path.join(dataHome, 'testlab')),
    cache: path.resolve(env.TESTLAB_CACHE || path.join(cacheHome, 'testlab')),
    testsets: path.resolve(env.TESTLAB_TESTSETS || path.join(repoRoot, 'testsets')),
    nutImage: path.resolve(env.TESTLAB_NUT_IMAGE || path.join(repoRoot, 'var/nut-image/initramfs.gz')),
    labFragment: path.join(repoRoot, 'infra/kernel/qemu-nut.config'),
    ...(env.TESTLAB_NUT_ROOTFS !== undefined ? { rootfsImage: path.resolve(env.TESTLAB_NUT_ROOTFS) } : {}),
  };
}
