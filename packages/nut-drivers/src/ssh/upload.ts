// Copies a file from the lab host to a machine over SSH (exec `cat > tmp`, then checksum, then rename), so
// it needs nothing on the machine but a POSIX shell and sha256sum: no SFTP subsystem (dropbear images
// often lack one). The host key is pinned exactly as for commands.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import ssh2 from 'ssh2';
import { shellQuote, SshHostKeyMismatchError, fingerprint, type SshTarget } from '../ssh-exec.js';

export class UploadError extends Error {
  override name = 'UploadError';
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function connect(target: SshTarget, timeoutMs: number): Promise<ssh2.Client> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    let presented: Buffer | undefined;
    client.once('ready', () => resolve(client));
    client.once('error', (error) => {
      if (presented !== undefined && !presented.equals(target.hostKey)) {
        reject(new SshHostKeyMismatchError(`SSH host key of ${target.host}:${target.port} is ${fingerprint(presented)}, expected ${fingerprint(target.hostKey)}: refused`));
      } else reject(error);
    });
    client.connect({
      host: target.host, port: target.port, username: target.username, privateKey: target.privateKey, readyTimeout: timeoutMs,
      hostVerifier: (key: Buffer) => {
        presented = key;
        return key.equals(target.hostKey);
      },
    });
  });
}

function run(client: ssh2.Client, command: string, input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    client.exec(command, (error, stream) => {
      if (error) return reject(error);
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let code = -1;
      stream.on('data', (c: Buffer) => out.push(c));
      stream.stderr.on('data', (c: Buffer) => err.push(c));
      stream.on('exit', (c: number | null) => (code = c ?? -1));
      stream.on('close', () => resolve({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }));
      if (input === undefined) stream.end();
      else {
        const file = createReadStream(input);
        file.on('error', (e) => {
          stream.close();
          reject(e);
        });
        file.pipe(stream);
      }
    });
  });
}

/** Copies `localFile` to `remotePath` (parent created), checks its sha256 there; returns the checksum. */
export async function uploadFile(target: SshTarget, localFile: string, remotePath: string, options: { timeoutMs?: number } = {}): Promise<string> {
  if (!remotePath.startsWith('/')) throw new UploadError(`remote path must be absolute: ${remotePath}`);
  const expected = await sha256Of(localFile);
  const client = await connect(target, options.timeoutMs ?? 10_000);
  const timer = setTimeout(() => client.end(), options.timeoutMs ?? 300_000);
  try {
    const tmp = `${remotePath}.part`;
    const dir = remotePath.slice(0, remotePath.lastIndexOf('/')) || '/';
    const write = await run(client, `mkdir -p ${shellQuote(dir)} && cat > ${shellQuote(tmp)}`, localFile);
    if (write.code !== 0) throw new UploadError(`writing ${tmp} on ${target.host} failed (exit ${write.code}): ${write.stderr.trim()}`);
    const sum = await run(client, `sha256sum ${shellQuote(tmp)}`);
    const got = sum.stdout.trim().split(/\s+/)[0];
    if (sum.code !== 0 || got !== expected) {
      throw new UploadError(`checksum of ${tmp} on ${target.host} is ${got ?? '?'} (exit ${sum.code}), expected ${expected}: the copy is damaged`);
    }
    const move = await run(client, `mv ${shellQuote(tmp)} ${shellQuote(remotePath)}`);
    if (move.code !== 0) throw new UploadError(`renaming ${tmp} on ${target.host} failed: ${move.stderr.trim()}`);
    return expected;
  } finally {
    clearTimeout(timer);
    client.end();
  }
}
