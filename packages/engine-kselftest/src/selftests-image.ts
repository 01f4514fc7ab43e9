// The NUT image for kselftest runs: the Debian root file system (infra/nut-rootfs/build.sh) followed by a
// gzip'd cpio of the installed selftests under /opt/kselftest. Linux unpacks concatenated archives in
// order, so one root file system serves every kernel and only the small selftests archive is per kernel.
import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, rm, open, rename } from 'node:fs/promises';
import { createReadStream, createWriteStream } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { execa } from 'execa';

export async function writeSelftestsImage(options: { rootfsImage: string; installDir: string; out: string; nutDir?: string }): Promise<void> {
  const nutDir = (options.nutDir ?? '/opt/kselftest').replace(/^\/+/, '');
  if (!/^[A-Za-z0-9_./-]+$/.test(nutDir) || nutDir.includes('..')) throw new Error(`"${nutDir}" is not a plain folder path`);
  const stage = await mkdtemp(path.join(os.tmpdir(), 'kselftest-image-'));
  try {
    await cp(options.installDir, path.join(stage, nutDir), { recursive: true });
    const overlay = path.join(stage, '..', `${path.basename(stage)}.cpio.gz`);
    // find | cpio | gzip with argv only; the shell pipeline is a constant string.
    await execa('sh', ['-c', 'find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -1 > "$1"', 'sh', overlay], { cwd: stage });
    // A temp name of this writer's own: two runs of one kernel may write the same image at once.
    const tmp = `${options.out}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      const out = await open(tmp, 'w', 0o644);
      try {
        for (const part of [options.rootfsImage, overlay]) await pipeline(createReadStream(part), createWriteStream('', { fd: out.fd, autoClose: false }));
      } finally {
        await out.close();
      }
      await rename(tmp, options.out);
    } finally {
      await rm(tmp, { force: true });
    }
    await rm(overlay, { force: true });
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}
