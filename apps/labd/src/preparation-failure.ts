// An engine that cannot be prepared for a run (the kselftest root fs removed after labd started, the
// selftests build crashing, a TAHI tester file gone) fails that run, visibly: a run failed at its build
// stage with the reason and a log, which the scheduler classifies as the lab's failure (retried once).
// Without it the job would only be logged and silently retried when its lease ran out.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LabStore, RunOutcome, RunReporter } from '@testlab/core';
import { addArtifact } from '@testlab/pipeline';

export async function recordPreparationFailure(
  store: LabStore,
  run: { testset: string; nut: string; sourceLabel: string; artifactsRoot: string; reporter: RunReporter },
  error: unknown,
): Promise<RunOutcome> {
  const message = `preparing the test set's engine failed: ${error instanceof Error ? error.message : String(error)}`;
  const record = await store.startRun({ testset: run.testset, nut: run.nut, sourceLabel: run.sourceLabel, ownerPid: process.pid });
  const runDir = path.join(run.artifactsRoot, `run-${record.id}`);
  await mkdir(runDir, { recursive: true });
  run.reporter.runStarted(record.id, runDir);
  const log = path.join(runDir, 'engine-preparation.log');
  const text = `${message}\n${error instanceof Error && error.stack ? `${error.stack}\n` : ''}`;
  await writeFile(log, text);
  await store.startStage(record.id, 'build', log);
  await store.finishStage(record.id, 'build', 'failed', message.slice(0, 500));
  await addArtifact(store, record.id, 'build-log', log);
  await store.finishRun(record.id, { status: 'failed', stage: 'build', error: message });
  run.reporter.stageFinished('build', 'failed', message);
  return { runId: record.id, status: 'failed', stage: 'build', error: message, runDir };
}
