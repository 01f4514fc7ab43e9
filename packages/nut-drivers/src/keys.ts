// The lab's SSH keys, generated once per lab state folder and reused by every NUT:
//  - a client key pair the lab logs in with (root's authorized_keys on each NUT);
//  - a host key for the NUTs' dropbear, so the lab can pin it instead of trusting whatever answers.
// All four files live in <stateDir>/keys (0700), each 0600, made by ssh-keygen (openssh-client) and
// dropbearkey. They are created in a temporary folder that is renamed into place, so two lab processes
// starting at once end up using the same keys.
import { mkdir, readFile, rename, rm, chmod, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import ssh2 from 'ssh2';
import { publicKeyBlob } from '@testlab/core';

export interface LabKeys {
  /** OpenSSH-format private key of the lab's client key. */
  clientPrivateKey: string;
  /** `ssh-ed25519 AAAA... testlab` line, for authorized_keys. */
  clientPublicKey: string;
  /** The NUT host key in dropbear's format (dropbear -r). */
  hostKeyFile: string;
  /** `ssh-ed25519 AAAA...` line of the host key. */
  hostPublicKey: string;
  /** The host key's raw SSH public key blob: what the SSH client pins. */
  hostKeyBlob: Buffer;
}

export interface KeyOptions {
  /** The dropbearkey program (package dropbear-bin). */
  dropbearkey?: string;
}

const FILES = {
  clientPrivate: 'lab_client_ed25519',
  clientPublic: 'lab_client_ed25519.pub',
  hostKey: 'nut_host_ed25519',
  hostPublic: 'nut_host_ed25519.pub',
} as const;

/**
 * An ed25519 key pair in OpenSSH's formats, made by OpenSSH's own ssh-keygen. Not ssh2's generateKeyPairSync:
 * it strips every leading zero byte of the public key, so the 1 key in 256 whose public key starts with 0x00
 * comes out malformed (its own parseKey refuses it; seen as a lab whose fresh keys were "damaged").
 */
export async function generateEd25519KeyPair(comment: string): Promise<{ private: string; public: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'testlab-keygen-'));
  try {
    const file = join(dir, 'key');
    await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file], { stdin: 'ignore' });
    return { private: await readFile(file, 'utf8'), public: (await readFile(`${file}.pub`, 'utf8')).trim() };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function generateInto(dir: string, dropbearkey: string): Promise<void> {
  const client = await generateEd25519KeyPair('testlab');
  await writeFile(join(dir, FILES.clientPrivate), client.private, { mode: 0o600 });
  await writeFile(join(dir, FILES.clientPublic), `${client.public}\n`, { mode: 0o600 });

  const hostKey = join(dir, FILES.hostKey);
  await execa(dropbearkey, ['-t', 'ed25519', '-f', hostKey], { stdin: 'ignore' });
  await chmod(hostKey, 0o600);
  // `dropbearkey -y` prints a header, the public key line, then a fingerprint.
  const { stdout } = await execa(dropbearkey, ['-y', '-f', hostKey], { stdin: 'ignore' });
  const line = stdout.split('\n').find((l) => l.startsWith('ssh-ed25519 '));
  if (line === undefined) throw new Error(`dropbearkey -y printed no ssh-ed25519 line:\n${stdout}`);
  const [type, base64] = line.split(' ');
  await writeFile(join(dir, FILES.hostPublic), `${type} ${base64} testlab-nut\n`, { mode: 0o600 });
}

async function load(dir: string): Promise<LabKeys> {
  const read = (name: string) => readFile(join(dir, name), 'utf8');
  try {
    const clientPrivateKey = await read(FILES.clientPrivate);
    const clientPublicKey = (await read(FILES.clientPublic)).trim();
    const hostPublicKey = (await read(FILES.hostPublic)).trim();
    const parsed = ssh2.utils.parseKey(clientPrivateKey);
    if (parsed instanceof Error) throw parsed;
    return { clientPrivateKey, clientPublicKey, hostKeyFile: join(dir, FILES.hostKey), hostPublicKey, hostKeyBlob: publicKeyBlob(hostPublicKey) };
  } catch (error) {
    throw new Error(`lab keys in ${dir} are incomplete or damaged; remove that folder to have them generated again`, { cause: error });
  }
}

/** The lab's keys under `<stateDir>/keys`, generated on first use. */
export async function ensureLabKeys(stateDir: string, options: KeyOptions = {}): Promise<LabKeys> {
  const dir = join(stateDir, 'keys');
  await mkdir(stateDir, { recursive: true });
  try {
    return await load(dir);
  } catch (error) {
    if ((error as { cause?: { code?: string } }).cause?.code !== 'ENOENT') throw error;
  }
  const temp = await mkdtemp(join(stateDir, 'keys.tmp-'));
  try {
    await chmod(temp, 0o700);
    await generateInto(temp, options.dropbearkey ?? 'dropbearkey');
    try {
      await rename(temp, dir);
    } catch (error) {
      // Another process won the race (or left an empty folder): use what is there.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
    }
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
  return load(dir);
}
