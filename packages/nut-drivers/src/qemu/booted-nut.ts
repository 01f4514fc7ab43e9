// A QEMU NUT that reached ready: commands over its pinned SSH connection, shutdown by its own pid.
import type { BootedNut, ExecResult, NutLink } from '@testlab/core';
import type { SshCommandRunner } from '../ssh-exec.js';
import type { QemuProcess } from './qemu-process.js';

export interface QemuNutParts {
  id: string;
  name: string;
  kernelRelease: string;
  links: readonly NutLink[];
  consoleLog: string;
  sshPort: number;
  qemu: QemuProcess;
  ssh: SshCommandRunner;
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
  private stopping: Promise<void> | undefined;

  constructor(private readonly parts: QemuNutParts) {
    this.id = parts.id;
    this.name = parts.name;
    this.kernelRelease = parts.kernelRelease;
    this.links = parts.links;
    this.consoleLog = parts.consoleLog;
    this.sshPort = parts.sshPort;
  }

  /** QEMU's process id. */
  get pid(): number {
    return this.parts.qemu.pid;
  }

  exec(argv: string[], options?: { timeoutMs?: number }): Promise<ExecResult> {
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
