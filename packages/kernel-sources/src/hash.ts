// sha256 helpers. Files are streamed: a kernel tarball is ~135 MiB and must not sit in memory.
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Progress } from '@testlab/core';

/** The file's chunks, each added to `hash` as it passes, with `12.0/131.6 MiB` progress. */
export async function* readHashing(file: string, hash: Hash, progress?: Progress): AsyncGenerator<Buffer> {
  const { size } = await stat(file);
  let bytes = 0;
  for await (const chunk of createReadStream(file)) {
    const buf = chunk as Buffer;
    hash.update(buf);
    bytes += buf.length;
    if (progress && size > 0) progress.fraction(bytes / size, `${mib(bytes)}/${mib(size)} MiB`);
    yield buf;
  }
}

export async function sha256File(file: string, progress?: Progress): Promise<string> {
  const hash = createHash('sha256');
  for await (const _ of readHashing(file, hash, progress)) void _;
  return hash.digest('hex');
}

export function mib(bytes: number): string {
  return (bytes / 1048576).toFixed(1);
}
