// The SSH NUT driver: a physical (or any SSH-reachable) machine as a NUT. Booting a kernel under test is:
// reach the machine (else the lab's failure: "unreachable before install"), copy the bzImage and its
// modules, run the operator's install command, arm a one-time boot (grub-reboot, kexec, or an operator command), wait for
// SSH to come back with the pinned host key, and check `uname -r`. The machine's default boot entry stays
// its known-good kernel, so a plain reboot, or a power cycle by the configured command, brings it back.
import { basename } from 'node:path';
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { NutBootError, type BootedNut, type BootRequest, type ExecResult, type NutDriver, type NutExecOptions, type NutLink, type Progress } from '@testlab/core';
import { SshClient, SshHostKeyMismatchError, type SshTarget } from '@testlab/transport/ssh';
import { validateCmdlineWord } from '../qemu/cmdline.js';
import { expandArgv } from './placeholders.js';
import { uploadFile } from './upload.js';

export type OneTimeBoot =
  /** `grub-reboot <entry>` then reboot: GRUB boots the entry once, then its default again. */
  | { method: 'grub-reboot'; entry: string[] }
  /**
   * `kexec -l <bzImage> --reuse-cmdline` then `kexec -e`: no firmware, seconds instead of minutes. extraArgs
   * (placeholders allowed) go to `kexec -l`, e.g. `--initrd /boot/initrd.img-testlab` for an initramfs.
   */
  | { method: 'kexec'; extraArgs?: string[] }
  /** Any argv run on the machine (placeholders allowed): for boot loaders the lab does not know. */
  | { method: 'command'; command: string[]; /** False when the command arms a boot without rebooting (default true). */ reboots?: boolean };

export interface SshMachineOptions {
  /** The NUT's name in logs and runs. */
  name: string;
  target: SshTarget;
  /** Folder on the machine the kernel is copied to. */
  remoteDir: string;
  /**
   * Run on the machine after the copy: argv with {bzImage} {release} {modules} (the modules tarball, which
   * holds `lib/modules/<release>/`); e.g. a script that unpacks the modules, installs the kernel into /boot,
   * makes its initramfs and updates GRUB.
   */
  installCommand: string[];
  oneTimeBoot: OneTimeBoot;
  /** The release `uname -r` prints on the machine's default (known-good) kernel. */
  knownGoodRelease: string;
  /** Run on the machine to go back to the default kernel. Default `reboot`. */
  rebootCommand?: string[];
  /** Run on the lab host to power-cycle the machine (e.g. `ipmitool -I lanplus -H bmc -U u -f pwfile chassis power cycle`). */
  powerCycleCommand?: string[];
  /** The machine's test links, as the tester sees them (raw interfaces). */
  links?: NutLink[];
  /** How long a reboot may take until SSH answers again. Default 5 min. */
  rebootDeadlineMs?: number;
  /** How long to wait for the SSH connection to drop after the boot was triggered. Default 60 s. */
  goDownTimeoutMs?: number;
  /** How long the machine may take to answer SSH before an install (else: the lab's failure). Default 30 s. */
  reachTimeoutMs?: number;
  /** Pause between connection attempts. Default 2 s. */
  retryPauseMs?: number;
}

/**
 * `kexec -l` keeps only the last --append it is given (it is appended to the reused command line), so the
 * extra words travel as one argument; they are validated words, and argv never passes through a shell.
 */
export function kexecLoad(kernel: string, extraCmdline: readonly string[], extraArgs: readonly string[]): string[] {
  // The words the QEMU driver accepts: no spaces, quotes or shell characters.
  for (const word of extraCmdline) validateCmdlineWord(word);
  return ['kexec', '-l', kernel, '--reuse-cmdline', ...(extraCmdline.length > 0 ? [`--append=${extraCmdline.join(' ')}`] : []), ...extraArgs];
}

class MachineBootedNut implements BootedNut {
  constructor(
    readonly name: string,
    readonly kernelRelease: string,
    readonly links: readonly NutLink[],
    readonly consoleLog: string,
    private readonly ssh: SshClient,
  ) {}

  exec(argv: string[], options?: NutExecOptions): Promise<ExecResult> {
    return this.ssh.exec(argv, options);
  }

  /** A machine is not powered off after a run: the cycle brings it back to its known-good kernel. */
  async shutdown(): Promise<void> {
    this.ssh.close();
  }
}

export class SshMachineDriver implements NutDriver {
  readonly kind = 'ssh';

  constructor(private readonly o: SshMachineOptions) {
    if (!o.remoteDir.startsWith('/')) throw new Error(`NUT ${o.name}: remoteDir must be an absolute path`);
    if (o.installCommand.length === 0) throw new Error(`NUT ${o.name}: installCommand is empty`);
  }

  private runner(): SshClient {
    return new SshClient(this.o.target, { connectTimeoutMs: 10_000, defaultTimeoutMs: 120_000 });
  }

  /** Machines leave no processes on the lab host. */
  async reapStale(): Promise<number> {
    return 0;
  }

  private async note(consoleLog: string, line: string): Promise<void> {
    // No serial console is wired for machines yet: the log records what the lab did and saw.
    await appendFile(consoleLog, `[testlab ${new Date().toISOString()}] ${line}\n`);
  }

  /** Connects once, within `ms`; undefined if the machine does not answer. Host-key mismatches throw. */
  private async reach(ms: number): Promise<SshClient | undefined> {
    const deadline = Date.now() + ms;
    for (;;) {
      const ssh = this.runner();
      try {
        await ssh.connect(Math.max(Math.min(10_000, deadline - Date.now()), 1_000));
        return ssh;
      } catch (error) {
        ssh.close();
        if (error instanceof SshHostKeyMismatchError) throw error;
      }
      if (Date.now() >= deadline) return undefined;
      await sleep(this.o.retryPauseMs ?? 2_000);
    }
  }

  /** The kernel's random id of this boot; undefined when it cannot be read (then only a dropped connection counts). */
  private async bootId(ssh: SshClient): Promise<string | undefined> {
    const r = await ssh.exec(['cat', '/proc/sys/kernel/random/boot_id'], { timeoutMs: 5_000 });
    const id = r.stdout.trim();
    return r.code === 0 && /^[0-9a-f-]{36}$/.test(id) ? id : undefined;
  }

  /**
   * Waits until the machine has rebooted: the connection drops, or (a kexec can be back within seconds, and
   * the runner reconnects on its own) the boot id differs from `before`. Then waits for SSH to answer. Throws
   * when the machine never went down: the boot was not triggered, and the kernel under test never ran.
   */
  private async waitForReboot(ssh: SshClient, before: string | undefined, deadline: number, progress: Progress): Promise<SshClient | undefined> {
    progress.step(`${this.o.name}: waiting for the machine to go down`);
    const downBy = Date.now() + (this.o.goDownTimeoutMs ?? 60_000);
    for (;;) {
      const now = await this.bootId(ssh).then((id) => ({ id }), () => undefined);
      if (now === undefined) break;
      if (before !== undefined && now.id !== undefined && now.id !== before) {
        progress.step(`${this.o.name}: rebooted (new boot id)`);
        return ssh;
      }
      if (Date.now() >= downBy) {
        ssh.close();
        throw new Error(`${this.o.name} did not go down within ${(this.o.goDownTimeoutMs ?? 60_000) / 1000} s of the reboot command`);
      }
      await sleep(this.o.retryPauseMs ?? 2_000);
    }
    ssh.close();
    progress.step(`${this.o.name}: waiting for SSH to answer again`);
    return this.reach(Math.max(deadline - Date.now(), 0));
  }

  private async uname(ssh: SshClient): Promise<string> {
    const r = await ssh.exec(['uname', '-r'], { timeoutMs: 15_000 });
    return r.code === 0 ? r.stdout.trim() : `(uname failed: exit ${r.code})`;
  }

  async boot(request: BootRequest, progress: Progress): Promise<BootedNut> {
    const consoleLog = request.consoleLog;
    await mkdir(dirname(consoleLog), { recursive: true });
    const release = request.kernel.kernelRelease;
    const fail = (message: string, cause?: unknown): never => {
      throw new NutBootError(`${this.o.name}: ${message}`, consoleLog, { cause });
    };
    if (!/^[A-Za-z0-9._+-]{1,64}$/.test(release)) fail(`invalid boot request: kernel release ${JSON.stringify(release)}`);
    // A machine boots the system installed on it; an engine that needs its own image cannot run here.
    if (request.image) fail(`invalid boot request: a machine cannot boot the engine's NUT image ${request.image.baseInitramfs}`);
    if ((request.extraCmdline ?? []).length > 0 && this.o.oneTimeBoot.method !== 'kexec') {
      fail('invalid boot request: extra kernel command-line words need the kexec boot method on a machine');
    }
    try {
      for (const word of request.extraCmdline ?? []) validateCmdlineWord(word);
    } catch (error) {
      fail(`invalid boot request: ${(error as Error).message}`, error);
    }

    // 1. Reach the machine before touching anything: failing here is the lab's problem, not the kernel's.
    progress.step(`${this.o.name}: connecting to ${this.o.target.host}:${this.o.target.port}`);
    let ssh: SshClient | undefined;
    try {
      ssh = await this.reach(this.o.reachTimeoutMs ?? 30_000);
    } catch (error) {
      fail(`unreachable before install: ${(error as Error).message}`, error);
    }
    if (ssh === undefined) fail(`unreachable before install: SSH to ${this.o.target.host}:${this.o.target.port} did not answer within ${(this.o.reachTimeoutMs ?? 30_000) / 1000} s`);
    const machine = ssh!;
    await this.note(consoleLog, `running ${await this.uname(machine)}; installing ${release}`);

    // 2. Copy the kernel and its modules, then install.
    const dir = this.o.remoteDir.replace(/\/$/, '');
    const remoteKernel = `${dir}/vmlinuz-${release}`;
    const remoteModules = request.kernel.modules !== undefined ? `${dir}/modules-${release}.tar.gz` : undefined;
    if (remoteModules === undefined && this.o.installCommand.some((word) => word.includes('{modules}'))) {
      machine.close();
      fail(`invalid boot request: the install command uses {modules} but ${release} was built without modules (CONFIG_MODULES is not set)`);
    }
    const copies: Array<[string, string]> = [[request.kernel.bzImage, remoteKernel]];
    if (remoteModules !== undefined) copies.push([request.kernel.modules!, remoteModules]);
    for (const [local, remote] of copies) {
      progress.step(`${this.o.name}: copying ${basename(local)} to ${remote}`);
      try {
        const sum = await uploadFile(this.o.target, local, remote);
        await this.note(consoleLog, `copied ${remote} (sha256 ${sum})`);
      } catch (error) {
        machine.close();
        fail(`unreachable before install: copying ${basename(local)} failed: ${(error as Error).message}`, error);
      }
    }
    const values: Record<string, string> = { bzImage: remoteKernel, release, host: this.o.target.host, ...(remoteModules ? { modules: remoteModules } : {}) };
    const install = await machine.exec(expandArgv(this.o.installCommand, values), { timeoutMs: 600_000 });
    await this.note(consoleLog, `install command exit ${install.code}\n${install.stdout}${install.stderr}`);
    if (install.code !== 0) {
      machine.close();
      fail(`unreachable before install: the install command failed (exit ${install.code}): ${install.stderr.trim().slice(-500)}`);
    }

    // 3. One-time boot into it.
    const deadline = Date.now() + (request.deadlineMs ?? this.o.rebootDeadlineMs ?? 300_000);
    const boot = this.o.oneTimeBoot;
    const bootBefore = await this.bootId(machine).catch(() => undefined);
    const trigger: string[][] =
      boot.method === 'grub-reboot'
        ? [['grub-reboot', ...expandArgv(boot.entry, values)], this.o.rebootCommand ?? ['reboot']]
        : boot.method === 'kexec'
          ? [kexecLoad(remoteKernel, request.extraCmdline ?? [], (boot.extraArgs ?? []).length > 0 ? expandArgv(boot.extraArgs!, values) : []), ['kexec', '-e']]
          : [expandArgv(boot.command, values)];
    progress.step(`${this.o.name}: one-time boot by ${boot.method}`);
    for (const [i, argv] of trigger.entries()) {
      const last = i === trigger.length - 1;
      // The last step reboots: the connection dropping under it is expected, not an error.
      const r = await machine.exec(argv, { timeoutMs: 30_000 }).catch((error: unknown) => (last ? undefined : Promise.reject(error)));
      await this.note(consoleLog, `${argv.join(' ')}: ${r === undefined ? 'connection dropped' : `exit ${r.code}`}`);
      if (r !== undefined && r.code !== 0 && !last) {
        machine.close();
        fail(`arming the one-time boot failed: ${argv[0]} exit ${r.code}: ${r.stderr.trim()}`);
      }
    }
    let back: SshClient | undefined = machine;
    if (!(boot.method === 'command' && boot.reboots === false)) {
      try {
        back = await this.waitForReboot(machine, bootBefore, deadline, progress);
      } catch (error) {
        await this.note(consoleLog, (error as Error).message);
        fail(`unreachable before install: the one-time boot did not start: ${(error as Error).message}`, error);
      }
    }
    if (back === undefined) {
      await this.note(consoleLog, `SSH did not come back before the boot deadline`);
      fail(`boot failure: SSH did not come back within the boot deadline after booting ${release}`);
    }
    const running = await this.uname(back!);
    await this.note(consoleLog, `uname -r: ${running}`);
    if (running !== release) {
      back!.close();
      fail(`uname -r mismatch: expected ${release}, got ${running} (the machine fell back to another kernel)`);
    }
    return new MachineBootedNut(this.o.name, release, this.o.links ?? [], consoleLog, back!);
  }

  /**
   * Back to the known-good kernel: nothing to do when it already runs it; otherwise reboot (the default
   * entry is the known-good kernel) and, if the machine does not come back, power-cycle it.
   */
  async restoreKnownGood(progress: Progress): Promise<{ release: string; ms: number }> {
    const started = Date.now();
    const deadlineMs = this.o.rebootDeadlineMs ?? 300_000;
    let ssh = await this.reach(Math.min(this.o.reachTimeoutMs ?? 15_000, 15_000));
    if (ssh !== undefined) {
      const release = await this.uname(ssh);
      if (release === this.o.knownGoodRelease) {
        ssh.close();
        return { release, ms: Date.now() - started };
      }
      progress.step(`${this.o.name}: runs ${release}; rebooting into the known-good ${this.o.knownGoodRelease}`);
      const bootBefore = await this.bootId(ssh).catch(() => undefined);
      await ssh.exec(this.o.rebootCommand ?? ['reboot'], { timeoutMs: 15_000 }).catch(() => undefined);
      // A machine that ignores the reboot command is left to the power cycle below.
      ssh = await this.waitForReboot(ssh, bootBefore, Date.now() + deadlineMs, progress).catch(() => undefined);
    }
    if (ssh === undefined || (await this.uname(ssh).catch(() => '')) !== this.o.knownGoodRelease) {
      ssh?.close();
      if (this.o.powerCycleCommand === undefined) throw new Error(`${this.o.name} is not back on ${this.o.knownGoodRelease} and has no power-cycle command`);
      progress.step(`${this.o.name}: power-cycling`);
      await execa(this.o.powerCycleCommand[0]!, expandArgv(this.o.powerCycleCommand, { host: this.o.target.host }).slice(1), { stdin: 'ignore', timeout: 120_000 });
      ssh = await this.reach(deadlineMs);
      if (ssh === undefined) throw new Error(`${this.o.name} did not answer over SSH within ${deadlineMs / 1000} s after a power cycle`);
    }
    const release = await this.uname(ssh);
    ssh.close();
    if (release !== this.o.knownGoodRelease) throw new Error(`${this.o.name} runs ${release} after recovery, expected the known-good ${this.o.knownGoodRelease}`);
    return { release, ms: Date.now() - started };
  }
}

export function createSshMachineDriver(options: SshMachineOptions): SshMachineDriver {
  return new SshMachineDriver(options);
}
