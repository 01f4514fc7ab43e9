// Copies a file from the lab host to a machine over SSH (exec `cat > tmp`, then checksum, then rename), so
// it needs nothing on the machine but a POSIX shell and sha256sum: no SFTP subsystem (dropbear images
// often lack one). The connection is the lab's SSH client's, host key pinned exactly as for commands.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { SshClient, type SshTarget } from '@testlab/transport/ssh';

export class UploadError extends Error {
  override name = 'UploadError';
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Copies `localFile` to `remotePath` (parent created), checks its sha256 there; returns the checksum.
 * `timeoutMs` bounds the connection attempt and the whole copy (default 10 s and 300 s).
 */
export async function uploadFile(target: SshTarget, localFile: string, remotePath: string, options: { timeoutMs?: number } = {}): Promise<string> {
  if (!remotePath.startsWith('/')) throw new UploadError(`remote path must be absolute: ${remotePath}`);
  const expected = await sha256Of(localFile);
  const ssh = new SshClient(target, { connectTimeoutMs: options.timeoutMs ?? 10_000 });
  const deadline = Date.now() + (options.timeoutMs ?? 300_000);
  const left = () => Math.max(deadline - Date.now(), 1);
  try {
    await ssh.connect();
    const tmp = `${remotePath}.part`;
    const dir = remotePath.slice(0, remotePath.lastIndexOf('/')) || '/';
    // The shell only redirects; both paths reach it as arguments ($1, $2), never as part of the script.
    const write = await ssh.exec(['sh', '-c', 'mkdir -p "$1" && cat > "$2"', 'sh', dir, tmp], { stdin: createReadStream(localFile), timeoutMs: left() });
    if (write.code !== 0) throw new UploadError(`writing ${tmp} on ${target.host} failed (exit ${write.code}): ${write.stderr.trim()}`);
    const sum = await ssh.exec(['sha256sum', tmp], { timeoutMs: left() });
    const got = sum.stdout.trim().split(/\s+/)[0];
    if (sum.code !== 0 || got !== expected) {
      throw new UploadError(`checksum of ${tmp} on ${target.host} is ${got ?? '?'} (exit ${sum.code}), expected ${expected}: the copy is damaged`);
    }
    const move = await ssh.exec(['mv', tmp, remotePath], { timeoutMs: left() });
    if (move.code !== 0) throw new UploadError(`renaming ${tmp} on ${target.host} failed: ${move.stderr.trim()}`);
    return expected;
  } finally {
    ssh.close();
  }
}
