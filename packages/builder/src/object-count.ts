// How far is `make bzImage`? kbuild prints one `  CC  `/`  LD  `/`  AR  ` line per object; the total is
// unknown up front, so we compare with what the last full build of the same input printed.
import { readFile } from 'node:fs/promises';
import type { Progress } from '@testlab/core';
import { writeFileAtomic } from './atomic.js';
import type { CacheLayout } from './cache-layout.js';

/** A guess for the very first build of a lab: a tinyconfig NUT kernel is roughly this many objects. */
// Measured: Linux 6.1 tinyconfig + the QEMU NUT fragments prints 1428 CC/LD/AR lines; later builds use the
// count recorded by the previous one.
export const DEFAULT_EXPECTED_OBJECTS = 1400;

const OBJECT_LINE = /^ {2}(CC|LD|AR) /;

export function isObjectLine(line: string): boolean {
  return OBJECT_LINE.test(line);
}

async function readCount(file: string): Promise<number | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  const n = Number(text?.trim());
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** Last build of this input, else the last build of anything, else the default. */
export async function expectedObjects(layout: CacheLayout, input: string): Promise<number> {
  return (await readCount(layout.objectCountFile(input))) ?? (await readCount(layout.objectCountFile('last'))) ?? DEFAULT_EXPECTED_OBJECTS;
}

/** Only full builds are recorded: an incremental one prints a fraction of the lines and would skew the next guess. */
export async function recordObjects(layout: CacheLayout, input: string, count: number): Promise<void> {
  await writeFileAtomic(layout.objectCountFile(input), `${count}\n`);
  await writeFileAtomic(layout.objectCountFile('last'), `${count}\n`);
}

/** Counts object lines and reports `412/700 objects`, never 1 before make is done (the guess may be short). */
export class ObjectCounter {
  count = 0;
  constructor(
    private readonly expected: number,
    private readonly progress: Progress,
  ) {}

  onLine(line: string): void {
    if (!isObjectLine(line)) return;
    this.count += 1;
    this.progress.fraction(Math.min(this.count / this.expected, 0.99), `${this.count}/${this.expected} objects`);
  }
}
