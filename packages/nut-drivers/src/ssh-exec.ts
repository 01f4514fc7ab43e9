// Runs commands on a machine over SSH (ssh2), for every NUT driver that manages its NUT over SSH.
//  - The host key is pinned: the connection is refused unless the server shows exactly the expected key.
//  - Commands are argv arrays. An SSH "exec" request carries one string that the server hands to the
//    user's shell (`sh -c`), so each word is single-quoted for a POSIX shell; nothing is joined raw.
import { createHash } from 'node:crypto';
import { constants } from 'node:os';
import ssh2 from 'ssh2';
import type { ClientChannel, ConnectConfig } from 'ssh2';
import type { ExecResult } from '@testlab/core';

export interface SshTarget {
  host: string;
  port: number;
  username: string;
  privateKey: string | Buffer;
  /** The server's public host key blob (raw SSH wire format) that must be presented. */
  hostKey: Buffer;
}

export class SshHostKeyMismatchError extends Error {
  override name = 'SshHostKeyMismatchError';
}

export class SshExecTimeoutError extends Error {
  override name = 'SshExecTimeoutError';
}

/** `SHA256:...` as OpenSSH prints fingerprints, for messages. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/**
 * One word for a POSIX shell: inside single quotes nothing is special, and a single quote itself is
 * written as '\'' (end quote, escaped quote, reopen). NUL cannot be passed through a shell at all.
 */
export function shellQuote(word: string): string {
  if (word.includes('\0')) throw new Error('a command word cannot contain a NUL character');
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

export function shellJoin(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('empty command');
  return argv.map(shellQuote).join(' ');
}

export interface ExecOptions {
  /** Give up after this long: the remote command is signalled, the channel closed, SshExecTimeoutError thrown. */
  timeoutMs?: number;
  /**
   * Keep at most this much output (stdout and stderr together; default DEFAULT_MAX_OUTPUT_BYTES): past it
   * the command is killed and the result says `cutAtBytes`. A NUT printing without end cannot fill the lab's memory.
   */
  maxOutputBytes?: number;
}

export const DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

export interface SshRunnerOptions {
  /** Used by exec() when the call gives no timeoutMs. */
  defaultTimeoutMs?: number;
  /** How long one connection attempt may take (TCP + handshake + authentication). */
  connectTimeoutMs?: number;
}

/**
 * One SSH connection, opened on first use and reopened after it drops; exec() may run concurrently
 * (one channel each).
 */
export class SshCommandRunner {
  private client: ssh2.Client | undefined;
  private connecting: Promise<ssh2.Client> | undefined;
  private readonly defaultTimeoutMs: number;
  private readonly connectTimeoutMs: number;

  constructor(
    readonly target: SshTarget,
    options: SshRunnerOptions = {},
  ) {
    this.defaultTimeoutMs = options.defaultTimeoutMs ?? 120_000;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  }

  /** Connects now (exec() would otherwise do it); rejects with SshHostKeyMismatchError on a wrong key. */
  async connect(timeoutMs?: number): Promise<void> {
    await this.clientFor(timeoutMs ?? this.connectTimeoutMs);
  }

  private clientFor(timeoutMs: number): Promise<ssh2.Client> {
    if (this.client !== undefined) return Promise.resolve(this.client);
    this.connecting ??= this.open(timeoutMs).finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private open(timeoutMs: number): Promise<ssh2.Client> {
    const client = new ssh2.Client();
    const { target } = this;
    let presented: Buffer | undefined;
    const config: ConnectConfig = {
      host: target.host,
      port: target.port,
      username: target.username,
      privateKey: target.privateKey,
      readyTimeout: timeoutMs,
      // Keepalives notice a NUT that died under an idle connection.
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
        if (presented !== undefined && !presented.equals(target.hostKey)) {
          reject(
            new SshHostKeyMismatchError(
              `SSH host key of ${target.host}:${target.port} is ${fingerprint(presented)}, expected ${fingerprint(target.hostKey)}: refused`,
            ),
          );
        } else {
          reject(error);
        }
      };
      client.on('error', fail);
      client.on('close', () => fail(new Error(`SSH connection to ${target.host}:${target.port} closed before it was ready`)));
      client.once('ready', () => {
        client.removeAllListeners('error');
        client.removeAllListeners('close');
        // From now on errors only end this connection; the next exec() opens another.
        client.on('error', () => {});
        client.once('close', () => {
          if (this.client === client) this.client = undefined;
        });
        this.client = client;
        resolve(client);
      });
      client.connect(config);
    });
  }

  async exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const command = shellJoin(argv);
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    return new Promise<ExecResult>((resolve, reject) => {
      let channel: ClientChannel | undefined;
      let timedOut = false;
      // One timer for the whole call: connecting, opening the channel and running the command.
      const timer = setTimeout(() => {
        timedOut = true;
        if (channel !== undefined) {
          // Best effort: dropbear may ignore the signal request; closing the channel ends our side anyway.
          try {
            channel.signal('KILL');
          } catch {}
          channel.close();
        }
        reject(new SshExecTimeoutError(`command timed out after ${timeoutMs} ms: ${command}`));
      }, timeoutMs);
      const failed = (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      };
      this.clientFor(Math.min(timeoutMs, this.connectTimeoutMs)).then((client) => {
        client.exec(command, (error, stream) => {
          if (error) return failed(error);
          if (timedOut) return stream.close();
          channel = stream;
          const stdout: Buffer[] = [];
          const stderr: Buffer[] = [];
          const max = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
          let kept = 0;
          let cut = false;
          let code: number | undefined;
          const take = (into: Buffer[]) => (chunk: Buffer) => {
            if (cut) return;
            const room = max - kept;
            into.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
            kept += Math.min(chunk.length, room);
            if (chunk.length <= room) return;
            cut = true;
            try {
              stream.signal('KILL');
            } catch {}
            stream.close();
          };
          stream.on('data', take(stdout));
          stream.stderr.on('data', take(stderr));
          stream.on('exit', (exitCode: number | null, signal?: string) => {
            // Killed by a signal: report it the way POSIX shells do, 128 + signal number.
            const signalNumber = signal === undefined ? undefined : constants.signals[`SIG${signal}` as keyof typeof constants.signals];
            code = exitCode ?? 128 + (signalNumber ?? 0);
          });
          stream.on('close', () => {
            // Cut: we closed the channel, so there may be no exit status; 137 is what the KILL would give.
            if (code === undefined && !cut) return failed(new Error(`SSH channel closed without an exit status (connection lost?): ${command}`));
            clearTimeout(timer);
            const text = (parts: Buffer[]) => Buffer.concat(parts).toString('utf8');
            resolve({ code: code ?? 137, stdout: text(stdout), stderr: text(stderr), ...(cut ? { cutAtBytes: max } : {}) });
          });
        });
      }, failed);
    });
  }

  /** Ends the connection; exec() afterwards reconnects. */
  close(): void {
    const client = this.client;
    this.client = undefined;
    client?.end();
  }
}
