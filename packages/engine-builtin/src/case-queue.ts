// Which case a free NUT of the pool takes next. Cases whose verdict rests on the NUT's timers (reassembly
// time, RS delays, address lifetimes: `timerBound`) are judged against the host's clock too; on a 2-core host
// under load, several of them at once each get their frames and their NUT's CPU late (a TCG NUT sent its
// reassembly Time Exceeded 84-88 s in instead of 60 s). So at most `timerLimit` of them run at once; a
// free NUT takes the first other case instead, and waits only when timer-bound cases are all that is left.

export interface Queued {
  def: { timerBound?: boolean };
}

/**
 * Timer-bound cases at once unless the set says (`builtin.timerCasesAtOnce`): 4. The pool grew from 4 NUTs
 * to 6 to bring the full sets nearer their 10-minute budget; this limit stayed at 4, the
 * figure the sets' verdicts were measured stable with (phase2-host holds 26 such cases of 20-95 s, about
 * 28 min of waiting in all, so a lower one costs wall time).
 */
export const DEFAULT_TIMER_CASES_AT_ONCE = 4;

export class CaseQueue<T extends Queued> {
  private readonly items: T[];
  private timersRunning = 0;
  private waiters: Array<() => void> = [];

  constructor(items: readonly T[], private readonly timerLimit: number) {
    if (!Number.isInteger(timerLimit) || timerLimit < 1) throw new Error(`timer-bound cases at once must be a whole number of at least 1, not ${timerLimit}`);
    this.items = [...items];
  }

  /** The next case to run, in queue order but past timer-bound ones while the limit is reached; undefined when none is left. */
  async take(): Promise<T | undefined> {
    for (;;) {
      if (this.items.length === 0) return undefined;
      const at = this.items.findIndex((it) => !it.def.timerBound || this.timersRunning < this.timerLimit);
      if (at >= 0) {
        const [item] = this.items.splice(at, 1);
        if (item!.def.timerBound) this.timersRunning++;
        return item;
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** The case taken has ended (whatever its verdict): its timer slot is free again. */
  finished(item: T): void {
    if (!item.def.timerBound) return;
    this.timersRunning--;
    this.wake();
  }

  /** Timer-bound cases taken and not yet finished. */
  get timerBoundRunning(): number {
    return this.timersRunning;
  }

  private wake(): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) w();
  }
}
