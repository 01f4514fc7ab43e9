// The build stage proper: `make -jN bzImage [modules]` with its output in build.log and object-count progress.
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

/** `withModules`: the .config has CONFIG_MODULES=y, so `modules` is built in the same make run. */
export async function compile(setup: MakeSetup, jobs: number, expected: number, progress: Progress, withModules = false): Promise<CompileResult> {
  const buildLog = path.join(setup.outDir, 'build.log');
  await rm(buildLog, { force: true });
  const full = !(await stat(path.join(setup.outDir, 'vmlinux')).then(() => true, () => false));
  const counter = new ObjectCounter(expected, progress);
  const targets = withModules ? ['bzImage', 'modules'] : ['bzImage'];
  progress.step(`make -j${jobs} ${targets.join(' ')}`);
  const run = await runLogged(setup.makePath, makeArgs(setup, [`-j${jobs}`, ...targets]), {
    cwd: setup.srcDir,
    env: setup.env,
    logPath: buildLog,
    onLine: (line) => counter.onLine(line),
  });
  if (run.exitCode !== 0) {
    throw new StageError('build', `make ${targets.join(' ')} failed (exit ${run.exitCode}); last lines: ${summarizeTail(run.tail)}`, buildLog);
  }
  progress.fraction(1, `${counter.count} objects`);
  return { buildLog, objects: counter.count, full };
}
