// Fakes for the worker tests: a NUT driver that writes a console log and can be told to panic, and a
// runTestSet that records a run in the real store the way the pipeline does. The queue and store are real.
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NutBootError, type BootedNut, type BootRequest, type LabStore, type NutDriver } from '@testlab/core';
import type { PoolNut, RunTestSet, WorkerLog } from '../src/index.js';

export class FakeNut {
  booted = 0;
  concurrent = 0;
  maxConcurrent = 0;
  restores = 0;
  /** How many of the next restores fail (the NUT stays on a broken kernel, say). */
  failRestores = 0;
  /** What the NUT runs now: `known-good` or the release under test. */
  running = 'known-good';
  events: string[] = [];

  constructor(readonly name: string, readonly modes: PoolNut['modes'] = ['host', 'router']) {}

  driver(): NutDriver {
    return {
      kind: 'fake',
      reapStale: async () => 0,
      boot: async (request: BootRequest): Promise<BootedNut> => {
        this.concurrent++;
        this.maxConcurrent = Math.max(this.maxConcurrent, this.concurrent);
        this.booted++;
        await mkdir(join(request.consoleLog, '..'), { recursive: true });
        await writeFile(request.consoleLog, `Linux version ${request.kernel.kernelRelease}\n`);
        if (request.extraCmdline?.includes('init=/nonexistent')) {
          await appendFile(request.consoleLog, 'Kernel panic - not syncing: No working init found.\n');
          this.concurrent--;
          this.running = 'panicked';
          throw new NutBootError('kernel panic seen on the console, no ready marker', request.consoleLog);
        }
        this.running = request.kernel.kernelRelease;
        let down = false;
        const nut: BootedNut & { down: Promise<void> } = {
          name: this.name, kernelRelease: request.kernel.kernelRelease, links: [], consoleLog: request.consoleLog,
          exec: async () => ({ code: 0, stdout: '', stderr: '' }),
          shutdown: async () => {
            if (!down) this.concurrent--;
            down = true;
            resolveDown();
          },
          down: undefined as unknown as Promise<void>,
        };
        let resolveDown: () => void = () => {};
        nut.down = new Promise<void>((r) => (resolveDown = r));
        return nut;
      },
    };
  }

  pool(profile = 'qemu'): PoolNut {
    return {
      name: this.name, profile, modes: this.modes, driver: this.driver(),
      restoreKnownGood: async () => {
        this.restores++;
        if (this.failRestores > 0) {
          this.failRestores--;
          this.events.push('restore failed');
          throw new Error('no SSH answer after the power cycle');
        }
        this.running = 'known-good';
        this.events.push('restore');
        return { release: 'known-good', ms: 1 };
      },
    };
  }
}

/** Records a run like the pipeline: start, boot (through the watched driver), one result per case, finish. */
export function fakeRunTestSet(store: LabStore, artifactsRoot: string, seen: string[]): RunTestSet {
  return async ({ payload, nutDriver, reporter }) => {
    const run = await store.startRun({ testset: payload.testset, nut: nutDriver.kind, sourceLabel: payload.source.spec, ownerPid: process.pid });
    const runDir = join(artifactsRoot, `run-${run.id}`);
    await mkdir(runDir, { recursive: true });
    reporter.runStarted(run.id, runDir);
    seen.push(`${payload.testset}:${payload.version.text}`);
    try {
      await store.startStage(run.id, 'boot');
      const nut = (await nutDriver.boot(
        { kernel: { bzImage: 'x', kernelRelease: payload.version.text }, links: 1, extraCmdline: payload.extraCmdline, consoleLog: join(runDir, 'console.log') },
        { step() {}, fraction() {} },
      )) as BootedNut & { down: Promise<void> };
      await store.finishStage(run.id, 'boot', 'done');
      await store.startStage(run.id, 'test');
      if (payload.testset.includes('hang')) {
        await nut.down; // a hung kernel: nothing happens until the watchdog powers the NUT off
      } else {
        for (const caseId of ['v6LC.1.1.1', 'v6LC.5.1.2-A']) {
          await store.addResult(run.id, { caseId, title: caseId, verdict: 'PASS', reason: 'ok', durationMs: 1, log: '', pcaps: [] });
          reporter.caseFinished({ caseId, title: caseId, verdict: 'PASS', reason: 'ok', durationMs: 1, log: '', pcaps: [] });
        }
      }
      await store.finishStage(run.id, 'test', 'done');
      await nut.shutdown();
      await store.finishRun(run.id, { status: 'done' });
      return { runId: run.id, status: 'done', runDir };
    } catch (error) {
      await store.finishRun(run.id, { status: 'failed', stage: 'boot', error: (error as Error).message });
      return { runId: run.id, status: 'failed', stage: 'boot', error: (error as Error).message, runDir };
    }
  };
}

export const quietLog: WorkerLog & { lines: string[] } = {
  lines: [],
  info(fields, message) {
    this.lines.push(`${message} ${JSON.stringify(fields)}`);
  },
  warn(fields, message) {
    this.lines.push(`WARN ${message} ${JSON.stringify(fields)}`);
  },
  error(fields, message) {
    this.lines.push(`ERROR ${message} ${JSON.stringify(fields)}`);
  },
};
