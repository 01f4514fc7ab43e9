// Who the lab talks to over SSH and how that can go wrong, without loading an SSH library: the target with
// its pinned host key, and the errors every SSH user of the lab sees (one type each).
import { createHash } from 'node:crypto';

export interface SshTarget {
  host: string;
  port: number;
  username: string;
  privateKey: string | Buffer;
  /** The server's public host key blob (raw SSH wire format): the connection is refused unless it is presented. */
  hostKey: Buffer;
}

/** The server presented another host key than the pinned one: never retried, never accepted. */
export class SshHostKeyMismatchError extends Error {
  override name = 'SshHostKeyMismatchError';
  constructor(target: SshTarget, presented: Buffer) {
    super(`SSH server ${target.host}:${target.port} presented host key ${fingerprint(presented)}, expected ${fingerprint(target.hostKey)}: refused`);
  }
}

/** A command ran longer than it was given: it was signalled and its channel closed. */
export class SshExecTimeoutError extends Error {
  override name = 'SshExecTimeoutError';
}

/** `SHA256:...` as OpenSSH prints fingerprints, for messages. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}
