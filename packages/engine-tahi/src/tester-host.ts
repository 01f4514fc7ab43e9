// The TAHI tester host over SSH (ssh2): host key pinned, commands as argv (each word single-quoted for the
// remote shell), output streamed as it comes, files moved with SFTP, and a remote port forwarded back to
// the lab for the remote-control scripts.
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import ssh2 from 'ssh2';
import type { ClientChannel, SFTPWrapper } from 'ssh2';

export interface TesterHostTarget {
  host: string;
  port: number;
  username: string;
  privateKey: string | Buffer;
  /** The tester's SSH host key blob (raw wire format): the connection is refused unless it matches. */
  hostKey: Buffer;
}

export class TesterHostError extends Error {
  override name = 'TesterHostError';
}

function quote(word: string): string {
  if (word.includes('\0')) throw new TesterHostError('a command word cannot contain a NUL character');
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

function fileKind(mode: number): string {
  const kinds: Record<number, string> = { 0o100000: 'a regular file', 0o040000: 'a folder', 0o120000: 'a symbolic link', 0o010000: 'a FIFO', 0o140000: 'a socket', 0o020000: 'a device node', 0o060000: 'a device node' };
  return kinds[mode & 0o170000] ?? 'not a regular file';
}

const fp = (b: Buffer) => `SHA256:${createHash('sha256').update(b).digest('base64').replace(/=+$/, '')}`;

export class TesterHost {
  private constructor(
    private readonly client: ssh2.Client,
    private readonly sftpSession: SFTPWrapper,
    readonly target: TesterHostTarget,
  ) {}

  static connect(target: TesterHostTarget, timeoutMs = 15_000): Promise<TesterHost> {
    const client = new ssh2.Client();
    let presented: Buffer | undefined;
    return new Promise((resolve, reject) => {
      const fail = (e: Error) => {
        client.end();
        reject(
          presented && !presented.equals(target.hostKey)
            ? new TesterHostError(`tester host ${target.host}:${target.port} presented host key ${fp(presented)}, expected ${fp(target.hostKey)}: refused`)
            : new TesterHostError(`cannot reach the tester host ${target.host}:${target.port}: ${e.message}`),
        );
      };
      client.once('error', fail);
      client.once('ready', () => {
        client.sftp((error, sftp) => {
          if (error) return fail(error);
          client.removeListener('error', fail);
          client.on('error', () => {});
          resolve(new TesterHost(client, sftp, target));
        });
      });
      client.connect({
        host: target.host,
        port: target.port,
        username: target.username,
        privateKey: target.privateKey,
        readyTimeout: timeoutMs,
        keepaliveInterval: 15_000,
        hostVerifier: (key: Buffer) => {
          presented = key;
          return key.equals(target.hostKey);
        },
      });
    });
  }

  /**
   * Runs argv in `cwd` on the tester; stdout and stderr chunks go to `onOutput` as they arrive.
   * Resolves with the exit status (128 + n when killed by signal n).
   */
  run(argv: readonly string[], options: { cwd?: string; env?: Record<string, string>; onOutput?: (text: string) => void; timeoutMs?: number }): Promise<number> {
    if (argv.length === 0) throw new TesterHostError('empty command');
    const env = Object.entries(options.env ?? {}).map(([k, v]) => {
      if (!/^[A-Z_][A-Z0-9_]{0,40}$/.test(k)) throw new TesterHostError(`environment name "${k}" is not allowed`);
      return `${k}=${quote(v)}`;
    });
    const command = [...(options.cwd ? [`cd ${quote(options.cwd)} &&`] : []), ...(env.length ? ['env', ...env] : []), ...argv.map(quote)].join(' ');
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      this.client.exec(command, (error, stream: ClientChannel) => {
        if (error) return reject(new TesterHostError(`cannot start on the tester: ${error.message}`));
        let code: number | undefined;
        if (options.timeoutMs !== undefined) {
          timer = setTimeout(() => {
            try {
              stream.signal('TERM');
            } catch {}
            stream.close();
            reject(new TesterHostError(`${argv.join(' ')} on the tester took longer than ${options.timeoutMs} ms: stopped`));
          }, options.timeoutMs);
        }
        const out = (b: Buffer) => options.onOutput?.(b.toString('utf8'));
        stream.on('data', out);
        stream.stderr.on('data', out);
        stream.on('exit', (c: number | null, signal?: string) => {
          code = c ?? (signal ? 128 + (({ HUP: 1, INT: 2, KILL: 9, TERM: 15 }) as Record<string, number>)[signal]! : 255);
        });
        stream.on('close', () => {
          clearTimeout(timer);
          if (code === undefined) reject(new TesterHostError(`connection to the tester lost while running ${argv[0]}`));
          else resolve(code);
        });
      });
    });
  }

  /** Writes a file on the tester (created or replaced), with this mode. */
  put(remotePath: string, content: string | Buffer, mode = 0o644): Promise<void> {
    return new Promise((resolve, reject) => {
      this.sftpSession.writeFile(remotePath, content, { mode }, (e) => (e ? reject(new TesterHostError(`cannot write ${remotePath} on the tester: ${e.message}`)) : resolve()));
    });
  }

  async mkdirp(remotePath: string): Promise<void> {
    const code = await this.run(['mkdir', '-p', '--', remotePath], {});
    if (code !== 0) throw new TesterHostError(`cannot create ${remotePath} on the tester`);
  }

  read(remotePath: string): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      this.sftpSession.readFile(remotePath, (e: Error | undefined | null, data: Buffer) => (e ? reject(new TesterHostError(`cannot read ${remotePath} on the tester: ${e.message}`)) : resolve(data)));
    });
  }

  /** The entries of a folder with their types as lstat sees them (OpenSSH's readdir does not follow links). */
  list(remoteDir: string): Promise<{ name: string; isFile: boolean; kind: string; size: number }[]> {
    return new Promise((resolve, reject) => {
      this.sftpSession.readdir(remoteDir, (e, entries) => {
        if (e) return reject(new TesterHostError(`cannot list ${remoteDir} on the tester: ${e.message}`));
        resolve(entries.map((x) => ({ name: x.filename, isFile: (x.attrs.mode & 0o170000) === 0o100000, kind: fileKind(x.attrs.mode), size: x.attrs.size })));
      });
    });
  }

  /** What is at `remotePath` itself (a link is a link). */
  lstat(remotePath: string): Promise<{ isFile: boolean; kind: string; size: number }> {
    return new Promise((resolve, reject) => {
      this.sftpSession.lstat(remotePath, (e, attrs) =>
        e ? reject(new TesterHostError(`cannot look at ${remotePath} on the tester: ${e.message}`)) : resolve({ isFile: (attrs.mode & 0o170000) === 0o100000, kind: fileKind(attrs.mode), size: attrs.size }),
      );
    });
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
  forwardToLab(onConnection: (channel: ClientChannel) => void, port = 0): Promise<number> {
    this.client.on('tcp connection', (_info, accept) => onConnection(accept()));
    return new Promise((resolve, reject) => {
      this.client.forwardIn('127.0.0.1', port, (e, bound) => (e ? reject(new TesterHostError(`the tester refused a forwarded port: ${e.message}`)) : resolve(bound)));
    });
  }

  close(): void {
    this.client.end();
  }
}
