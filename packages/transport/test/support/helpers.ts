// Small helpers of the transport tests: temp folders, a Progress that remembers, fast retries.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Progress } from '@testlab/core';

export async function tempDir(t: { after(fn: () => Promise<void>): void }, prefix = 'transport-test-'): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

export function recordingProgress(): Progress & { steps: string[]; fractions: number[] } {
  const steps: string[] = [];
  const fractions: number[] = [];
  return {
    steps, fractions,
    step: (s) => steps.push(s),
    fraction: (v) => {
      if (v !== undefined) fractions.push(v);
    },
  };
}

/** Fast retries: the backoff policy is the code under test, the waiting is not. */
export const FAST_RETRY = { retryDelaysMs: [1, 1, 1] } as const;
