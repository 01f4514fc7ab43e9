// Builds the net selftests of the kernel tree under test into a folder of our own (the tree is shared and
// read-only to us): `make O=<out> headers`, then the selftests with O=<out>. kselftest's `install` stops at
// the first program that cannot be built (reuseport_bpf_numa needs libnuma), so the lab builds with -k
// and installs what it has: every script and data file of net/ and every program that did build.
// Two runs of one kernel (on two NUTs) may ask at once: each builds in a folder of its own and the first to
// finish publishes it by rename, as the kernel cache does; a folder is only ever seen complete.
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import type { Progress } from '@testlab/core';

export interface NetSelftests {
  /** INSTALL_PATH: `<installDir>/net/<test>`. */
  installDir: string;
  /** Programs of net/ that failed to build (their tests will fail or skip on the NUT). */
  notBuilt: string[];
  buildLog: string;
}

export async function buildNetSelftests(options: { tree: string; outDir: string; jobs?: number; progress: Progress }): Promise<NetSelftests> {
  const { outDir, progress } = options;
  const existing = await readStamp(outDir);
  if (existing) {
    progress.step(`net selftests already built in ${outDir}`);
    return existing;
  }
  await mkdir(path.dirname(outDir), { recursive: true });
  const tmp = `${outDir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await buildInto(options.tree, tmp, outDir, options.jobs ?? 2, progress);
    if (!(await publish(tmp, outDir))) progress.step(`net selftests published meanwhile by another run in ${outDir}: using those`);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  const published = await readStamp(outDir);
  if (published === undefined) throw new Error(`net selftests in ${outDir} have no readable installed.json after publishing`);
  return published;
}

function readStamp(outDir: string): Promise<NetSelftests | undefined> {
  return readFile(path.join(outDir, 'installed.json'), 'utf8').then((t) => JSON.parse(t) as NetSelftests, () => undefined);
}

/** Renames `tmp` to `final`; false if another run published `final` first. A folder there without a stamp is
 *  a leftover of a lab that built in place (before builds were published whole) and is replaced. */
async function publish(tmp: string, final: string): Promise<boolean> {
  try {
    await rename(tmp, final);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
    if ((await readStamp(final)) !== undefined) return false;
    await rm(final, { recursive: true, force: true });
    await rename(tmp, final);
    return true;
  }
}

/** Builds and installs into `dir`; the stamp names the paths the folder will have once published as `final`. */
async function buildInto(tree: string, dir: string, final: string, jobs: number, progress: Progress): Promise<void> {
  const obj = path.join(dir, 'obj');
  await mkdir(obj, { recursive: true });
  const buildLog = path.join(dir, 'build.log');
  const log = createWriteStream(buildLog);
  const make = async (args: string[], step: string) => {
    progress.step(step);
    const child = execa('make', args, { reject: false, all: true, env: { LC_ALL: 'C' } });
    child.all?.on('data', (b: Buffer) => {
      log.write(b);
      const last = b.toString().trimEnd().split('\n').at(-1);
      if (last) progress.fraction(undefined, last.slice(0, 100));
    });
    return (await child).exitCode ?? 1;
  };
  if ((await make(['-C', tree, `O=${obj}`, 'headers'], 'make headers (uapi headers for the selftests)')) !== 0) {
    await new Promise((r) => log.end(r));
    // The build folder goes; its log is kept beside where the selftests would have been.
    const kept = `${final}.failed-build.log`;
    await rename(buildLog, kept);
    throw new Error(`make headers failed in ${tree}; see ${kept}`);
  }
  await make(['-k', `-j${jobs}`, '-C', path.join(tree, 'tools/testing/selftests'), 'TARGETS=net', `O=${obj}`, 'all'], 'make TARGETS=net (selftest programs)');
  await new Promise((r) => log.end(r));
  const logText = await readFile(buildLog, 'utf8');
  const notBuilt = [...new Set([...logText.matchAll(/\*\*\* \[[^\]]*\] Error \d+/g)].map((m) => m[0]).flatMap((line) => {
    const target = /\[(?:[^:\]]*:\d+: )?([^\]]+)\]/.exec(line)?.[1] ?? '';
    return target.includes('/kselftest/net/') ? [path.basename(target)] : [];
  }))].sort();
  // Install: net/'s own files (scripts, settings, data), then the built programs over them.
  const src = path.join(tree, 'tools/testing/selftests/net');
  const dest = path.join(dir, 'install', 'net');
  await mkdir(dest, { recursive: true });
  for (const name of await readdir(src)) {
    const from = path.join(src, name);
    if ((await stat(from)).isFile() && !/\.(c|h|o|d)$|^Makefile$|^config$/.test(name)) await copyFile(from, path.join(dest, name));
  }
  const built = path.join(obj, 'kselftest/net');
  for (const name of await readdir(built).catch(() => [] as string[])) {
    const from = path.join(built, name);
    const info = await stat(from);
    if (info.isFile() && (info.mode & 0o111) !== 0 && !name.endsWith('.o')) await copyFile(from, path.join(dest, name));
  }
  const result: NetSelftests = { installDir: path.join(final, 'install'), notBuilt, buildLog: path.join(final, 'build.log') };
  await writeFile(path.join(dir, 'installed.json'), JSON.stringify(result, null, 2));
}
