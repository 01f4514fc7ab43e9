// The configure stage: base config, fragments merged with the tree's merge_config.sh, olddefconfig, and then
// the check that every requested option really is in the resolved .config.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { StageError, type BuildRequest, type Progress } from '@testlab/core';
import { makeArgs, runLogged, summarizeTail, type MakeSetup } from './make.js';
import { describeMismatches, fragmentFileText, parseFragments, verifyConfig } from './verify-config.js';

/** Runs the configure steps in `setup.outDir`; returns the resolved .config text. Throws StageError('configure'). */
export async function configure(setup: MakeSetup, request: Pick<BuildRequest, 'baseConfig' | 'fragments'>, progress: Progress): Promise<string> {
  await mkdir(setup.outDir, { recursive: true });
  const logPath = path.join(setup.outDir, 'configure.log');
  await rm(logPath, { force: true });

  const step = async (label: string, file: string, args: string[], cwd: string) => {
    progress.step(label);
    const run = await runLogged(file, args, { cwd, env: setup.env, logPath });
    if (run.exitCode !== 0) throw new StageError('configure', `${label} failed (exit ${run.exitCode}); last lines: ${summarizeTail(run.tail)}`, logPath);
  };

  await step(`make ${request.baseConfig}`, setup.makePath, makeArgs(setup, [request.baseConfig]), setup.srcDir);

  // Only the validated request lines are written (see verify-config), one file per fragment, in order.
  const fragmentFiles = request.fragments.map((_, i) => `fragment-${i}.config`);
  for (const [i, fragment] of request.fragments.entries()) {
    await writeFile(path.join(setup.outDir, fragmentFiles[i] as string), fragmentFileText(parseFragments([fragment])));
  }
  if (fragmentFiles.length > 0) {
    // merge_config.sh expands its arguments unquoted and makes its temp files in the current folder: run it in
    // the out folder with names we chose (no spaces, no globs), so it neither splits a path nor writes to the
    // shared source tree. `-m`: only merge; olddefconfig below fills in the rest.
    const script = path.join(setup.srcDir, 'scripts/kconfig/merge_config.sh');
    await step('merge_config.sh', 'sh', [script, '-m', '.config', ...fragmentFiles], setup.outDir);
  }
  await step('make olddefconfig', setup.makePath, makeArgs(setup, ['olddefconfig']), setup.srcDir);

  const resolved = await readFile(path.join(setup.outDir, '.config'), 'utf8');
  const mismatches = verifyConfig(request.fragments, resolved);
  if (mismatches.length > 0) throw new StageError('configure', describeMismatches(mismatches), logPath);
  return resolved;
}
