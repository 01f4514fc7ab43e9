// A kernel tarball on disk (Debian's /usr/src/linux-source-6.1.tar.xz, kernel.org's linux-6.12.tar.xz).
// Its identity is the sha256 of its bytes; extraction re-hashes what it feeds tar, so a file replaced between
// identify() and extractTo() cannot slip a different tree under an identity that caches it.
import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import type { KernelSource, Progress, SourceIdentity } from '@testlab/core';
import { readHashing, sha256File } from './hash.js';
import { decompressFlag, untarInto } from './extract.js';

export class TarballSource implements KernelSource {
  readonly description: string;
  /** The tarball's absolute path. */
  readonly file: string;
  private identified: string | undefined;

  /** `label` is what operators see (a URL for downloads); by default the file's name. */
  constructor(file: string, private readonly label: string = path.basename(file)) {
    this.file = path.resolve(file);
    this.description = `tarball ${this.label}`;
  }

  async identify(_cacheDir: string, progress: Progress): Promise<SourceIdentity> {
    await this.assertRegularFile();
    progress.step(`sha256 ${this.label}`);
    const hex = await sha256File(this.file, progress);
    this.identified = `sha256:${hex}`;
    return { hash: this.identified, label: this.label };
  }

  async extractTo(dir: string, cacheDir: string, progress: Progress): Promise<void> {
    const expected = this.identified ?? (await this.identify(cacheDir, progress)).hash;
    await this.assertRegularFile();
    progress.step(`unpack ${this.label}`);
    const hash = createHash('sha256');
    await untarInto(dir, this.file, {
      flags: decompressFlag(await this.head()),
      input: readHashing(this.file, hash, progress),
      verify: () => {
        const got = `sha256:${hash.digest('hex')}`;
        if (got !== expected) throw new Error(`${this.file} changed while in use: identified as ${expected}, extracted ${got}`);
      },
    });
  }

  private async assertRegularFile() {
    const st = await stat(this.file).catch((e: NodeJS.ErrnoException) => {
      throw new Error(`kernel tarball ${this.file} cannot be read: ${e.code ?? e.message}`);
    });
    if (!st.isFile()) throw new Error(`kernel tarball ${this.file} is not a regular file`);
    return st;
  }

  private async head(): Promise<Uint8Array> {
    const handle = await open(this.file, 'r');
    try {
      const buf = Buffer.alloc(8);
      const { bytesRead } = await handle.read(buf, 0, 8, 0);
      return buf.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }
}
