// Reruns of cases of a finished run, on the same kernel in the same mode: the evidence that tells a flaky
// case from a regression. Each attempt boots the run's own kernel image afresh (the copy kept in the run
// folder, not the cache that may be pruned) with the run's boot request, exactly as the first attempt got
// its NUT, so an attempt sees no state left by the previous one, and runs only the cases asked about.
// Its console, case logs and pcaps stay in `<run>/reruns/attempt-<n>/` and are recorded as the run's
// artifacts. The scheduler calls it while it still holds the NUT (before the known-good restore), with a
// driver it watches for hangs and panics.
import { AsyncResource } from 'node:async_hooks';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BootRequest, BootedNut, CaseResult, LabStore, NutDriver, PreparedEngine, Progress, RerunOnNut, RerunRequest, RerunVerdicts, TestSet, Verdict } from '@testlab/core';
import { addArtifact } from './artifacts.js';

export interface RerunSource {
  store: LabStore;
  engine: PreparedEngine;
  runId: number;
  runDir: string;
  testset: TestSet;
  /** The run's boot request for a given console log path. */
  bootRequest: (consoleLog: string) => BootRequest;
}

export function rerunnerFor(src: RerunSource): RerunOnNut {
  // Called later, from the scheduler, but it belongs to the run: it runs in the run's async context, so what
  // the lab attached to the run's context (labd: the engine's NUT image and memory) applies to its boots too.
  return AsyncResource.bind(async ({ caseIds, times, nutDriver, progress, caseFinished }: RerunRequest): Promise<RerunVerdicts> => {
    // Only cases of this run's set: a caller cannot make the lab run something the set does not name. Sets
    // that name TAHI targets or kselftest programs instead of cases have nothing to rerun case by case
    // (a target or program is minutes of other cases): their cases are judged on the first attempt.
    const cases = src.testset.cases.filter((c) => caseIds.includes(c));
    const verdicts = new Map<string, Verdict[]>();
    for (let attempt = 1; attempt <= times && cases.length > 0; attempt++) {
      const dir = path.join(src.runDir, 'reruns', `attempt-${attempt}`);
      progress.step(`rerun ${attempt}/${times}: ${cases.join(', ')}`);
      try {
        await oneAttempt(src, dir, cases, nutDriver, progress, (result) => {
          verdicts.set(result.caseId, [...(verdicts.get(result.caseId) ?? []), result.verdict]);
          caseFinished?.();
        });
      } catch (error) {
        // The NUT did not come up or the suite could not go on (the watchdog may have powered it off): the
        // attempts so far are the evidence; a NUT that broke is the scheduler's to restore.
        progress.step(`rerun ${attempt}/${times} ended early: ${error instanceof Error ? error.message : String(error)}`);
        break;
      }
    }
    return verdicts;
  });
}

async function oneAttempt(src: RerunSource, dir: string, cases: string[], driver: NutDriver, progress: Progress, onVerdict: (r: CaseResult) => void): Promise<void> {
  const caseDir = path.join(dir, 'cases');
  await mkdir(caseDir, { recursive: true });
  const consoles = [path.join(dir, 'console.log')];
  const boot = (consoleLog: string): Promise<BootedNut> => driver.boot(src.bootRequest(consoleLog), progress);
  let nut: BootedNut | undefined;
  try {
    nut = await boot(consoles[0]!);
    await src.engine.run({
      nut,
      // Cases that need a fresh NUT get one, as in the run.
      bootNut: async () => {
        const consoleLog = path.join(dir, 'nuts', `console-${consoles.length}.log`);
        consoles.push(consoleLog);
        await mkdir(path.dirname(consoleLog), { recursive: true });
        return boot(consoleLog);
      },
      mode: src.testset.mode,
      cases,
      artifactsDir: caseDir,
      progress,
      onResult: async (result) => {
        // The run's results table holds the first attempt only; a rerun's log is a file beside its pcaps.
        const log = path.join(caseDir, `${result.caseId}.log`);
        await writeFile(log, `${result.caseId} ${result.title}\nverdict: ${result.verdict}\n${result.reason}\n\n${result.log}`);
        await addArtifact(src.store, src.runId, 'rerun-log', log);
        for (const pcap of result.pcaps) await addArtifact(src.store, src.runId, 'rerun-pcap', pcap);
        onVerdict(result);
      },
    });
  } finally {
    await nut?.shutdown().catch(() => undefined);
    for (const c of consoles) await addArtifact(src.store, src.runId, 'rerun-console-log', c);
  }
}
