// Everything between a built kernel and a NUT that can run its net selftests: the selftests built from the
// kernel's own tree (cached per kernel: tree + resolved .config), then the boot image (the Debian root
// file system + those selftests). Shared by `testlab run` and this package's e2e test.
import { access } from 'node:fs/promises';
import path from 'node:path';
import type { Progress } from '@testlab/core';
import { buildNetSelftests, type NetSelftests } from './net-selftests-build.js';
import { writeSelftestsImage } from './selftests-image.js';

export class SelftestsNutError extends Error {
  override name = 'SelftestsNutError';
}

/** Where infra/nut-rootfs/build.sh puts the root file system by default. */
export const defaultRootfsImage = (cacheDir: string): string => path.join(cacheDir, 'nut-rootfs', 'rootfs.cpio.gz');

/** Fails with the command to run when the root file system image is missing (checked before any build). */
export async function checkRootfsImage(rootfsImage: string): Promise<void> {
  await access(rootfsImage).catch(() => {
    throw new SelftestsNutError(`the NUT root file system ${rootfsImage} does not exist: build it with \`bash infra/nut-rootfs/build.sh\` (about 3 minutes, cached after)`);
  });
}

export interface SelftestsNutImage {
  /** The initramfs to boot the NUT from (QEMU driver `baseInitramfs`, with >= 768 MiB). */
  image: string;
  selftests: NetSelftests;
}

/**
 * Builds (or reuses) the net selftests of `tree` under `<cacheDir>/kselftest/<kernel key 16>/` and writes
 * the NUT image beside them. `kernelCacheKey` is the builder's key (tree + resolved .config): the same
 * tree with another .config builds other uapi headers, so it gets its own folder.
 */
export async function prepareSelftestsNutImage(options: { tree: string; cacheDir: string; kernelCacheKey: string; rootfsImage: string; progress: Progress }): Promise<SelftestsNutImage> {
  const { tree, progress } = options;
  await checkRootfsImage(options.rootfsImage);
  await access(path.join(tree, 'tools/testing/selftests/net')).catch(() => {
    throw new SelftestsNutError(`the kernel tree ${tree} has no tools/testing/selftests/net (was it removed from the cache?)`);
  });
  if (!/^[0-9a-f]{16,}$/.test(options.kernelCacheKey)) throw new SelftestsNutError(`kernel cache key "${options.kernelCacheKey.slice(0, 70)}" is not a hex digest`);
  const workDir = path.join(options.cacheDir, 'kselftest', options.kernelCacheKey.slice(0, 16));
  const selftests = await buildNetSelftests({ tree, outDir: workDir, progress });
  const image = path.join(workDir, 'nut.cpio.gz');
  progress.step(`writing the NUT image ${image}`);
  await writeSelftestsImage({ rootfsImage: options.rootfsImage, installDir: selftests.installDir, out: image });
  return { image, selftests };
}
