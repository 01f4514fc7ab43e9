// The NUT's own clock as the fakes answer it: `cat /proc/uptime [/proc/stat]` from this process's monotonic
// clock, so timer cases that count on the NUT's time (a VM on a busy host runs its timers late) can be tested
// against fakes. /proc/stat's tick-counted CPU time (one CPU, USER_HZ 100) runs at the same rate: the fake's
// timers, its uptime and its jiffies agree, as on a NUT whose clocks are whole.
import type { ExecResult } from '@testlab/core';

const started = performance.now();

/** The answer to `cat /proc/uptime` or `cat /proc/uptime /proc/stat` (clocks running at `rate` of real time), or undefined for another command. */
export function uptimeAnswer(argv: readonly string[], rate = 1): ExecResult | undefined {
  if (argv[0] !== 'cat' || argv[1] !== '/proc/uptime' || argv.length > 3 || (argv.length === 3 && argv[2] !== '/proc/stat')) return undefined;
  const elapsed = ((performance.now() - started) / 1000) * rate + 100;
  const seconds = elapsed.toFixed(2);
  const ticks = Math.floor(elapsed * 100);
  const stat = argv.length === 3 ? `cpu  ${ticks} 0 0 0 0 0 0 0 0 0\ncpu0 ${ticks} 0 0 0 0 0 0 0 0 0\n` : '';
  return { code: 0, stdout: `${seconds} ${seconds}\n${stat}`, stderr: '' };
}
