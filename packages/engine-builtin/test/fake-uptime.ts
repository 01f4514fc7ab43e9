// The NUT's own clock as the fakes answer it: `cat /proc/uptime` from this process's monotonic clock, so timer
// cases that count on the NUT's time (a VM on a busy host runs its timers late) can be tested against fakes.
import type { ExecResult } from '@testlab/core';

const started = performance.now();

/** The answer to `cat /proc/uptime` (a clock running at `rate` of real time), or undefined for another command. */
export function uptimeAnswer(argv: readonly string[], rate = 1): ExecResult | undefined {
  if (argv[0] !== 'cat' || argv[1] !== '/proc/uptime') return undefined;
  const seconds = (((performance.now() - started) / 1000) * rate + 100).toFixed(2);
  return { code: 0, stdout: `${seconds} ${seconds}\n`, stderr: '' };
}
