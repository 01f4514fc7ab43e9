// The build stage proper: `make -jN bzImage` with its output in build.log and object-count progress.
import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { StageError, type Progress } from '@testlab/core';
import { makeArgs, runLogged, summarizeTail, type MakeSetup } from './make.js';
import { ObjectCounter } from './object-count.js';

export interface CompileResult {
  buildLog: string;
  objects: number;
  /** False when the out folder already held a vmlinux (an incremental build): its count is not a full one. */
  full: boolean;
}

export async function compile(setup: MakeSetup, jobs: number, expected: number, progress: Progress): Promise<CompileResult> {
  const buildLog = path.join(setup.outDir, 'build.log');
  await rm(buildLog, { force: true });
  const full = !(await stat(path.join(setup.outDir, 'vmlinux')).then(() => true, () => false));
  const counter = new ObjectCounter(expected, progress);
  progress.step(`make -j${jobs} bzImage`);
  const run = await runLogged(setup.makePath, makeArgs(setup, [`-j${jobs}`, 'bzImage']), {
    cwd: setup.srcDir,
    env: setup.env,
    logPath: buildLog,
    onLine: (line) => counter.onLine(line),
  });
  if (run.exitCode !== 0) {
    throw new StageError('build', `make bzImage failed (exit ${run.exitCode}); last lines: ${summarizeTail(run.tail)}`, buildLog);
  }
  progress.fraction(1, `${counter.count} objects`);
  return { buildLog, objects: counter.count, full };
}
