// The SSH machine driver against a real "machine": a QEMU NUT reached only over SSH (pinned host key),
// as the lab would reach a box in a rack. Needs TESTLAB_TEST_BZIMAGE like the QEMU boot tests.
// Tested here: reach before install, copy with checksum, install command, the `command` one-time boot
// (arming only, and a `reboot` that never comes back),
// uname -r check, known-good check, wrong host key, unreachable machine, a reboot that never comes back.
// kexec, modules, reboot and a power cycle (QMP) are shown in apps/labd/test/machine-nut.e2e.test.ts on a
// machine-like VM with kexec-tools; grub-reboot is not exercised (no GRUB in a -kernel boot).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { NutBootError, silentProgress } from '@testlab/core';
import { buildNutImage } from '../src/nut-image.js';
import { readBzImageRelease } from '../src/qemu/bzimage.js';
import { createQemuNutDriver, type QemuNutDriver } from '../src/qemu/driver.js';
import type { QemuBootedNut } from '../src/qemu/booted-nut.js';
import { ensureLabKeys, type LabKeys } from '../src/keys.js';
import { kexecLoad, SshMachineDriver, type SshMachineOptions } from '../src/ssh/machine-driver.js';
import { expandArgv } from '../src/ssh/placeholders.js';

const bzImage = process.env.TESTLAB_TEST_BZIMAGE;
const skip = bzImage ? false : 'TESTLAB_TEST_BZIMAGE is not set: no kernel to boot';

describe('kexec load command', () => {
  it('reuses the command line and passes every extra word in one --append', () => {
    assert.deepEqual(kexecLoad('/boot/vmlinuz-6.1.0', [], []), ['kexec', '-l', '/boot/vmlinuz-6.1.0', '--reuse-cmdline']);
    assert.deepEqual(kexecLoad('/boot/k', ['a=1', 'b'], ['--initrd', '/boot/i']), ['kexec', '-l', '/boot/k', '--reuse-cmdline', '--append=a=1 b', '--initrd', '/boot/i']);
    assert.throws(() => kexecLoad('/boot/k', ['a b'], []), /not allowed/);
    assert.throws(() => kexecLoad('/boot/k', ['x;reboot'], []), /not allowed/);
  });
});

describe('placeholders in operator commands', () => {
  it('replaces placeholders alone or inside a word, each word staying one argument, and refuses unknown ones', () => {
    assert.deepEqual(expandArgv(['install', '{bzImage}', '--release', '{release}'], { bzImage: '/b/vm linuz', release: '6.1.0' }), ['install', '/b/vm linuz', '--release', '6.1.0']);
    assert.deepEqual(expandArgv(['grub-reboot', 'testlab-{release}', '--kernel={bzImage}'], { release: '6.1.0', bzImage: '/b/k;reboot' }), ['grub-reboot', 'testlab-6.1.0', '--kernel=/b/k;reboot']);
    assert.throws(() => expandArgv(['x', '--{constructor}'], { bzImage: 'b' }), /unknown placeholder \{constructor\}/);
    assert.throws(() => expandArgv(['{nope}'], { bzImage: 'b' }), /unknown placeholder \{nope\}/);
    assert.throws(() => expandArgv([], {}), /empty command/);
  });
});

describe('SSH machine NUT driver against a QEMU NUT reached over SSH', { skip }, () => {
  let stateDir = '';
  let runDir = '';
  let qemu: QemuNutDriver;
  let machine: QemuBootedNut;
  let keys: LabKeys;
  let release = '';
  const options = (over: Partial<SshMachineOptions> = {}): SshMachineOptions => ({
    name: 'box-1',
    target: { host: '127.0.0.1', port: machine.sshPort, username: 'root', privateKey: keys.clientPrivateKey, hostKey: keys.hostKeyBlob },
    remoteDir: '/tmp/testlab',
    installCommand: ['sh', '-c', 'mkdir -p /boot && cp "$1" /boot/ && echo "$2" > /boot/testlab-installed', 'install', '{bzImage}', '{release}'],
    oneTimeBoot: { method: 'command', command: ['sh', '-c', 'echo "one-time boot of $1 armed" > /tmp/armed', 'arm', '{release}'], reboots: false },
    knownGoodRelease: release,
    reachTimeoutMs: 3_000,
    retryPauseMs: 200,
    ...over,
  });

  before(async () => {
    release = process.env.TESTLAB_TEST_KERNELRELEASE ?? (await readBzImageRelease(bzImage!));
    stateDir = await mkdtemp(join(tmpdir(), 'testlab-ssh-state-'));
    runDir = await mkdtemp(join(tmpdir(), 'testlab-ssh-run-'));
    qemu = createQemuNutDriver({ stateDir, baseInitramfs: await buildNutImage(), memoryMiB: 128 });
    keys = await ensureLabKeys(stateDir);
    machine = await qemu.boot({ kernel: { bzImage: bzImage!, kernelRelease: release }, links: 0, consoleLog: join(runDir, 'machine-console.log') }, silentProgress);
  });
  after(async () => {
    await machine?.shutdown();
    await qemu?.reapStale();
    await rm(stateDir, { recursive: true, force: true });
    await rm(runDir, { recursive: true, force: true });
  });

  it('copies the kernel with its checksum checked, installs it, arms the boot and checks uname -r', async () => {
    const driver = new SshMachineDriver(options());
    const consoleLog = join(runDir, 'run-1', 'console.log');
    const nut = await driver.boot({ kernel: { bzImage: bzImage!, kernelRelease: release }, links: 0, consoleLog }, silentProgress);
    assert.equal(nut.kernelRelease, release);
    const local = createHash('sha256').update(await readFile(bzImage!)).digest('hex');
    const remote = await nut.exec(['sha256sum', `/boot/vmlinuz-${release}`]);
    assert.equal(remote.stdout.split(/\s+/)[0], local, 'the installed kernel is the one we sent');
    assert.equal((await nut.exec(['cat', '/boot/testlab-installed'])).stdout.trim(), release);
    assert.equal((await nut.exec(['cat', '/tmp/armed'])).stdout.trim(), `one-time boot of ${release} armed`);
    const log = await readFile(consoleLog, 'utf8');
    assert.match(log, /install command exit 0/);
    assert.match(log, new RegExp(`uname -r: ${release.replaceAll('.', '\\.')}`));
    await nut.shutdown();
    const back = await driver.restoreKnownGood(silentProgress);
    assert.equal(back.release, release);
  });

  it('a failing install command is the lab failing before the kernel ran', async () => {
    const driver = new SshMachineDriver(options({ installCommand: ['sh', '-c', 'echo "no space on /boot" >&2; exit 3'] }));
    await assert.rejects(
      driver.boot({ kernel: { bzImage: bzImage!, kernelRelease: release }, links: 0, consoleLog: join(runDir, 'run-2', 'console.log') }, silentProgress),
      (e: unknown) => e instanceof NutBootError && /unreachable before install: the install command failed \(exit 3\): no space on \/boot/.test(e.message),
    );
  });

  it('a machine showing another host key is refused before anything is copied', async () => {
    const wrong = Buffer.from(keys.hostKeyBlob);
    wrong[wrong.length - 1] = wrong[wrong.length - 1]! ^ 0xff;
    const driver = new SshMachineDriver(options({ target: { ...options().target, hostKey: wrong } }));
    await assert.rejects(
      driver.boot({ kernel: { bzImage: bzImage!, kernelRelease: release }, links: 0, consoleLog: join(runDir, 'run-3', 'console.log') }, silentProgress),
      (e: unknown) => e instanceof NutBootError && /unreachable before install: SSH server 127\.0\.0\.1:\d+ presented host key SHA256:.*expected SHA256:.*refused/.test(e.message),
    );
  });

  it('an unreachable machine fails as unreachable before install', async () => {
    const driver = new SshMachineDriver(options({ target: { ...options().target, port: 1 } }));
    await assert.rejects(
      driver.boot({ kernel: { bzImage: bzImage!, kernelRelease: release }, links: 0, consoleLog: join(runDir, 'run-4', 'console.log') }, silentProgress),
      (e: unknown) => e instanceof NutBootError && /unreachable before install: SSH to 127\.0\.0\.1:1 did not answer/.test(e.message),
    );
    await assert.rejects(driver.restoreKnownGood(silentProgress), /has no power-cycle command/);
  });

  it('a reboot that never comes back is a boot failure, and without power control the machine stays out of service', async () => {
    // The QEMU "machine" runs with -no-reboot: `reboot -f` ends it for good, as a machine hung in firmware would be.
    const driver = new SshMachineDriver(options({ oneTimeBoot: { method: 'command', command: ['reboot', '-f'] }, goDownTimeoutMs: 10_000 }));
    await assert.rejects(
      driver.boot({ kernel: { bzImage: bzImage!, kernelRelease: release }, links: 0, consoleLog: join(runDir, 'run-5', 'console.log'), deadlineMs: 4_000 }, silentProgress),
      (e: unknown) => e instanceof NutBootError && /boot failure: SSH did not come back within the boot deadline/.test(e.message),
    );
    await assert.rejects(driver.restoreKnownGood(silentProgress), /not back on .* and has no power-cycle command/);
  });
});
