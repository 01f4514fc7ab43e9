// Loadable modules: a kernel configured with CONFIG_MODULES=y is only whole with its modules, and a machine
// NUT boots a distribution-like kernel (defconfig) where drivers and protocols are modules. The builder
// installs them into a staging folder (`make modules_install`, depmod run by kbuild) and keeps them as one
// tarball of `lib/modules/<release>/`, which the NUT driver copies next to the bzImage.
import { appendFile, mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { StageError } from '@testlab/core';
import { makeArgs, runLogged, summarizeTail, type MakeSetup } from './make.js';

/** True when the resolved .config builds loadable modules. */
export function configHasModules(resolvedConfig: string): boolean {
  return /^CONFIG_MODULES=y$/m.test(resolvedConfig);
}

/**
 * `make modules_install` into <out>/modules-staging, then `lib/modules/<release>` packed as a gzip'd tar.
 * Fails the build stage when depmod did not run (no modules.dep): modprobe on the NUT would not find them.
 */
export async function installModulesTarball(setup: MakeSetup, release: string, buildLog: string, tarball: string): Promise<void> {
  const staging = path.join(setup.outDir, 'modules-staging');
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  // INSTALL_MOD_STRIP: debug info would make the tarball (and every copy to a machine) many times larger.
  const run = await runLogged(setup.makePath, makeArgs(setup, [`INSTALL_MOD_PATH=${staging}`, 'INSTALL_MOD_STRIP=1', 'modules_install']), {
    cwd: setup.srcDir,
    env: setup.env,
    logPath: buildLog,
  });
  if (run.exitCode !== 0) throw new StageError('build', `make modules_install failed (exit ${run.exitCode}); last lines: ${summarizeTail(run.tail)}`, buildLog);
  const moduleDir = path.join(staging, 'lib', 'modules', release);
  const dep = await stat(path.join(moduleDir, 'modules.dep')).then(() => true, () => false);
  if (!dep) {
    throw new StageError('build', `make modules_install wrote no ${release}/modules.dep: depmod is missing on the build host (apt-get install kmod)`, buildLog);
  }
  // `build` and `source` point into this host's cache: meaningless (and dangling) on a NUT.
  for (const link of ['build', 'source']) await rm(path.join(moduleDir, link), { force: true });
  const count = (await readdir(moduleDir, { recursive: true })).filter((f) => f.endsWith('.ko')).length;
  await execa('tar', ['-C', staging, '--owner=0', '--group=0', '--numeric-owner', '-czf', tarball, path.join('lib', 'modules', release)], { stdin: 'ignore' });
  await rm(staging, { recursive: true, force: true });
  const { size } = await stat(tarball);
  await appendFile(buildLog, `testlab: ${count} modules packed into ${path.basename(tarball)} (${(size / 1048576).toFixed(1)} MiB)\n`);
}
