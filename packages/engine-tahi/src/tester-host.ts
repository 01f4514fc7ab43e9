// The TAHI tester host as the engine uses it, on the lab's SSH client (host key pinned, argv commands): its
// failures said in the tester's terms, folders created and report folders fetched safely, and a port on the
// tester forwarded back to the lab for the remote-control scripts.
import { constants } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { SshClient, SshExecTimeoutError, SshHostKeyMismatchError, type RemoteEntry, type RemoteStat, type SshTarget } from '@testlab/transport/ssh';

/** Where the tester is and how the lab logs in; `hostKey` is pinned. */
export type TesterHostTarget = SshTarget;

export class TesterHostError extends Error {
  override name = 'TesterHostError';
}

/** The tester's failure for `what`, keeping the SSH client's error as the cause. */
async function onTester<T>(what: string, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    throw new TesterHostError(`${what}: ${(error as Error).message}`, { cause: error });
  }
}

export class TesterHost {
  private constructor(
    private readonly ssh: SshClient,
    readonly target: TesterHostTarget,
  ) {}

  /** Connects and opens SFTP (the tester needs it); a wrong host key is SshHostKeyMismatchError, as for every SSH user of the lab. */
  static async connect(target: TesterHostTarget, timeoutMs = 15_000): Promise<TesterHost> {
    // No default command timeout: a section runs for hours, and is bounded by the tester file's sectionTimeoutMin.
    const ssh = new SshClient(target, { connectTimeoutMs: timeoutMs, defaultTimeoutMs: Infinity });
    try {
      await ssh.connect();
      await ssh.openSftp();
    } catch (error) {
      ssh.close();
      if (error instanceof SshHostKeyMismatchError) throw error;
      throw new TesterHostError(`cannot reach the tester host ${target.host}:${target.port}: ${(error as Error).message}`, { cause: error });
    }
    return new TesterHost(ssh, target);
  }

  /**
   * Runs argv in `cwd` on the tester; stdout and stderr chunks go to `onOutput` as they arrive.
   * Resolves with the exit status (128 + n when killed by signal n).
   */
  async run(argv: readonly string[], options: { cwd?: string; onOutput?: (text: string) => void; timeoutMs?: number }): Promise<number> {
    if (argv.length === 0) throw new TesterHostError('empty command');
    try {
      return await this.ssh.stream(argv, {
        ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
        // TERM: autorun and make stop their children and leave what they have written.
        killSignal: 'TERM',
        onOutput: (chunk) => options.onOutput?.(chunk.toString('utf8')),
      });
    } catch (error) {
      if (error instanceof SshExecTimeoutError) throw new TesterHostError(`${argv.join(' ')} on the tester took longer than ${options.timeoutMs} ms: stopped`, { cause: error });
      throw new TesterHostError(`${argv[0]} on the tester: ${(error as Error).message}`, { cause: error });
    }
  }

  /** Writes a file on the tester (created or replaced), with this mode. */
  put(remotePath: string, content: string | Buffer, mode = 0o644): Promise<void> {
    return onTester(`cannot write ${remotePath} on the tester`, this.ssh.writeFile(remotePath, content, mode));
  }

  async mkdirp(remotePath: string): Promise<void> {
    const code = await this.run(['mkdir', '-p', '--', remotePath], {});
    if (code !== 0) throw new TesterHostError(`cannot create ${remotePath} on the tester`);
  }

  read(remotePath: string): Promise<Buffer> {
    return onTester(`cannot read ${remotePath} on the tester`, this.ssh.readFile(remotePath));
  }

  /** The entries of a folder with their types as lstat sees them (OpenSSH's readdir does not follow links). */
  list(remoteDir: string): Promise<RemoteEntry[]> {
    return onTester(`cannot list ${remoteDir} on the tester`, this.ssh.readdir(remoteDir));
  }

  /** What is at `remotePath` itself (a link is a link). */
  lstat(remotePath: string): Promise<RemoteStat> {
    return onTester(`cannot look at ${remotePath} on the tester`, this.ssh.lstat(remotePath));
  }

  /**
   * Copies the files of a report folder (not subfolders) into a local folder. Names are checked before
   * they become local paths: a hostile tester cannot write outside `localDir`. A wanted name that is not a
   * regular file on the tester (a link to the tester's own secrets, a FIFO) is refused, not followed; a local
   * file is never written through a link.
   */
  async fetchFolder(remoteDir: string, localDir: string, accept: (name: string) => boolean, maxBytes = 512 * 1024 * 1024): Promise<string[]> {
    await mkdir(localDir, { recursive: true });
    const fetched: string[] = [];
    let total = 0;
    for (const entry of await this.list(remoteDir)) {
      if (!/^[A-Za-z0-9_][A-Za-z0-9_.,+=-]{0,200}$/.test(entry.name) || !accept(entry.name)) continue;
      const remote = path.posix.join(remoteDir, entry.name);
      // Asked again for the one file: a server whose readdir follows links still answers lstat truly.
      const info = entry.isFile ? await this.lstat(remote) : entry;
      if (!info.isFile) throw new TesterHostError(`${remote} on the tester is ${info.kind}, not a regular file: refused`);
      total += info.size;
      if (total > maxBytes) throw new TesterHostError(`${remoteDir} on the tester holds more than ${maxBytes} bytes of report files`);
      const content = await this.read(remote);
      const local = path.join(localDir, entry.name);
      const file = await open(local, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o644).catch((e: Error) => {
        throw new TesterHostError(`${local}: cannot write the fetched file (${e.message})`);
      });
      try {
        await file.writeFile(content);
      } finally {
        await file.close();
      }
      fetched.push(entry.name);
    }
    return fetched.sort();
  }

  /**
   * Forwards 127.0.0.1:<port> on the tester to `onConnection` here (ssh -R). Port 0: the server picks one.
   * Returns the port the tester listens on.
   */
  forwardToLab(onConnection: (channel: Duplex) => void, port = 0): Promise<number> {
    return onTester('the tester refused a forwarded port', this.ssh.forwardRemotePort(onConnection, port));
  }

  close(): void {
    this.ssh.close();
  }
}
