// Progress of the steps before a run's stages (kselftest's kernel and selftests builds): a line per step,
// and make's output at most every 15 s so a log stays readable.
import type { Progress } from '@testlab/core';

export function stepProgress(out: NodeJS.WritableStream = process.stderr): (stage: string) => Progress {
  let lastFraction = 0;
  return (stage) => ({
    step: (text) => void out.write(`[${stage}] ${text}\n`),
    fraction: (value, detail) => {
      if (Date.now() - lastFraction < 15_000) return;
      lastFraction = Date.now();
      out.write(`[${stage}]${value === undefined ? '' : ` ${Math.floor(value * 100)}%`} ${detail ?? ''}\n`);
    },
  });
}
