// Builds the net selftests of the kernel tree under test into a folder of our own (the tree is shared and
// read-only to us): `make O=<out> headers`, then the selftests with O=<out>. kselftest's `install` stops at
// the first program that cannot be built (reuseport_bpf_numa needs libnuma), so the lab builds with -k
// and installs what it has: every script and data file of net/ and every program that did build.
import { copyFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
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
  const { tree, outDir, progress } = options;
  const obj = path.join(outDir, 'obj');
  const installDir = path.join(outDir, 'install');
  const buildLog = path.join(outDir, 'build.log');
  const stampFile = path.join(outDir, 'installed.json');
  const existing = await readFile(stampFile, 'utf8').then((t) => JSON.parse(t) as NetSelftests).catch(() => undefined);
  if (existing) {
    progress.step(`net selftests already built in ${outDir}`);
    return existing;
  }
  await mkdir(obj, { recursive: true });
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
  const jobs = `-j${options.jobs ?? 2}`;
  if ((await make(['-C', tree, `O=${obj}`, 'headers'], 'make headers (uapi headers for the selftests)')) !== 0) {
    log.end();
    throw new Error(`make headers failed in ${tree}; see ${buildLog}`);
  }
  await make(['-k', jobs, '-C', path.join(tree, 'tools/testing/selftests'), 'TARGETS=net', `O=${obj}`, 'all'], 'make TARGETS=net (selftest programs)');
  await new Promise((r) => log.end(r));
  const logText = await readFile(buildLog, 'utf8');
  const notBuilt = [...new Set([...logText.matchAll(/\*\*\* \[[^\]]*\] Error \d+/g)].map((m) => m[0]).flatMap((line) => {
    const target = /\[(?:[^:\]]*:\d+: )?([^\]]+)\]/.exec(line)?.[1] ?? '';
    return target.includes('/kselftest/net/') ? [path.basename(target)] : [];
  }))].sort();
  // Install: net/'s own files (scripts, settings, data), then the built programs over them.
  const src = path.join(tree, 'tools/testing/selftests/net');
  const dest = path.join(installDir, 'net');
  await rm(installDir, { recursive: true, force: true });
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
  const result: NetSelftests = { installDir, notBuilt, buildLog };
  await writeFile(stampFile, JSON.stringify(result, null, 2));
  return result;
}
