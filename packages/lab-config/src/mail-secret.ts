// The secret that signs subscription links. Named in the config (checked by notify), or made by the lab:
// 32 random bytes in <home>/mail-secret, mode 600, written once and kept (a new one would invalidate the
// links already mailed). labd and the dashboard read the same file, so links one signs the other accepts.
import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { secretProblem, type MailConfig } from '@testlab/notify';
import { ConfigError, type LabConfig } from './config.js';

/** The config's mail section with its secret, or undefined when the lab sends no mail. */
export async function mailConfigOf(config: LabConfig): Promise<MailConfig | undefined> {
  if (config.mail === undefined) return undefined;
  const secret = config.mail.secret ?? (await labMailSecret(path.join(config.home, 'mail-secret')));
  return { ...config.mail, secret };
}

/** Reads the secret file, making it first when there is none. */
export async function labMailSecret(file: string): Promise<string> {
  if ((await stat(file).catch(() => undefined)) === undefined) await create(file);
  const info = await stat(file);
  const refuse = (why: string) => new ConfigError(file, [`the mail link secret: ${why}`]);
  if (!info.isFile()) throw refuse('not a regular file');
  if ((info.mode & 0o077) !== 0) throw refuse(`readable by group or others (mode ${(info.mode & 0o777).toString(8)}): chmod 600 it`);
  const secret = (await readFile(file, 'utf8')).trim();
  const problem = secretProblem(secret);
  if (problem) throw refuse(problem);
  return secret;
}

// Written beside and linked into place: link() fails if the name exists, so of two processes starting at
// once one secret wins and both read it; nobody ever sees a half-written file.
async function create(file: string): Promise<void> {
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(tmp, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(tmp, file).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e;
    });
  } finally {
    await rm(tmp, { force: true });
  }
}
