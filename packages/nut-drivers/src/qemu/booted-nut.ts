// A QEMU NUT that reached ready: commands over its pinned SSH connection, shutdown by its own pid.
import type { BootedNut, ExecResult, NutExecOptions, NutLink } from '@testlab/core';
import type { SshClient } from '@testlab/transport/ssh';
import type { QemuProcess } from './qemu-process.js';

export interface QemuNutParts {
  id: string;
  name: string;
  kernelRelease: string;
  links: readonly NutLink[];
  consoleLog: string;
  sshPort: number;
  qemu: QemuProcess;
  ssh: SshClient;
  /** The initramfs it booted (the base image with the lab's keys). */
  initrd: string;
  /** Its QMP socket, when the driver emulates machines. */
  qmpSocket?: string;
  /** Removes the VM's record and files once QEMU has exited. */
  release: () => Promise<void>;
}

export class QemuBootedNut implements BootedNut {
  readonly name: string;
  readonly kernelRelease: string;
  readonly links: readonly NutLink[];
  readonly consoleLog: string;
  /** The 127.0.0.1 port forwarded to the NUT's SSH server (for diagnostics and tests). */
  readonly sshPort: number;
  readonly id: string;
  /** The initramfs it booted: a machine-like VM needs it again to kexec another kernel. */
  readonly initrd: string;
  /** Power control of a machine-like VM (QemuNutDriverOptions.machineLike). */
  readonly qmpSocket: string | undefined;
  private stopping: Promise<void> | undefined;

  constructor(private readonly parts: QemuNutParts) {
    this.id = parts.id;
    this.name = parts.name;
    this.kernelRelease = parts.kernelRelease;
    this.links = parts.links;
    this.consoleLog = parts.consoleLog;
    this.sshPort = parts.sshPort;
    this.initrd = parts.initrd;
    this.qmpSocket = parts.qmpSocket;
  }

  /** QEMU's process id. */
  get pid(): number {
    return this.parts.qemu.pid;
  }

  exec(argv: string[], options?: NutExecOptions): Promise<ExecResult> {
    if (this.stopping !== undefined) return Promise.reject(new Error(`${this.name} is shut down`));
    return this.parts.ssh.exec(argv, options);
  }

  shutdown(): Promise<void> {
    this.stopping ??= (async () => {
      this.parts.ssh.close();
      await this.parts.qemu.stop();
      await this.parts.release();
    })();
    return this.stopping;
  }
}
