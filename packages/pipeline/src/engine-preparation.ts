// The set's engine is made ready inside the run, before its build stage: kselftest builds the kernel with
// the run's own build request and its selftests from that tree, so its steps belong under the run's build
// stage. An engine that cannot be prepared (the kselftest root fs removed after the lab started, the
// selftests build crashing, a TAHI tester file gone) fails the run at its build stage, visibly, with the
// reason in a log of its own: the lab's failure, which the scheduler retries once.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { StageError, type BuildRequest, type LabStore, type PreparedEngine, type Progress, type RunReporter } from '@testlab/core';
import { addArtifact } from './artifacts.js';

/** Makes the set's engine ready for this run, with the run's build request (the app binds the registry's prepareEngine). */
export type PrepareEngine = (build: BuildRequest, progress: (step: string) => Progress) => Promise<PreparedEngine>;

export async function prepareForRun(
  prepare: PrepareEngine,
  run: { id: number; dir: string; build: BuildRequest; store: LabStore; reporter: RunReporter },
): Promise<PreparedEngine> {
  // Shown under the build stage as it happens; the stage itself is recorded by the build that follows.
  let shown: Progress | undefined;
  const progress = (step: string): Progress => ({
    step: (text) => (shown ??= run.reporter.stageStarted('build')).step(`${step}: ${text}`),
    fraction() {},
  });
  try {
    return await prepare(run.build, progress);
  } catch (error) {
    if (error instanceof StageError) throw error;
    const message = `preparing the test set's engine failed: ${error instanceof Error ? error.message : String(error)}`;
    const log = path.join(run.dir, 'engine-preparation.log');
    await writeFile(log, `${message}\n${error instanceof Error && error.stack ? `${error.stack}\n` : ''}`);
    await run.store.startStage(run.id, 'build', log);
    await addArtifact(run.store, run.id, 'build-log', log);
    throw new StageError('build', message, log, { cause: error });
  }
}
