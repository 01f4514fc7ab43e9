// The SSH machine NUT driver against a machine, end to end: the "machine" is a QEMU VM that behaves like one
// (QemuNutDriverOptions.machineLike: a reboot restarts it on its default, known-good kernel; a QMP socket is
// its BMC), running the Debian root file system with kexec-tools, reached only over SSH with a pinned host
// key. Two real kernels are built from Debian's Linux 6.1 with modules (infra/kernel/machine-nut.config):
// the machine's known-good one and the one under test, told apart by their release suffix.
// Shown here: kernel and modules copied and checked, the operator's install command (an initramfs remade
// with the modules), one-time boot by kexec with extra command-line words, uname -r, a module loaded on
// the new kernel; back to known-good by reboot; back to known-good by a power cycle when the kernel under
// test hangs (CPUs frozen); {modules} refused for a kernel without modules. Then the same with GRUB: a VM
// booting from a disk (infra/qemu/grub-disk.sh) whose install command adds a GRUB entry, `grub-reboot`
// arming it once, and a plain reboot landing on the default (known-good) entry again.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createKernelBuilder } from '@testlab/builder';
import { NutBootError, silentProgress, type BuiltKernel, type KernelImage } from '@testlab/core';
import { kernelSourceFrom } from '@testlab/kernel-sources';
import { execa } from 'execa';
import { createQemuNutDriver, ensureLabKeys, powerControl, READY_MARKER, SshMachineDriver, uploadFile, type QemuBootedNut, type SshMachineOptions } from '@testlab/nut-drivers';
import { cacheDir, kernelTarball, repoRoot } from './lab-fixture.js';

const rootfsImage = process.env.TESTLAB_NUT_ROOTFS ?? path.join(cacheDir, 'nut-rootfs', 'rootfs.cpio.gz');
const skip = !existsSync(kernelTarball) ? `${kernelTarball} is missing` : !existsSync(rootfsImage) ? `${rootfsImage} is missing (infra/nut-rootfs/build.sh)` : false;
const fragmentFile = (name: string) => readFile(path.join(repoRoot, 'infra/kernel', name), 'utf8');

// What an operator would write for a machine booting from an initramfs: unpack the modules (kept where
// the running system has them too), append them to the machine's own initramfs for the next boot.
const INSTALL_SCRIPT = `set -eu
release=$1 modules=$2
rm -rf /tmp/tl-modules && mkdir -p /tmp/tl-modules/usr
tar -xzf "$modules" -C /tmp/tl-modules
mv /tmp/tl-modules/lib /tmp/tl-modules/usr/lib
(cd /tmp/tl-modules && find usr | cpio -o -H newc --quiet) | gzip -1 > /tmp/tl-modules.cpio.gz
cat /boot/initrd.img /tmp/tl-modules.cpio.gz > /boot/testlab-next.initrd
tar --keep-directory-symlink -xzf "$modules" -C /
test -f "/lib/modules/$release/modules.dep"`;

async function buildMachineKernel(suffix: string): Promise<BuiltKernel> {
  const builder = createKernelBuilder({ cacheDir });
  return builder.build(
    {
      source: kernelSourceFrom(kernelTarball),
      baseConfig: 'tinyconfig',
      fragments: [
        { origin: 'infra/kernel/qemu-nut.config', text: await fragmentFile('qemu-nut.config') },
        { origin: 'infra/kernel/machine-nut.config', text: await fragmentFile('machine-nut.config') },
        { origin: `machine-nut.e2e ${suffix}`, text: `CONFIG_LOCALVERSION="${suffix}"\n` },
      ],
    },
    { stageStarted: () => silentProgress, stageFinished: () => undefined },
  );
}

/** A Progress that keeps its steps, to show which way the driver went. */
const recording = () => {
  const steps: string[] = [];
  return { steps, progress: { step: (s: string) => void steps.push(s), fraction: () => undefined } };
};

const image = (k: BuiltKernel): KernelImage => ({ bzImage: k.artifacts.bzImage, kernelRelease: k.kernelRelease, ...(k.artifacts.modules ? { modules: k.artifacts.modules } : {}) });

/** Both kernels, built once per file (cold: a full build with modules, then one that differs in its release only). */
let kernelsOnce: Promise<{ good: BuiltKernel; underTest: BuiltKernel }> | undefined;
const machineKernels = () =>
  (kernelsOnce ??= (async () => ({ good: await buildMachineKernel('-tl-good'), underTest: await buildMachineKernel('-tl-test') }))());

/** A state folder (keys, VM records, disk) and a folder for console logs, removed by `remove`. */
async function machineDirs(prefix: string) {
  const stateDir = await mkdtemp(path.join(os.tmpdir(), `${prefix}-`));
  const runDir = await mkdtemp(path.join(os.tmpdir(), `${prefix}-run-`));
  return { stateDir, runDir, remove: () => Promise.all([stateDir, runDir].map((d) => rm(d, { recursive: true, force: true }))) };
}

/** What both machines share: SSH with the VM's pinned host key, busybox's reboot, QMP as the power switch. */
async function machineOptions(
  machine: QemuBootedNut,
  stateDir: string,
  good: BuiltKernel,
  own: Pick<SshMachineOptions, 'name' | 'remoteDir' | 'installCommand' | 'oneTimeBoot'>,
): Promise<SshMachineOptions> {
  const keys = await ensureLabKeys(stateDir);
  return {
    ...own,
    target: { host: '127.0.0.1', port: machine.sshPort, username: 'root', privateKey: keys.clientPrivateKey, hostKey: keys.hostKeyBlob },
    knownGoodRelease: good.kernelRelease,
    rebootCommand: ['busybox', 'reboot', '-f'],
    powerCycleCommand: [process.execPath, path.join(repoRoot, 'infra/qemu/power.mjs'), machine.qmpSocket!, 'cycle'],
    rebootDeadlineMs: 180_000,
    goDownTimeoutMs: 30_000,
    reachTimeoutMs: 5_000,
    retryPauseMs: 500,
  };
}

describe('SSH machine NUT: kexec, modules, reboot and power cycle on a machine-like VM', { skip, timeout: 3_600_000 }, () => {
  let good: BuiltKernel;
  let underTest: BuiltKernel;
  let machine: QemuBootedNut;
  let dirs: Awaited<ReturnType<typeof machineDirs>> | undefined;
  let runDir = '';
  let options: SshMachineOptions;

  before(async () => {
    ({ good, underTest } = await machineKernels());
    dirs = await machineDirs('tl-machine');
    const { stateDir } = dirs;
    runDir = dirs.runDir;
    const qemu = createQemuNutDriver({ stateDir, baseInitramfs: rootfsImage, memoryMiB: 1024, machineLike: true });
    machine = await qemu.boot({ kernel: image(good), links: 0, consoleLog: path.join(runDir, 'machine-console.log'), deadlineMs: 120_000 }, silentProgress);
    options = await machineOptions(machine, stateDir, good, {
      name: 'box-kexec',
      remoteDir: '/boot',
      installCommand: ['sh', '-c', INSTALL_SCRIPT, 'install', '{release}', '{modules}'],
      oneTimeBoot: { method: 'kexec', extraArgs: ['--initrd', '/boot/testlab-next.initrd'] },
    });
  });
  after(async () => {
    await machine?.shutdown();
    await dirs?.remove();
  });

  it('builds both kernels with their modules packed', () => {
    assert.notEqual(good.kernelRelease, underTest.kernelRelease);
    assert.match(underTest.kernelRelease, /-tl-test$/);
    assert.ok(underTest.artifacts.modules?.endsWith('modules.tar.gz'), 'the kernel with CONFIG_MODULES=y has a modules tarball');
  });

  // A machine has its initramfs on its disk. This one's root is in RAM, so every boot of its known-good
  // kernel starts without it: put back the one it booted, as its install script expects.
  const prepareDisk = () => uploadFile(options.target, machine.initrd, '/boot/initrd.img');

  it('copies the kernel and its modules, kexecs into it with extra words, and its module loads', async () => {
    await prepareDisk();
    const driver = new SshMachineDriver(options);
    const consoleLog = path.join(runDir, 'kexec-1', 'console.log');
    const started = Date.now();
    const nut = await driver.boot({ kernel: image(underTest), links: 0, extraCmdline: ['testlab.boot=kexec-1'], consoleLog }, silentProgress);
    const bootMs = Date.now() - started;
    try {
      assert.equal(nut.kernelRelease, underTest.kernelRelease);
      assert.equal((await nut.exec(['uname', '-r'])).stdout.trim(), underTest.kernelRelease);
      assert.match((await nut.exec(['cat', '/proc/cmdline'])).stdout.trim(), /(^| )testlab\.boot=kexec-1( |$)/, 'the extra word reached the new kernel');
      const modprobe = await nut.exec(['modprobe', 'dummy']);
      assert.equal(modprobe.code, 0, `modprobe dummy: ${modprobe.stderr}`);
      assert.match((await nut.exec(['cat', '/proc/modules'])).stdout, /^dummy /m);
      const link = await nut.exec(['ip', 'link', 'add', 'tl0', 'type', 'dummy']);
      assert.equal(link.code, 0, link.stderr);
      const log = await readFile(consoleLog, 'utf8');
      assert.match(log, new RegExp(`copied /boot/modules-${underTest.kernelRelease.replaceAll('.', '\\.')}\\.tar\\.gz \\(sha256 [0-9a-f]{64}\\)`));
      assert.match(log, /kexec -e: connection dropped/);
      console.log(`# kexec boot of ${underTest.kernelRelease} (copy, install, kexec, SSH back): ${(bootMs / 1000).toFixed(1)} s`);
    } finally {
      await nut.shutdown();
    }
  });

  it('reboots back into the known-good kernel', async () => {
    const driver = new SshMachineDriver(options);
    const { steps, progress } = recording();
    const back = await driver.restoreKnownGood(progress);
    assert.equal(back.release, good.kernelRelease);
    assert.ok(steps.some((s) => /rebooting into the known-good/.test(s)), steps.join('\n'));
    assert.ok(!steps.some((s) => /power-cycling/.test(s)), 'a reboot was enough');
    // The reboot really happened: the lab's /init announced itself three times on the machine's console.
    const consoleText = await readFile(machine.consoleLog, 'utf8');
    assert.equal(consoleText.split(READY_MARKER).length - 1, 3, 'three boots on the console: known-good, kexec, known-good again');
    console.log(`# back on ${back.release} by reboot: ${(back.ms / 1000).toFixed(1)} s`);
  });

  it('power-cycles a machine whose kernel under test hangs, back into the known-good kernel', async () => {
    await prepareDisk();
    const driver = new SshMachineDriver(options);
    const nut = await driver.boot({ kernel: image(underTest), links: 0, consoleLog: path.join(runDir, 'kexec-2', 'console.log') }, silentProgress);
    assert.equal(nut.kernelRelease, underTest.kernelRelease);
    await nut.shutdown();
    // A hard hang: the CPUs stop, SSH goes silent; only the BMC (here QMP) can bring the machine back.
    await powerControl(machine.qmpSocket!, 'freeze');
    const { steps, progress } = recording();
    const back = await driver.restoreKnownGood(progress);
    assert.equal(back.release, good.kernelRelease);
    assert.ok(steps.some((s) => /power-cycling/.test(s)), `back by a power cycle: ${steps.join('; ')}`);
    console.log(`# back on ${back.release} by power cycle after a hang: ${(back.ms / 1000).toFixed(1)} s`);
  });

  it('refuses an install command that uses {modules} for a kernel built without modules', async () => {
    const driver = new SshMachineDriver(options);
    const noModules: KernelImage = { bzImage: underTest.artifacts.bzImage, kernelRelease: underTest.kernelRelease };
    await assert.rejects(
      driver.boot({ kernel: noModules, links: 0, consoleLog: path.join(runDir, 'no-modules', 'console.log') }, silentProgress),
      (error: unknown) => error instanceof NutBootError && /uses \{modules\} but .* was built without modules/.test(error.message),
    );
  });
});

// The machine's disk: GRUB with a default entry for the known-good kernel, and Debian's logic for a one-time
// entry (what grub-mkconfig writes): grub-reboot sets next_entry, GRUB boots it once and clears it.
const grubCfg = (release: string) => `serial --unit=0 --speed=115200
terminal_input serial
terminal_output serial
set timeout=0
load_env
if [ "\${next_entry}" ]; then
  set default="\${next_entry}"
  set next_entry=
  save_env next_entry
else
  set default="known-good"
fi
menuentry 'Linux ${release}' --id known-good {
  linux /vmlinuz-${release} console=ttyS0 panic=-1 quiet
  initrd /initrd.img
}
`;

// What an operator's install script does on such a machine: mount /boot, put the kernel and an initramfs
// with its modules there, add a GRUB entry named by the release (never the default one).
const GRUB_INSTALL_SCRIPT = `set -eu
release=$1 kernel=$2 modules=$3
grep -q ' /boot ' /proc/mounts || mount -t ext2 /dev/vda1 /boot
rm -rf /tmp/tl-modules && mkdir -p /tmp/tl-modules/usr
tar -xzf "$modules" -C /tmp/tl-modules
mv /tmp/tl-modules/lib /tmp/tl-modules/usr/lib
(cd /tmp/tl-modules && find usr | cpio -o -H newc --quiet) | gzip -1 > /tmp/tl-modules.cpio.gz
cp "$kernel" "/boot/vmlinuz-$release"
cat /boot/initrd.img /tmp/tl-modules.cpio.gz > "/boot/initrd.img-$release"
cat >> /boot/grub/grub.cfg <<ENTRY
menuentry 'Linux $release (testlab)' --id testlab-$release {
  linux /vmlinuz-$release console=ttyS0 panic=-1 quiet
  initrd /initrd.img-$release
}
ENTRY
sync`;

describe('SSH machine NUT: grub-reboot on a VM booting from its disk through GRUB', { skip, timeout: 3_600_000 }, () => {
  let good: BuiltKernel;
  let underTest: BuiltKernel;
  let machine: QemuBootedNut;
  let dirs: Awaited<ReturnType<typeof machineDirs>> | undefined;
  let runDir = '';
  let options: SshMachineOptions;

  before(async () => {
    ({ good, underTest } = await machineKernels());
    dirs = await machineDirs('tl-grub');
    const { stateDir } = dirs;
    runDir = dirs.runDir;
    // The disk's /boot partition holds the known-good kernel and the initramfs this driver's VMs boot (with
    // the lab's keys).
    const disk = path.join(stateDir, 'boot');
    await mkdir(path.join(disk, 'grub'), { recursive: true });
    const bootDisk = path.join(stateDir, 'disk.img');
    const qemu = createQemuNutDriver({ stateDir, baseInitramfs: rootfsImage, memoryMiB: 1024, machineLike: true, bootDisk });
    await qemu.writeMachineInitrd(path.join(disk, 'initrd.img'));
    await execa('cp', [good.artifacts.bzImage, path.join(disk, `vmlinuz-${good.kernelRelease}`)]);
    await writeFile(path.join(disk, 'grub/grub.cfg'), grubCfg(good.kernelRelease));
    await execa('bash', [path.join(repoRoot, 'infra/qemu/grub-disk.sh'), bootDisk, disk, '256']);
    machine = await qemu.boot({ kernel: image(good), links: 0, consoleLog: path.join(runDir, 'machine-console.log'), deadlineMs: 180_000 }, silentProgress);
    options = await machineOptions(machine, stateDir, good, {
      name: 'box-grub',
      remoteDir: '/tmp/testlab',
      installCommand: ['sh', '-c', GRUB_INSTALL_SCRIPT, 'install', '{release}', '{bzImage}', '{modules}'],
      // The prefix matters: GRUB takes an id that starts with a digit for an entry number.
      oneTimeBoot: { method: 'grub-reboot', entry: ['testlab-{release}'] },
    });
  });
  after(async () => {
    await machine?.shutdown();
    await dirs?.remove();
  });

  it('installs the kernel with a GRUB entry, boots it once by grub-reboot, and its module loads', async () => {
    const driver = new SshMachineDriver(options);
    const consoleLog = path.join(runDir, 'grub-1', 'console.log');
    const started = Date.now();
    const nut = await driver.boot({ kernel: image(underTest), links: 0, consoleLog }, silentProgress);
    const bootMs = Date.now() - started;
    try {
      assert.equal((await nut.exec(['uname', '-r'])).stdout.trim(), underTest.kernelRelease);
      assert.equal((await nut.exec(['modprobe', 'dummy'])).code, 0);
      assert.match((await nut.exec(['cat', '/proc/modules'])).stdout, /^dummy /m);
      // GRUB took the one-time entry and cleared it, as its save_env does.
      await nut.exec(['mount', '-t', 'ext2', '/dev/vda1', '/boot']);
      const env = await nut.exec(['grub-editenv', '/boot/grub/grubenv', 'list']);
      assert.doesNotMatch(env.stdout, new RegExp(`next_entry=testlab-${underTest.kernelRelease.replaceAll('.', '\\.')}`), env.stdout);
      const log = await readFile(consoleLog, 'utf8');
      assert.match(log, new RegExp(`grub-reboot testlab-${underTest.kernelRelease.replaceAll('.', '\\.')}: exit 0`));
      console.log(`# grub-reboot boot of ${underTest.kernelRelease} (copy, install, GRUB entry, reboot through firmware and GRUB, SSH back): ${(bootMs / 1000).toFixed(1)} s`);
    } finally {
      await nut.shutdown();
    }
  });

  it('a plain reboot lands on GRUB\'s default entry, the known-good kernel', async () => {
    const driver = new SshMachineDriver(options);
    const { steps, progress } = recording();
    const back = await driver.restoreKnownGood(progress);
    assert.equal(back.release, good.kernelRelease);
    assert.ok(steps.some((s) => /rebooting into the known-good/.test(s)) && !steps.some((s) => /power-cycling/.test(s)), steps.join('; '));
    const consoleText = await readFile(machine.consoleLog, 'utf8');
    assert.equal(consoleText.split(READY_MARKER).length - 1, 3, 'three boots through GRUB: known-good, one-time entry, known-good');
    console.log(`# back on ${back.release} by reboot through GRUB: ${(back.ms / 1000).toFixed(1)} s`);
  });
});
