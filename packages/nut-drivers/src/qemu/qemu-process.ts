// One QEMU process, started directly (argument array, no shell) and ended by its own pid.
import { execa, type ResultPromise } from 'execa';
import { identify, type ProcessIdentity } from './processes.js';

export interface QemuExit {
  code: number | undefined;
  signal: string | undefined;
  stderr: string;
}

export class QemuProcess {
  private exitInfo: QemuExit | undefined;
  readonly exited: Promise<QemuExit>;

  private constructor(
    private readonly child: ResultPromise<{ stdin: 'ignore'; stdout: 'ignore'; reject: false }>,
    readonly identity: ProcessIdentity,
  ) {
    this.exited = child.then((result) => {
      this.exitInfo = { code: result.exitCode, signal: result.signal, stderr: String(result.stderr ?? '').trim() };
      return this.exitInfo;
    });
  }

  static async start(binary: string, args: readonly string[], graceMs: number): Promise<QemuProcess> {
    const child = execa(binary, args, {
      stdin: 'ignore',
      // The console goes to its log file; stdout stays empty. stderr holds QEMU's own errors.
      stdout: 'ignore',
      reject: false,
      // SIGKILL if SIGTERM has not ended it after graceMs; cleanup: QEMU dies with a normally exiting lab.
      forceKillAfterDelay: graceMs,
      cleanup: true,
    });
    const pid = child.pid;
    const identity = pid === undefined ? undefined : identify(pid);
    if (identity === undefined) {
      const result = await child;
      throw new Error(`${binary} did not start: ${result.shortMessage ?? ''} ${String(result.stderr ?? '')}`.trim());
    }
    return new QemuProcess(child, identity);
  }

  get pid(): number {
    return this.identity.pid;
  }

  /** Set once QEMU has exited. */
  get exit(): QemuExit | undefined {
    return this.exitInfo;
  }

  /** SIGTERM (then SIGKILL after the grace period); resolves when the process has exited. */
  async stop(): Promise<QemuExit> {
    // Our own child: Node only signals it while it has not been reaped, so the pid cannot be someone else's.
    if (this.exitInfo === undefined) this.child.kill('SIGTERM');
    return this.exited;
  }
}
