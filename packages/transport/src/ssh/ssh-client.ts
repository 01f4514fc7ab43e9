// The lab's one SSH client (ssh2), for every machine it manages over SSH: NUTs (QEMU VMs and machines in a
// rack) and the TAHI tester host.
//  - The host key is pinned: the connection is refused unless the server shows exactly the expected key.
//  - Commands are argv arrays, each word quoted for the remote shell (shell-words.ts).
//  - One connection, opened on first use and reopened after it drops; commands may run concurrently (one
//    channel each). The SFTP session and remote forwards belong to the connection they were made on.
import { constants } from 'node:os';
import type { Duplex, Readable } from 'node:stream';
import ssh2 from 'ssh2';
import type { ClientChannel, ConnectConfig, SFTPWrapper } from 'ssh2';
import type { ExecResult } from '@testlab/core';
import { remoteCommand } from './shell-words.js';
import { SshExecTimeoutError, SshHostKeyMismatchError, type SshTarget } from './target.js';

export interface SshClientOptions {
  /** Used by exec() and stream() when the call gives no timeoutMs. Default 120 s; Infinity for none. */
  defaultTimeoutMs?: number;
  /** How long one connection attempt may take (TCP + handshake + authentication). Default 10 s. */
  connectTimeoutMs?: number;
}

export interface ExecOptions {
  /**
   * Give up after this long (connecting included): the remote command is signalled, the channel closed,
   * SshExecTimeoutError thrown. Infinity: no limit.
   */
  timeoutMs?: number;
  /** Run in this folder on the remote side (an absolute path). */
  cwd?: string;
  /** Bytes for the command's standard input; without it the command's stdin stays open and empty. */
  stdin?: Readable;
  /** The signal a timed-out command gets: KILL (default), or TERM for programs that clean up after themselves. */
  killSignal?: 'KILL' | 'TERM';
  /**
   * exec(): keep at most this much output (stdout and stderr together; default DEFAULT_MAX_OUTPUT_BYTES):
   * past it the command is killed and the result says `cutAtBytes`. A NUT printing without end cannot fill
   * the lab's memory.
   */
  maxOutputBytes?: number;
}

export const DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

export interface StreamOptions extends ExecOptions {
  /** Each chunk of output as it arrives; nothing is kept. */
  onOutput: (chunk: Buffer, from: 'stdout' | 'stderr') => void;
}

/** What a remote path is, as lstat sees it (a link is a link). */
export interface RemoteStat {
  isFile: boolean;
  /** `a regular file`, `a folder`, `a symbolic link`, `a FIFO`, `a socket`, `a device node`: for messages. */
  kind: string;
  size: number;
}

/** One entry of a remote folder listing (OpenSSH's readdir does not follow links). */
export interface RemoteEntry extends RemoteStat {
  name: string;
}

const KINDS: ReadonlyMap<number, string> = new Map([
  [0o100000, 'a regular file'], [0o040000, 'a folder'], [0o120000, 'a symbolic link'], [0o010000, 'a FIFO'],
  [0o140000, 'a socket'], [0o020000, 'a device node'], [0o060000, 'a device node'],
]);

const statOf = (attrs: { mode: number; size: number }): RemoteStat => ({
  isFile: (attrs.mode & 0o170000) === 0o100000,
  kind: KINDS.get(attrs.mode & 0o170000) ?? 'not a regular file',
  size: attrs.size,
});

interface Connection {
  client: ssh2.Client;
  sftp?: Promise<SFTPWrapper>;
}

export class SshClient {
  private connection: Connection | undefined;
  private connecting: Promise<Connection> | undefined;
  private readonly defaultTimeoutMs: number;
  private readonly connectTimeoutMs: number;

  constructor(
    readonly target: SshTarget,
    options: SshClientOptions = {},
  ) {
    this.defaultTimeoutMs = options.defaultTimeoutMs ?? 120_000;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  }

  /** Connects now (exec() would otherwise do it); rejects with SshHostKeyMismatchError on a wrong key. */
  async connect(timeoutMs?: number): Promise<void> {
    await this.connectionFor(timeoutMs ?? this.connectTimeoutMs);
  }

  /**
   * Runs argv; resolves with its exit status (128 + n when killed by signal n) and its output, at most
   * `maxOutputBytes` of it: a command that prints more is killed (137) and the result says `cutAtBytes`.
   */
  async exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    const max = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
    let kept = 0;
    let cut = false;
    const code = await this.run(argv, options, (chunk, from) => {
      if (cut) return false;
      const room = max - kept;
      (from === 'stdout' ? stdout : stderr).push(chunk.length > room ? chunk.subarray(0, room) : chunk);
      kept += Math.min(chunk.length, room);
      cut = chunk.length > room;
      return !cut;
    });
    const text = (parts: Buffer[]) => Buffer.concat(parts).toString('utf8');
    return { code, stdout: text(stdout), stderr: text(stderr), ...(cut ? { cutAtBytes: max } : {}) };
  }

  /** Runs argv, handing its output to `onOutput` as it comes (a long run's output is not kept); resolves with the exit status. */
  stream(argv: readonly string[], options: StreamOptions): Promise<number> {
    return this.run(argv, options, options.onOutput);
  }

  /** Writes a file (created or replaced) with this mode, over SFTP. */
  async writeFile(remotePath: string, content: string | Buffer, mode = 0o644): Promise<void> {
    const sftp = await this.sftp();
    await new Promise<void>((resolve, reject) => sftp.writeFile(remotePath, content, { mode }, (e) => (e ? reject(e) : resolve())));
  }

  async readFile(remotePath: string): Promise<Buffer> {
    const sftp = await this.sftp();
    return new Promise((resolve, reject) => sftp.readFile(remotePath, (e: Error | undefined | null, data: Buffer) => (e ? reject(e) : resolve(data))));
  }

  async readdir(remoteDir: string): Promise<RemoteEntry[]> {
    const sftp = await this.sftp();
    return new Promise((resolve, reject) =>
      sftp.readdir(remoteDir, (e, entries) => {
        if (e) return reject(e);
        resolve(entries.map((x) => ({ name: x.filename, ...statOf(x.attrs) })));
      }),
    );
  }

  /** What is at `remotePath` itself: a link is reported as a link, never followed. */
  async lstat(remotePath: string): Promise<RemoteStat> {
    const sftp = await this.sftp();
    return new Promise((resolve, reject) => sftp.lstat(remotePath, (e, attrs) => (e ? reject(e) : resolve(statOf(attrs)))));
  }

  /** Opens the SFTP session now (the file calls would otherwise do it): fails early on a server without the subsystem. */
  async openSftp(): Promise<void> {
    await this.sftp();
  }

  /**
   * Forwards 127.0.0.1:<port> on the server to `onConnection` here (ssh -R); port 0: the server picks one.
   * Resolves with the port the server listens on. The forward ends with this connection.
   */
  async forwardRemotePort(onConnection: (channel: Duplex) => void, port = 0): Promise<number> {
    const { client } = await this.connectionFor(this.connectTimeoutMs);
    let bound: number | undefined;
    client.on('tcp connection', (info, accept) => {
      if (bound === undefined || info.destPort === bound) onConnection(accept());
    });
    bound = await new Promise<number>((resolve, reject) => client.forwardIn('127.0.0.1', port, (e, b) => (e ? reject(e) : resolve(b))));
    return bound;
  }

  /** Ends the connection; a later call reconnects. */
  close(): void {
    const connection = this.connection;
    this.connection = undefined;
    connection?.client.end();
  }

  private sftp(): Promise<SFTPWrapper> {
    return this.connectionFor(this.connectTimeoutMs).then((connection) => {
      connection.sftp ??= new Promise<SFTPWrapper>((resolve, reject) => connection.client.sftp((e, s) => (e ? reject(e) : resolve(s)))).catch((e: unknown) => {
        connection.sftp = undefined; // the next call tries again
        throw e;
      });
      return connection.sftp;
    });
  }

  private connectionFor(timeoutMs: number): Promise<Connection> {
    if (this.connection !== undefined) return Promise.resolve(this.connection);
    this.connecting ??= this.open(timeoutMs).finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private open(timeoutMs: number): Promise<Connection> {
    const client = new ssh2.Client();
    const { target } = this;
    let presented: Buffer | undefined;
    const config: ConnectConfig = {
      host: target.host,
      port: target.port,
      username: target.username,
      privateKey: target.privateKey,
      readyTimeout: timeoutMs,
      // Keepalives notice a machine that died under an idle connection.
      keepaliveInterval: 15_000,
      keepaliveCountMax: 3,
      hostVerifier: (key: Buffer): boolean => {
        presented = key;
        return key.equals(target.hostKey);
      },
    };
    return new Promise((resolve, reject) => {
      const fail = (error: Error) => {
        client.removeAllListeners('ready');
        client.end();
        reject(presented !== undefined && !presented.equals(target.hostKey) ? new SshHostKeyMismatchError(target, presented) : error);
      };
      client.on('error', fail);
      client.on('close', () => fail(new Error(`SSH connection to ${target.host}:${target.port} closed before it was ready`)));
      client.once('ready', () => {
        client.removeAllListeners('error');
        client.removeAllListeners('close');
        // From now on errors only end this connection; the next call opens another.
        client.on('error', () => {});
        const connection: Connection = { client };
        client.once('close', () => {
          if (this.connection === connection) this.connection = undefined;
        });
        this.connection = connection;
        resolve(connection);
      });
      client.connect(config);
    });
  }

  /** `onOutput` answers false to stop the command: it is killed, and resolves 137 if no exit status comes. */
  private run(argv: readonly string[], options: ExecOptions, onOutput: (chunk: Buffer, from: 'stdout' | 'stderr') => boolean | void): Promise<number> {
    const command = remoteCommand(argv, options.cwd);
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    return new Promise<number>((resolve, reject) => {
      let channel: ClientChannel | undefined;
      let timedOut = false;
      // One timer for the whole call: connecting, opening the channel and running the command.
      const timer = Number.isFinite(timeoutMs)
        ? setTimeout(() => {
            timedOut = true;
            if (channel !== undefined) {
              // Best effort: dropbear may ignore the signal request; closing the channel ends our side anyway.
              try {
                channel.signal(options.killSignal ?? 'KILL');
              } catch {}
              channel.close();
            }
            reject(new SshExecTimeoutError(`command timed out after ${timeoutMs} ms: ${command}`));
          }, timeoutMs)
        : undefined;
      const failed = (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      };
      this.connectionFor(Math.min(timeoutMs, this.connectTimeoutMs)).then(({ client }) => {
        client.exec(command, (error, stream) => {
          if (error) return failed(error);
          if (timedOut) return stream.close();
          channel = stream;
          let code: number | undefined;
          let stopped = false;
          const output = (from: 'stdout' | 'stderr') => (chunk: Buffer) => {
            if (stopped || onOutput(chunk, from) !== false) return;
            stopped = true;
            try {
              stream.signal('KILL');
            } catch {}
            stream.close();
          };
          stream.on('data', output('stdout'));
          stream.stderr.on('data', output('stderr'));
          stream.on('exit', (exitCode: number | null, signal?: string) => {
            // Killed by a signal: report it the way POSIX shells do, 128 + signal number.
            const signalNumber = signal === undefined ? undefined : constants.signals[`SIG${signal}` as keyof typeof constants.signals];
            code = exitCode ?? 128 + (signalNumber ?? 0);
          });
          stream.on('close', () => {
            // Stopped: we closed the channel, so there may be no exit status; 137 is what the KILL would give.
            if (code === undefined && !stopped) return failed(new Error(`SSH channel closed without an exit status (connection lost?): ${command}`));
            clearTimeout(timer);
            resolve(code ?? 137);
          });
          if (options.stdin !== undefined) {
            options.stdin.once('error', (e) => {
              stream.close();
              failed(e);
            });
            options.stdin.pipe(stream);
          }
        });
      }, failed);
    });
  }
}
