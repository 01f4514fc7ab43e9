// Real boots of a kernel in QEMU. Needs a bzImage: TESTLAB_TEST_BZIMAGE (and optionally
// TESTLAB_TEST_KERNELRELEASE, otherwise read from the bzImage's header). Skipped when unset; when set,
// a missing or broken kernel fails the tests.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { NutBootError, publicKeyBlob, silentProgress, type BootRequest } from '@testlab/core';
import { SshClient, SshHostKeyMismatchError } from '@testlab/transport/ssh';
import { buildNutImage } from '../src/nut-image.js';
import { readBzImageRelease } from '../src/qemu/bzimage.js';
import { createQemuNutDriver, type QemuNutDriver } from '../src/qemu/driver.js';
import { isAlive } from '../src/qemu/processes.js';
import { READY_MARKER } from '../src/qemu/protocol.js';
import { vmsDir } from '../src/qemu/vm-records.js';
import { ensureLabKeys } from '../src/keys.js';

const bzImage = process.env.TESTLAB_TEST_BZIMAGE;
const skip = bzImage ? false : 'TESTLAB_TEST_BZIMAGE is not set: no kernel to boot (set it to a bzImage to run these)';

/** Pids of processes whose command line mentions `text` (our console log paths are unique per test). */
async function processesMentioning(text: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(text)) pids.push(Number(entry));
  }
  return pids;
}

describe('QEMU NUT driver, real boots', { skip }, () => {
  let stateDir = '';
  let runDir = '';
  let driver: QemuNutDriver;
  let baseInitramfs = '';
  let kernel: BootRequest['kernel'];

  before(async () => {
    const release = await readBzImageRelease(bzImage!).catch((error: unknown) => {
      throw new Error(`TESTLAB_TEST_BZIMAGE=${bzImage} is not a usable bzImage: ${(error as Error).message}`, { cause: error });
    });
    kernel = { bzImage: bzImage!, kernelRelease: process.env.TESTLAB_TEST_KERNELRELEASE ?? release };
    baseInitramfs = await buildNutImage();
    stateDir = await mkdtemp(join(tmpdir(), 'testlab-nut-state-'));
    runDir = await mkdtemp(join(tmpdir(), 'testlab-nut-run-'));
    driver = createQemuNutDriver({ stateDir, baseInitramfs });
  });
  after(async () => {
    await driver?.reapStale();
    await rm(stateDir, { recursive: true, force: true });
    await rm(runDir, { recursive: true, force: true });
  });

  it('boots a router NUT with two links and its sysctls, ready within the deadline', async (t) => {
    const consoleLog = join(runDir, 'router', 'console.log');
    const started = Date.now();
    const nut = await driver.boot(
      { kernel, links: 2, sysctls: { 'net.ipv6.conf.all.forwarding': '1' }, consoleLog, deadlineMs: 60_000 },
      silentProgress,
    );
    t.diagnostic(`boot to ready: ${Date.now() - started} ms`);
    try {
      assert.equal((await nut.exec(['uname', '-r'])).stdout.trim(), kernel.kernelRelease);
      assert.equal((await nut.exec(['cat', '/proc/sys/net/ipv6/conf/all/forwarding'])).stdout, '1\n');
      // The guest keeps the TSC as its clock whatever the host's load at boot (guest-clock.ts).
      assert.match((await nut.exec(['cat', '/proc/cmdline'])).stdout, /(^| )tsc=reliable no_timer_check( |$)/);
      assert.equal((await nut.exec(['cat', '/sys/devices/system/clocksource/clocksource0/current_clocksource'])).stdout.trim(), 'tsc');
      assert.match(await readFile(consoleLog, 'utf8'), new RegExp(`^${READY_MARKER}\\r?$`, 'm'));

      assert.deepEqual(nut.links.map((l) => [l.name, l.nutMac]), [['Link0', '52:54:00:00:00:01'], ['Link1', '52:54:00:00:00:02']]);
      for (const link of nut.links) {
        const { stdout } = await nut.exec(['cat', `/sys/class/net/${link.nutIfname}/address`]);
        assert.equal(stdout.trim(), link.nutMac);
        assert.equal(link.endpoint.kind, 'udp-ethernet');
      }

      // The argv quoting holds through dropbear and the NUT's busybox shell.
      const words = ["it's", '$HOME', 'a; echo injected', '`id`', '"q"', 'back\\slash', '', '*'];
      const echoed = await nut.exec(['printf', '%s\\0', ...words]);
      assert.deepEqual(echoed.stdout.split('\0').slice(0, -1), words);
      assert.equal((await nut.exec(['sh', '-c', 'exit 7'])).code, 7);

      // Link0 carries the NUT's frames to the tester's port: ping all-nodes from the NUT's Link0 interface.
      const link0 = nut.links[0]!;
      const endpoint = link0.endpoint;
      assert.ok(endpoint.kind === 'udp-ethernet');
      const tester = createSocket('udp4');
      const frames: Buffer[] = [];
      tester.on('message', (frame) => frames.push(frame));
      await new Promise<void>((resolve) => tester.bind(endpoint.testerPort, '127.0.0.1', resolve));
      try {
        for (let i = 0; i < 20 && !frames.some((f) => f.readUInt16BE(12) === 0x86dd); i++) {
          await nut.exec(['ping', '-6', '-c', '1', '-W', '1', '-I', link0.nutIfname, 'ff02::1']);
          await sleep(100);
        }
        const ipv6 = frames.find((f) => f.readUInt16BE(12) === 0x86dd);
        assert.ok(ipv6, 'an IPv6 frame from the NUT on Link0');
        assert.equal(ipv6.subarray(6, 12).toString('hex').match(/../g)!.join(':'), link0.nutMac); // source MAC
      } finally {
        tester.close();
      }

      // reapStale leaves this process's running NUT alone.
      assert.equal(await driver.reapStale(), 0);
      assert.equal((await nut.exec(['true'])).code, 0);

      // The SSH client refuses the NUT when pinned to another key.
      const keys = await ensureLabKeys(stateDir);
      const wrongPin = publicKeyBlob('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIWInGMJ5cpdFNjzsUQNl3KKkFUgVU0DGTocLzvd7fPM x');
      const stranger = new SshClient({ host: '127.0.0.1', port: nut.sshPort, username: 'root', privateKey: keys.clientPrivateKey, hostKey: wrongPin });
      await assert.rejects(stranger.exec(['true']), SshHostKeyMismatchError);
      stranger.close();
    } finally {
      const pid = nut.pid;
      await nut.shutdown();
      await nut.shutdown(); // safe twice
      assert.deepEqual(await processesMentioning(consoleLog), []);
      assert.ok(!(await readdir(vmsDir(stateDir))).some((f) => f.startsWith(nut.id)), 'VM files removed');
      assert.equal(isAlive({ pid, startTime: '' }), false);
    }
  });

  it('fails with NutBootError naming the kernel panic when no init can run, and leaves no QEMU', async () => {
    // With an initramfs, `init=` alone is ignored (the archive's /init runs); `rdinit=` names the
    // initramfs's init. Both missing: "Kernel panic - not syncing: Requested init /nonexistent failed".
    const consoleLog = join(runDir, 'panic', 'console.log');
    const request: BootRequest = { kernel, links: 1, extraCmdline: ['rdinit=/nonexistent', 'init=/nonexistent'], consoleLog, deadlineMs: 30_000 };
    await assert.rejects(driver.boot(request, silentProgress), (error: unknown) => {
      assert.ok(error instanceof NutBootError, String(error));
      assert.match(error.message, /kernel panic seen on the console/);
      assert.match(error.message, /no ready marker/);
      assert.ok(error.message.includes(consoleLog));
      assert.equal(error.consoleLog, consoleLog);
      return true;
    });
    assert.deepEqual(await processesMentioning(consoleLog), []);
    assert.deepEqual(await readdir(vmsDir(stateDir)), []);
  });

  it('fails with NutBootError naming the missing ready marker when /init never reports', async () => {
    // rdinit= only: the kernel falls back to /sbin/init (busybox init), which never prints the marker.
    const consoleLog = join(runDir, 'nomarker', 'console.log');
    const request: BootRequest = { kernel, links: 1, extraCmdline: ['rdinit=/nonexistent'], consoleLog, deadlineMs: 6_000 };
    await assert.rejects(driver.boot(request, silentProgress), (error: unknown) => {
      assert.ok(error instanceof NutBootError, String(error));
      assert.match(error.message, /no ready marker TESTLAB-NUT-READY on the console within 6\.0 s/);
      return true;
    });
    assert.deepEqual(await processesMentioning(consoleLog), []);
  });

  it("fails at once with /init's reason when a sysctl cannot be applied", async () => {
    const consoleLog = join(runDir, 'sysctl', 'console.log');
    const request: BootRequest = { kernel, links: 1, sysctls: { 'net.ipv6.conf.nosuch0.forwarding': '1' }, consoleLog };
    await assert.rejects(driver.boot(request, silentProgress), /\/init failed: TESTLAB-NUT-ERROR: sysctl net\.ipv6\.conf\.nosuch0\.forwarding does not exist/);
    assert.deepEqual(await processesMentioning(consoleLog), []);
  });

  it('fails clearly on a wrong expected kernel release', async () => {
    const consoleLog = join(runDir, 'uname', 'console.log');
    const request: BootRequest = { kernel: { ...kernel, kernelRelease: '0.0.0-not-this' }, links: 0, consoleLog };
    await assert.rejects(driver.boot(request, silentProgress), new RegExp(`uname -r mismatch: expected 0\\.0\\.0-not-this, got ${kernel.kernelRelease.replaceAll('.', '\\.')}`));
    assert.deepEqual(await processesMentioning(consoleLog), []);
  });

  it('rejects a bad request before starting QEMU', async () => {
    const consoleLog = join(runDir, 'bad', 'console.log');
    await assert.rejects(driver.boot({ kernel, links: 1, extraCmdline: ['a b'], consoleLog }, silentProgress), /invalid boot request/);
    await assert.rejects(driver.boot({ kernel, links: 1, sysctls: { 'net/../x': '1' }, consoleLog }, silentProgress), NutBootError);
    await assert.rejects(driver.boot({ kernel: { ...kernel, bzImage: baseInitramfs }, links: 1, consoleLog }, silentProgress), /not a bzImage/);
  });

  it('fails with NutBootError when QEMU cannot be started at all', async () => {
    const broken = createQemuNutDriver({ stateDir, baseInitramfs, qemuBinary: '/nonexistent/qemu-system-x86_64' });
    const consoleLog = join(runDir, 'noqemu', 'console.log');
    await assert.rejects(broken.boot({ kernel, links: 1, consoleLog }, silentProgress), (error: unknown) => {
      assert.ok(error instanceof NutBootError);
      assert.match(error.message, /did not start.*ENOENT/s);
      return true;
    });
    assert.deepEqual(await readdir(vmsDir(stateDir)), []);
  });

  it('reapStale ends a VM whose lab process died', async () => {
    // A separate lab process boots a NUT, reports its QEMU pid and is then killed without any cleanup.
    const consoleLog = join(runDir, 'orphan', 'console.log');
    const driverUrl = new URL('../src/qemu/driver.js', import.meta.url).href;
    const code = `
      import { createQemuNutDriver } from ${JSON.stringify(driverUrl)};
      const driver = createQemuNutDriver(${JSON.stringify({ stateDir, baseInitramfs })});
      const nut = await driver.boot(${JSON.stringify({ kernel, links: 1, consoleLog })}, { step() {}, fraction() {} });
      console.log(JSON.stringify({ pid: nut.pid }));
      setInterval(() => {}, 1000);`;
    const child = execFile(process.execPath, ['--input-type=module', '-e', code]);
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk: string) => {
        out += chunk;
        if (out.includes('\n')) resolve(out.split('\n')[0]!);
      });
      child.on('exit', (status) => reject(new Error(`lab child exited (${status}) before its NUT was ready`)));
    });
    const { pid } = JSON.parse(line) as { pid: number };
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    assert.deepEqual(await processesMentioning(consoleLog), [pid], 'QEMU outlived its lab process');

    assert.equal(await driver.reapStale(), 1);
    for (let i = 0; i < 50 && (await processesMentioning(consoleLog)).length > 0; i++) await sleep(100); // zombie reaped by init
    assert.deepEqual(await processesMentioning(consoleLog), []);
    assert.deepEqual(await readdir(vmsDir(stateDir)), []);
    assert.equal(await driver.reapStale(), 0);
  });
});
