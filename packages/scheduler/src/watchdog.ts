// The hang watchdog of one run. It wraps the NUT driver the run boots with, and from the moment the NUT is
// ready it watches two things: the console (a panic or oops while the set runs), and the time since the
// last case ended (a kernel that stopped answering leaves a case waiting forever). Either way it powers the
// NUT off, which makes the suite's next step fail fast, and records why; the cycle then classifies the run
// as the kernel's hang or panic and recovers the NUT into its known-good kernel.
import type { BootedNut, BootRequest, NutDriver, Progress } from '@testlab/core';
import { ConsoleTail, type ConsoleFinding } from './console-markers.js';

export interface WatchdogOptions {
  /** Longest a single case may take before the NUT is declared hung. */
  caseDeadlineMs: number;
  /** How often the console and the clock are checked. */
  pollMs?: number;
}

export class RunWatchdog {
  /** Set once the watchdog powered the NUT off, with why. */
  fired: { reason: string } | undefined;
  /** A panic/oops line seen on the console while the NUT was up. */
  console: ConsoleFinding | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastProgressAt = 0;
  // A run may boot several NUTs of the same kernel (the suite's pool): each is watched, all are powered off.
  private readonly watched: Array<{ nut: BootedNut; tail: ConsoleTail }> = [];
  private checking: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: WatchdogOptions) {}

  /** The driver the run should boot with: the same driver, with the booted NUT watched. */
  wrap(driver: NutDriver): NutDriver {
    return {
      kind: driver.kind,
      reapStale: () => driver.reapStale(),
      boot: async (request: BootRequest, progress: Progress) => {
        const nut = await driver.boot(request, progress);
        this.watch(nut);
        return nut;
      },
    };
  }

  /** A case ended: the next one gets a full deadline. */
  caseFinished(): void {
    this.lastProgressAt = Date.now();
  }

  private watch(nut: BootedNut): void {
    if (this.stopped || this.fired !== undefined) {
      void nut.shutdown().catch(() => undefined);
      return;
    }
    this.watched.push({ nut, tail: new ConsoleTail(nut.consoleLog) });
    this.lastProgressAt = Date.now();
    if (this.timer === undefined) {
      this.timer = setInterval(() => void this.check(), this.options.pollMs ?? 500);
      this.timer.unref();
    }
  }

  private check(): Promise<void> {
    if (this.checking !== undefined || this.fired !== undefined || this.stopped) return Promise.resolve();
    this.checking = this.checkOnce().finally(() => {
      this.checking = undefined;
    });
    return this.checking;
  }

  private async checkOnce(): Promise<void> {
    let finding: ConsoleFinding | undefined;
    for (const { tail } of this.watched) finding ??= await tail.poll().catch(() => undefined);
    if (finding !== undefined) {
      this.console = finding;
      await this.powerOff(`${finding.what} on the console: ${finding.line}`);
    } else if (Date.now() - this.lastProgressAt > this.options.caseDeadlineMs) {
      await this.powerOff(`no case finished within ${Math.round(this.options.caseDeadlineMs / 1000)} s: the NUT is hung`);
    }
  }

  private async powerOff(reason: string): Promise<void> {
    this.fired = { reason };
    this.stopTimer();
    await Promise.all(this.watched.map(({ nut }) => nut.shutdown().catch(() => undefined)));
  }

  private stopTimer(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Ends the watch (the run is over); safe to call twice. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopTimer();
    await this.checking;
    for (const { tail } of this.watched) await tail.close();
  }
}
