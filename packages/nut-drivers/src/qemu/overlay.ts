// The per-VM initrd: the base image (no keys, shared by every VM) followed by a small overlay archive with
// the lab's keys. Linux unpacks concatenated (compressed) cpio archives in order, later entries adding to
// or replacing earlier ones, so the base image never needs rebuilding when keys change.
import { open, rm } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { newcArchive, S_IFDIR, S_IFREG } from './newc.js';
import { AUTHORIZED_KEYS_PATH, HOST_KEY_PATH } from './protocol.js';

export interface OverlayKeys {
  /** One OpenSSH public key line per client allowed to log in as root. */
  authorizedKeys: string;
  /** The NUT's SSH host key in dropbear's own format. */
  hostKey: Buffer;
}

/** The overlay, gzip-compressed. Modes matter: dropbear refuses keys in group/world-writable places. */
export function buildKeysOverlay(keys: OverlayKeys): Buffer {
  const mtime = Math.floor(Date.now() / 1000);
  const dir = (name: string, perm: number) => ({ name, mode: S_IFDIR | perm, mtime });
  const file = (name: string, data: Buffer) => ({ name, mode: S_IFREG | 0o600, data, mtime });
  const authorizedKeys = keys.authorizedKeys.endsWith('\n') ? keys.authorizedKeys : `${keys.authorizedKeys}\n`;
  return gzipSync(
    newcArchive([
      dir('root', 0o700),
      dir('root/.ssh', 0o700),
      file(AUTHORIZED_KEYS_PATH, Buffer.from(authorizedKeys)),
      dir('etc', 0o755),
      dir('etc/dropbear', 0o700),
      file(HOST_KEY_PATH, keys.hostKey),
    ]),
    { level: 1 },
  );
}

/** Writes base image + overlay to `out` (0600: it holds the host's private key). */
export async function writeCombinedInitrd(baseImage: string, overlay: Buffer, out: string): Promise<void> {
  const target = await open(out, 'w', 0o600);
  try {
    const base = await open(baseImage, 'r');
    try {
      // Stream the base in large pieces: it is a few MiB, read once per VM.
      const chunk = Buffer.alloc(1 << 20);
      for (;;) {
        const { bytesRead } = await base.read(chunk, 0, chunk.length, null);
        if (bytesRead === 0) break;
        await target.write(chunk, 0, bytesRead);
      }
    } finally {
      await base.close();
    }
    await target.write(overlay);
  } catch (error) {
    await target.close();
    await rm(out, { force: true });
    throw error;
  }
  await target.close();
}
