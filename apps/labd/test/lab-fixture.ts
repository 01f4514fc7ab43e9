// A real lab for the daemon's end-to-end tests: a temp home, the machine's kernel cache (Linux 6.1 from
// Debian's linux-source tarball, built once by the e2e suite), QEMU NUTs whose known-good kernel is that
// same build, and labd started as a child process whose pino lines the test reads.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createQemuNutDriver } from '@testlab/nut-drivers';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
export const labdMain = path.join(repoRoot, 'apps/labd/dist/src/main.js');
export const webMain = path.join(repoRoot, 'apps/web/dist/src/main.js');
export const kernelTarball = '/usr/src/linux-source-6.1.tar.xz';
export const cacheDir = process.env.TESTLAB_CACHE || path.join(os.homedir(), '.cache/testlab');
export const nutImage = path.join(repoRoot, 'var/nut-image/initramfs.gz');

/**
 * The newest cached build of Debian's 6.1 tarball, or undefined (then the tests skip: build it with the CLI's
 * e2e tests first). Kernels built from git (the bisection test's history: release `6.1.192+`, some with
 * v6LC.1.1.7-A broken on purpose) are never a NUT's known-good kernel.
 */
export function cachedKernel(): { bzImage: string; kernelRelease: string; kernelVersion: string } | undefined {
  const dir = path.join(cacheDir, 'kernels');
  if (!existsSync(dir) || !existsSync(kernelTarball) || !existsSync(nutImage)) return undefined;
  // Kernels built with modules are machine-nut.e2e's kexec kernels (own release suffix), not a QEMU NUT's.
  const found = readdirSync(dir)
    .map((k) => path.join(dir, k))
    .filter((d) => existsSync(path.join(d, 'bzImage')) && existsSync(path.join(d, 'meta.json')))
    .map((d) => ({ d, meta: JSON.parse(readFileSync(path.join(d, 'meta.json'), 'utf8')) as { kernelRelease: string; kernelVersion: string; sourceLabel?: string; modules?: boolean } }))
    .filter(({ meta }) => meta.modules !== true && meta.sourceLabel === path.basename(kernelTarball))
    .sort((a, b) => statSync(b.d).mtimeMs - statSync(a.d).mtimeMs)[0];
  if (found === undefined) return undefined;
  return { bzImage: path.join(found.d, 'bzImage'), kernelRelease: found.meta.kernelRelease, kernelVersion: found.meta.kernelVersion };
}

export const SMOKE_SET = 'lab-smoke';
export const SMOKE_CASES = ['v6LC.1.1.1', 'v6LC.5.1.2-A', 'v6LC.5.1.8'];
const SMOKE_YAML = `name: ${SMOKE_SET}
title: Lab smoke set (three cases of phase2-host)
mode: host
engine: builtin
links: 1
kernelConfig: phase2-host.config
sysctls:
  net.ipv6.conf.all.forwarding: "0"
cases:
${SMOKE_CASES.map((c) => `  - ${c}`).join('\n')}
`;

export interface FixtureKernel {
  extraCmdline?: string[];
}

export async function writeLabConfig(kernels: FixtureKernel[], options: { nuts?: number; graceSeconds?: number; caseDeadlineSeconds?: number } = {}): Promise<{ home: string; file: string }> {
  const kernel = cachedKernel()!;
  const home = await mkdtemp(path.join(os.tmpdir(), 'testlab-labd-'));
  // Three cases of phase2-host with its kernel fragment: the same build (from the cache), a short run.
  const testsets = path.join(home, 'testsets');
  await mkdir(testsets);
  await copyFile(path.join(repoRoot, 'testsets/phase2-host.config'), path.join(testsets, 'phase2-host.config'));
  await writeFile(path.join(testsets, `${SMOKE_SET}.yaml`), SMOKE_YAML);
  const config = {
    home, cache: cacheDir, nutImage,
    testsets: { dir: testsets, run: [SMOKE_SET] },
    queue: { leaseSeconds: 600, retryBackoffSeconds: 1, idlePollSeconds: 2 },
    watchdog: { bootDeadlineSeconds: 60, caseDeadlineSeconds: options.caseDeadlineSeconds ?? 120 },
    shutdownGraceSeconds: options.graceSeconds ?? 30,
    profiles: { qemu: { baseConfig: 'tinyconfig', labFragment: path.join(repoRoot, 'infra/kernel/qemu-nut.config') } },
    nuts: Array.from({ length: options.nuts ?? 1 }, (_, i) => ({
      name: `vm-${i + 1}`, driver: 'qemu', profile: 'qemu', modes: ['host'], memoryMiB: 128,
      knownGood: { bzImage: kernel.bzImage, kernelRelease: kernel.kernelRelease },
    })),
    kernels: kernels.map((k) => ({ version: kernel.kernelVersion, source: kernelTarball, ...(k.extraCmdline ? { extraCmdline: k.extraCmdline } : {}) })),
  };
  const file = path.join(home, 'labd.yaml');
  await writeFile(file, stringify(config));
  return { home, file };
}

export interface LogLine {
  msg: string;
  [key: string]: unknown;
}

/** labd as a child process; `lines` fills with its parsed pino output. */
export class LabdProcess {
  readonly lines: LogLine[] = [];
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private waiters: Array<() => void> = [];

  /**
   * `cancelled` is the test's signal: when the test times out, labd's last log lines are printed (the only
   * evidence of where it stood; a lab home is removed with the test) and labd is killed, so the test's own
   * clean-up runs instead of waiting forever on a labd that will never log what it waits for.
   */
  constructor(configFile: string, args: string[], cancelled: AbortSignal) {
    this.child = spawn(process.execPath, [labdMain, '--config', configFile, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    const onCancel = () => {
      process.stderr.write(`labd ${[...args, ''].join(' ')}(pid ${this.child.pid}) when the test was cancelled, last ${Math.min(this.lines.length, 60)} of ${this.lines.length} log lines:\n${this.lines.slice(-60).map((l) => JSON.stringify(l)).join('\n')}\n`);
      this.child.kill('SIGKILL');
    };
    if (cancelled.aborted) onCancel();
    else cancelled.addEventListener('abort', onCancel, { once: true });
    createInterface({ input: this.child.stdout! }).on('line', (text) => {
      try {
        this.lines.push(JSON.parse(text) as LogLine);
      } catch {
        this.lines.push({ msg: text });
      }
      for (const w of this.waiters.splice(0)) w();
    });
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => {
        cancelled.removeEventListener('abort', onCancel);
        resolve({ code, signal });
      }),
    );
  }

  /** Resolves with the first line matching, waiting for it to be logged; rejects if labd exits first. */
  async waitFor(match: (line: LogLine) => boolean, what: string): Promise<LogLine> {
    for (;;) {
      const found = this.lines.find(match);
      if (found) return found;
      const exited = await Promise.race([new Promise<false>((r) => this.waiters.push(() => r(false))), this.exited.then(() => true)]);
      if (exited && !this.lines.some(match)) throw new Error(`labd exited before logging ${what}; last lines:\n${this.lines.slice(-8).map((l) => JSON.stringify(l)).join('\n')}`);
    }
  }

  kill9(): Promise<unknown> {
    this.child.kill('SIGKILL');
    return this.exited;
  }
}

/**
 * Removes a test lab. A test that failed may have killed labd with SIGKILL, leaving its VMs running: they
 * are ended first, by their records (the same reaping labd does at start), so no QEMU outlives the test.
 */
export async function removeLab(home: string): Promise<void> {
  await createQemuNutDriver({ stateDir: path.join(home, 'nut'), baseInitramfs: nutImage }).reapStale().catch(() => undefined);
  await rm(home, { recursive: true, force: true });
}

/** The dashboard as a child process; resolves with its address once it listens. */
export function startWeb(config: string): { child: ChildProcess; address: Promise<string>; stderr: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [webMain, '--config', config, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const address = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const parsed = JSON.parse(line) as { msg?: string; address?: string };
      if (parsed.msg === 'dashboard listening' && parsed.address) resolve(parsed.address);
    });
    void exited.then((code) => reject(new Error(`the dashboard exited (${code}) before listening: ${err}`)));
  });
  // A start that is expected to fail is awaited through `exited`; the rejection is for those awaiting `address`.
  address.catch(() => undefined);
  return { child, address, stderr: () => err, exited };
}

/** Stops the dashboard and labd as an operator does (SIGTERM), waiting until both have exited. */
export async function stopLabdAndWeb(labd: LabdProcess | undefined, web: ReturnType<typeof startWeb> | undefined): Promise<void> {
  web?.child.kill('SIGTERM');
  if (labd) {
    labd.child.kill('SIGTERM');
    await labd.exited;
  }
  if (web) await web.exited;
}
