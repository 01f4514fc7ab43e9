// The QEMU NUT driver: boots a kernel under test in a QEMU VM (direct kernel boot, TCG by default), with a
// management NIC for SSH and one UDP-carried Ethernet NIC per test link.
import { randomBytes } from 'node:crypto';
import { access, mkdir, readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { NutBootError, type BootRequest, type NutDriver, type NutLink, type Progress } from '@testlab/core';
import { ensureLabKeys, type LabKeys } from '../keys.js';
import { SshClient } from '@testlab/transport/ssh';
import { QemuBootedNut } from './booted-nut.js';
import { readBzImageRelease } from './bzimage.js';
import { buildKernelCmdline, buildQemuArgs, type QemuLinkPorts } from './cmdline.js';
import { ConsoleWatch } from './console-watch.js';
import { buildKeysOverlay, writeCombinedInitrd } from './overlay.js';
import { allocatePorts } from './ports.js';
import { linkMac, MAX_LINKS } from './protocol.js';
import { QemuProcess } from './qemu-process.js';
import { DEFAULT_NUT_NICE, raiseMainThread } from './priority.js';
import { BootFailure, interfaceNamesByMac, waitUntilReady } from './readiness.js';
import { identify } from './processes.js';
import { qemuNameOf, reapStaleVms, removeVmFiles, vmFiles, vmsDir, writeRecord } from './vm-records.js';
import { guestClockWords } from './guest-clock.js';

export interface QemuNutDriverOptions {
  /** The lab's state folder: keys/ (generated once) and vms/ (records of running VMs). */
  stateDir: string;
  /** The base initramfs built by infra/nut-image/build-initramfs.sh; a boot request's `image` replaces it for that boot. */
  baseInitramfs: string;
  /** Default `qemu-system-x86_64` (found on PATH). */
  qemuBinary?: string;
  /** `tcg` (default: works everywhere) or `kvm` (only when asked: nested KVM guests were seen to hang). */
  accel?: 'tcg' | 'kvm';
  /** QEMU's `-machine`; QEMU's default when unset. */
  machine?: string;
  /** Guest memory, default 256 MiB; a boot request's `image` may ask for more. */
  memoryMiB?: number;
  /** With KVM, fail when the console is still silent after this long. Default 15 s. */
  kvmConsoleDeadlineMs?: number;
  /** Between SIGTERM and SIGKILL when ending a VM. Default 3 s. */
  shutdownGraceMs?: number;
  /** Default `dropbearkey` (package dropbear-bin), for the NUT host key. */
  dropbearkey?: string;
  /**
   * Emulate a machine rather than a throw-away NUT: a guest reboot (or a panic) restarts the VM on the
   * kernel it was booted with, its known-good kernel, and a QMP socket gives power control (see qmp.ts).
   * The SSH machine driver's tests use such VMs as machines.
   */
  machineLike?: boolean;
  /**
   * With machineLike: boot from this raw disk image (firmware, then its GRUB) instead of -kernel, like a
   * machine booting from its disk; the disk holds the kernels, their initramfs (see writeMachineInitrd)
   * and GRUB's environment, so grub-reboot on the VM arms a real one-time boot.
   */
  bootDisk?: string;
  /**
   * The nice value of QEMU's main thread (the guest's timers and network), default DEFAULT_NUT_NICE (-10): ahead
   * of builds and other jobs on the host, whose load would otherwise make the NUT's timers late or early
   * (priority.ts); 0 leaves it alone.
   * Without the right to raise it (root or CAP_SYS_NICE) the boot says so and goes on at normal priority.
   */
  nice?: number;
  /**
   * Kernel command-line words that keep the guest's clock true under load (guest-clock.ts); default
   * guestClockWords() for this host. [] boots with the kernel's own checks and calibration.
   */
  guestClock?: readonly string[];
}

export const DEFAULT_BOOT_DEADLINE_MS = 60_000;
const START_ATTEMPTS = 3;

/** Ids of the VMs this process runs, so reapStale in this process never ends one of them. */
const liveVmIds = new Set<string>();

export class QemuNutDriver implements NutDriver {
  readonly kind = 'qemu';
  private readonly stateDir: string;
  private keysOnce: Promise<{ keys: LabKeys; overlay: Buffer }> | undefined;
  private readonly guestClock: readonly string[];

  constructor(private readonly options: QemuNutDriverOptions) {
    this.stateDir = resolve(options.stateDir);
    this.guestClock = options.guestClock ?? guestClockWords();
  }

  /** The initramfs a VM of this driver boots (base image + the lab's keys): what a boot disk must carry. */
  async writeMachineInitrd(out: string): Promise<void> {
    const { overlay } = await this.keysAndOverlay();
    await writeCombinedInitrd(resolve(this.options.baseInitramfs), overlay, out);
  }

  private keysAndOverlay(): Promise<{ keys: LabKeys; overlay: Buffer }> {
    if (this.keysOnce === undefined) {
      const once = (async () => {
        const keys = await ensureLabKeys(this.stateDir, { dropbearkey: this.options.dropbearkey ?? 'dropbearkey' });
        const overlay = buildKeysOverlay({ authorizedKeys: keys.clientPublicKey, hostKey: await readFile(keys.hostKeyFile) });
        return { keys, overlay };
      })();
      // A failure (e.g. dropbearkey missing) is not kept: the next boot tries again.
      once.catch(() => {
        if (this.keysOnce === once) this.keysOnce = undefined;
      });
      this.keysOnce = once;
    }
    return this.keysOnce;
  }

  async reapStale(): Promise<number> {
    return reapStaleVms(this.stateDir, liveVmIds, this.options.shutdownGraceMs ?? 3_000);
  }

  async boot(request: BootRequest, progress: Progress): Promise<QemuBootedNut> {
    const startedAt = Date.now();
    const deadline = startedAt + (request.deadlineMs ?? DEFAULT_BOOT_DEADLINE_MS);
    const consoleLog = resolve(request.consoleLog);
    const id = randomBytes(4).toString('hex');
    const name = `qemu-${id}`;
    const fail = (message: string, cause?: unknown): never => {
      throw new NutBootError(`${name} did not get ready: ${message}; console log: ${consoleLog}`, consoleLog, { cause });
    };

    // Everything checkable before QEMU starts fails here, with the reason, not as a vague QEMU error.
    let kernelCmdline = '';
    try {
      kernelCmdline = await this.checkRequest(request, name);
    } catch (error) {
      fail(`invalid boot request: ${(error as Error).message}`, error);
    }

    liveVmIds.add(id);
    try {
      const { keys, overlay } = await this.keysAndOverlay();
      const files = vmFiles(this.stateDir, id);
      await mkdir(vmsDir(this.stateDir), { recursive: true });
      await mkdir(dirname(consoleLog), { recursive: true });
      // Owned before it has files: killed right after the initrd is written, the next start removes it.
      await writeRecord(this.stateDir, { id, qemuName: qemuNameOf(id), name, owner: identify(process.pid)!, startedAt: new Date(startedAt).toISOString() });
      await writeCombinedInitrd(this.baseInitramfsOf(request), overlay, files.initrd);
      const vm: VmPlan = { id, name, files, keys, kernelCmdline, consoleLog, startedAt, deadline };
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.start(vm, request, progress);
        } catch (error) {
          if (!(error instanceof BootFailure && error.portClash && attempt < START_ATTEMPTS)) throw error;
          progress.step(`${name}: a port was taken before QEMU bound it; starting again`);
        }
      }
    } catch (error) {
      liveVmIds.delete(id);
      await removeVmFiles(this.stateDir, id);
      return fail(error instanceof Error ? error.message : String(error), error);
    }
  }

  /** The run's engine image (kselftest's root fs with the selftests) or the lab's base image. */
  private baseInitramfsOf(request: BootRequest): string {
    return resolve(request.image?.baseInitramfs ?? this.options.baseInitramfs);
  }

  /** Validates what QEMU and the kernel would otherwise reject late or vaguely; returns the kernel command line. */
  private async checkRequest(request: BootRequest, hostname: string): Promise<string> {
    if (!Number.isInteger(request.links) || request.links < 0 || request.links > MAX_LINKS) {
      throw new Error(`links must be an integer 0..${MAX_LINKS}, got ${request.links}`);
    }
    if (!/^\S+$/.test(request.kernel.kernelRelease)) throw new Error(`bad expected kernel release ${JSON.stringify(request.kernel.kernelRelease)}`);
    await readBzImageRelease(resolve(request.kernel.bzImage));
    const baseInitramfs = this.baseInitramfsOf(request);
    await access(baseInitramfs).catch((error: unknown) => {
      const how = request.image ? 'the run\'s engine prepared it: see the run\'s build stage' : 'build it with infra/nut-image/build-initramfs.sh';
      throw new Error(`base initramfs ${baseInitramfs} is missing: ${how}`, { cause: error });
    });
    return buildKernelCmdline({ sysctls: request.sysctls, extraCmdline: request.extraCmdline, hostname, clock: this.guestClock });
  }

  /** One start of QEMU on fresh ports, up to ready; on failure QEMU is ended before this throws. */
  private async start(vm: VmPlan, request: BootRequest, progress: Progress): Promise<QemuBootedNut> {
    const ports = await allocatePorts(1, 2 * request.links);
    const sshPort = ports.tcp[0]!;
    const linkPorts: QemuLinkPorts[] = Array.from({ length: request.links }, (_, i) => ({
      nutPort: ports.udp[2 * i]!,
      testerPort: ports.udp[2 * i + 1]!,
      mac: linkMac(i),
    }));
    const accel = this.options.accel ?? 'tcg';
    const qemuName = qemuNameOf(vm.id);
    const args = buildQemuArgs({
      qemuName,
      pidFile: vm.files.pidFile,
      accel,
      machine: this.options.machine,
      memoryMiB: Math.max(this.options.memoryMiB ?? 256, request.image?.memoryMiB ?? 0),
      consoleLog: vm.consoleLog,
      bzImage: resolve(request.kernel.bzImage),
      initrd: vm.files.initrd,
      kernelCmdline: vm.kernelCmdline,
      sshPort,
      links: linkPorts,
      allowReboot: this.options.machineLike === true,
      qmpSocket: this.options.machineLike === true ? vm.files.qmp : undefined,
      bootDisk: this.options.machineLike === true ? this.options.bootDisk : undefined,
    });
    progress.step(`starting ${vm.name} (QEMU ${accel}, ${request.links} test link(s), SSH on 127.0.0.1:${sshPort})`);
    const qemu = await QemuProcess.start(this.options.qemuBinary ?? 'qemu-system-x86_64', args, this.options.shutdownGraceMs ?? 3_000);
    const ssh = new SshClient({ host: '127.0.0.1', port: sshPort, username: 'root', privateKey: vm.keys.clientPrivateKey, hostKey: vm.keys.hostKeyBlob });
    const watch = new ConsoleWatch(vm.consoleLog);
    try {
      await writeRecord(this.stateDir, {
        id: vm.id, qemuName, name: vm.name, qemu: qemu.identity, owner: identify(process.pid)!, startedAt: new Date().toISOString(),
      });
      await waitUntilReady({
        qemu, console: watch, ssh, sshPort, accel, startedAt: vm.startedAt, deadline: vm.deadline,
        kvmConsoleDeadlineMs: this.options.kvmConsoleDeadlineMs ?? 15_000,
        expectedRelease: request.kernel.kernelRelease,
        progress,
      });
      const byMac = await interfaceNamesByMac(ssh, Math.max(vm.deadline - Date.now(), 2_000));
      const links: NutLink[] = linkPorts.map((link, i) => {
        const ifname = byMac.get(link.mac);
        if (ifname === undefined) throw new BootFailure(`no interface with MAC ${link.mac} (Link${i}) in the NUT`);
        return { name: `Link${i}`, nutMac: link.mac, nutIfname: ifname, endpoint: { kind: 'udp-ethernet', testerPort: link.testerPort, nutPort: link.nutPort } };
      });
      // Raised once the guest is up, so that the vCPU thread (made by the main one) keeps normal priority.
      const notRaised = raiseMainThread(qemu.pid, this.options.nice ?? DEFAULT_NUT_NICE);
      if (notRaised) progress.step(`${vm.name}: ${notRaised}`);
      progress.step(`${vm.name} ready in ${((Date.now() - vm.startedAt) / 1000).toFixed(1)} s`);
      return new QemuBootedNut({
        id: vm.id, name: vm.name, kernelRelease: request.kernel.kernelRelease, links, consoleLog: vm.consoleLog, sshPort, qemu, ssh,
        initrd: vm.files.initrd, ...(this.options.machineLike === true ? { qmpSocket: vm.files.qmp } : {}),
        release: async () => {
          liveVmIds.delete(vm.id);
          await removeVmFiles(this.stateDir, vm.id);
        },
      });
    } catch (error) {
      ssh.close();
      await qemu.stop();
      throw error;
    } finally {
      await watch.close();
    }
  }
}

/** What stays the same across start attempts of one VM. */
interface VmPlan {
  id: string;
  name: string;
  files: ReturnType<typeof vmFiles>;
  keys: LabKeys;
  kernelCmdline: string;
  consoleLog: string;
  startedAt: number;
  deadline: number;
}

export function createQemuNutDriver(options: QemuNutDriverOptions): QemuNutDriver {
  return new QemuNutDriver(options);
}
