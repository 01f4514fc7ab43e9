// End to end with nothing mocked: Debian's Linux 6.1 source is built (cached after the first time),
// booted on a QEMU NUT, and tested with real frames; the results, pcaps and failures are read back
// through the CLI. About 5 minutes cold on 2 cores, under a minute once the kernel is cached.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { cp, mkdtemp, writeFile, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../src/lab-paths.js';

const run = promisify(execFile);
const cli = path.join(repoRoot, 'apps/cli/dist/src/main.js');
const debianSource = '/usr/src/linux-source-6.1.tar.xz';

// One lab home for the whole file: the lab must stay usable after each failure. The kernel cache is the
// machine's shared one, so repeated test runs reuse the built kernel.
const home = await mkdtemp(path.join(tmpdir(), 'testlab-e2e-'));
const env = { ...process.env, TESTLAB_HOME: home };

async function testlab(args: string[], extraEnv: Record<string, string> = {}) {
  try {
    const r = await run(process.execPath, [cli, ...args], { env: { ...env, ...extraEnv }, maxBuffer: 64 << 20 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

interface ShownRun {
  run: { id: number; status: string; failedStage: string | null; error: string | null; kernelVersion: string | null };
  stages: Array<{ stage: string; status: string; logPath: string | null }>;
  results: Array<{ caseId: string; verdict: string; reason: string; pcaps: string[] }>;
  artifacts: Array<{ kind: string; path: string }>;
}

async function lastRun(): Promise<ShownRun> {
  const list = JSON.parse((await testlab(['runs', '--json'])).stdout) as Array<{ id: number }>;
  const shown = await testlab(['show', String(list[0]!.id), '--json']);
  assert.equal(shown.code, 0, shown.stderr);
  return JSON.parse(shown.stdout) as ShownRun;
}

test('a tarball that is not a kernel fails at unpack, stored with the cause', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'notkernel-'));
  await writeFile(path.join(dir, 'README'), 'not a kernel\n');
  const tarball = path.join(dir, 'not-a-kernel.tar.gz');
  execFileSync('tar', ['-czf', tarball, '-C', dir, 'README']);
  const r = await testlab(['run', '--source', tarball, '--testset', 'phase2-host']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /failed at stage unpack: .*not a Linux kernel tree/);
  const shown = await lastRun();
  assert.equal(shown.run.status, 'failed');
  assert.equal(shown.run.failedStage, 'unpack');
});

test('a config option that cannot be set fails at configure, naming it', async () => {
  const testsets = await mkdtemp(path.join(tmpdir(), 'testsets-'));
  await cp(path.join(repoRoot, 'testsets'), testsets, { recursive: true });
  const fragment = path.join(testsets, 'phase2-host.config');
  await writeFile(fragment, `${await readFile(fragment, 'utf8')}CONFIG_TESTLAB_NO_SUCH_OPTION=y\n`);
  const r = await testlab(['run', '--source', debianSource, '--testset', 'phase2-host'], { TESTLAB_TESTSETS: testsets });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /failed at stage configure: .*CONFIG_TESTLAB_NO_SUCH_OPTION/);
  assert.equal((await lastRun()).run.failedStage, 'configure');
});

test('phase2-host on Linux 6.1: every case judged, echo passes, pcaps readable by tcpdump', { timeout: 30 * 60_000 }, async () => {
  const r = await testlab(['run', '--source', debianSource, '--testset', 'phase2-host']);
  assert.equal(r.code, 0, `${r.stderr}\n${r.stdout}`);
  assert.match(r.stderr, /\[build\] (done|cached)/);
  assert.match(r.stdout, /v6LC\.5\.1\.2-A/);
  const shown = await lastRun();
  assert.equal(shown.run.status, 'done');
  assert.match(shown.run.kernelVersion ?? '', /^6\.1\.\d+$/);
  const testset = (await readFile(path.join(repoRoot, 'testsets/phase2-host.yaml'), 'utf8')).match(/^ {2}- (v6LC\S+)/gm)!.map((l) => l.trim().slice(2));
  assert.deepEqual(shown.results.map((x) => x.caseId), testset);
  for (const result of shown.results) {
    assert.ok(['PASS', 'FAIL', 'WARN', 'NA'].includes(result.verdict), `${result.caseId}: ${result.verdict} ${result.reason}`);
  }
  const echo = shown.results.find((x) => x.caseId === 'v6LC.5.1.2-A')!;
  assert.equal(echo.verdict, 'PASS', echo.reason);
  for (const result of shown.results) {
    assert.ok(result.pcaps.length > 0, `${result.caseId} has no pcap`);
    for (const pcap of result.pcaps) {
      const text = execFileSync('tcpdump', ['-nn', '-r', pcap], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      assert.match(text, /IP6/, `${pcap} holds no IPv6 frame`);
    }
  }
  assert.match(execFileSync('tcpdump', ['-nn', '-r', echo.pcaps[0]!], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }), /ICMP6, echo reply/);
  for (const kind of ['bzImage', 'config', 'build-log', 'console-log']) {
    const a = shown.artifacts.find((x) => x.kind === kind);
    assert.ok(a && existsSync(a.path), `artifact ${kind} kept`);
  }
  const table = await testlab(['show', String(shown.run.id)]);
  assert.match(table.stdout, /CASE\s+VERDICT/);
});

/** The shipped test sets in a temp folder, phase2-host cut down to `cases` (the kernel stays the cached one). */
async function phase2HostWith(cases: string[]): Promise<string> {
  const testsets = await mkdtemp(path.join(tmpdir(), 'testsets-'));
  await cp(path.join(repoRoot, 'testsets'), testsets, { recursive: true });
  const file = path.join(testsets, 'phase2-host.yaml');
  const kept = (await readFile(file, 'utf8')).split('\n').filter((l) => !/^ {2}- v6LC\S+/.test(l) || cases.includes(l.trim().slice(2).split(/\s/)[0]!));
  await writeFile(file, kept.join('\n'));
  return testsets;
}

// The two echo cases only: the whole set is the test above; this one shows a misbehaving NUT FAILs.
test('a NUT made to ignore multicast echo fails the all-nodes case with the reason', async () => {
  const testsets = await phase2HostWith(['v6LC.5.1.2-A', 'v6LC.5.1.2-C']);
  const r = await testlab(['run', '--source', debianSource, '--testset', 'phase2-host', '--sysctl', 'net.ipv6.icmp.echo_ignore_multicast=1'], { TESTLAB_TESTSETS: testsets });
  assert.equal(r.code, 0, r.stderr);
  const shown = await lastRun();
  assert.deepEqual(shown.results.map((x) => x.caseId), ['v6LC.5.1.2-A', 'v6LC.5.1.2-C']);
  const multicast = shown.results.find((x) => x.caseId === 'v6LC.5.1.2-C')!;
  assert.equal(multicast.verdict, 'FAIL');
  assert.match(multicast.reason, /expected .*Echo Reply.*; seen .*\(RFC 4443/);
  assert.equal(shown.results.find((x) => x.caseId === 'v6LC.5.1.2-A')!.verdict, 'PASS');
});

// The NUT boots from an initramfs, where the kernel starts `rdinit` (default /init), not `init`: so the
// lab's equivalent of `init=/nonexistent` is `rdinit=/nonexistent`.
test('a NUT that never gets ready fails at boot with its console log, and the lab stays usable', async () => {
  const r = await testlab(['run', '--source', debianSource, '--testset', 'phase2-host', '--cmdline', 'rdinit=/nonexistent', '--boot-deadline', '20']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /failed at stage boot: .*no ready marker TESTLAB-NUT-READY on the console within 20\.0 s/);
  const shown = await lastRun();
  assert.equal(shown.run.failedStage, 'boot');
  const consoleLog = shown.artifacts.find((a) => a.kind === 'console-log');
  assert.ok(consoleLog, 'console log kept');
  // The kernel found no /nonexistent and fell back to busybox's /sbin/init, which never starts the lab's
  // SSH server nor prints the marker: the console log shows that.
  assert.match(await readFile(consoleLog.path, 'utf8'), /rcS|console/);
  const ps = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
  assert.ok(!ps.split('\n').some((l) => l.includes('qemu-system') && l.includes(home)), 'no VM left behind');
  const list = await testlab(['runs']);
  assert.equal(list.code, 0);
  assert.match(list.stdout, /failed \(boot\)/);
});
