// Shared fixtures: a real SQLite file in a fresh temp dir; the clock is the contract suite's.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export { Clock, ISO_UTC } from '@testlab/store-contract';

/** A temp dir removed by `cleanup()`; `file(name)` is a path inside it. */
export function tempDir(): { dir: string; file: (name: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'testlab-store-'));
  return { dir, file: (name) => join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
