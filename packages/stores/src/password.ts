// The PostgreSQL role's password, read where the lab config says: a file only its owner can read, or an
// environment variable. It goes to the connection and nowhere else: no message here ever contains it.
import { readFile, stat } from 'node:fs/promises';
import type { StoreLocation } from '@testlab/core';

export class StorePasswordError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StorePasswordError';
  }
}

export async function readPasswordFile(file: string): Promise<string> {
  const info = await stat(file).catch((e: Error) => {
    throw new StorePasswordError(`store password file ${file}: cannot read: ${e.message}`);
  });
  if (!info.isFile()) throw new StorePasswordError(`store password file ${file}: not a regular file`);
  if ((info.mode & 0o077) !== 0) {
    throw new StorePasswordError(`store password file ${file}: readable by group or others (mode ${(info.mode & 0o777).toString(8)}): chmod 600 it`);
  }
  const password = (await readFile(file, 'utf8')).replace(/\r?\n$/, '');
  if (password === '') throw new StorePasswordError(`store password file ${file}: empty`);
  if (password.includes('\n')) throw new StorePasswordError(`store password file ${file}: more than one line`);
  return password;
}

/** The password the location names, or undefined (then PGPASSWORD or ~/.pgpass, as node-postgres reads them). */
export async function storePassword(location: Extract<StoreLocation, { backend: 'postgres' }>, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  if (location.passwordFile !== undefined) return readPasswordFile(location.passwordFile);
  if (location.passwordEnv !== undefined) {
    const value = env[location.passwordEnv];
    if (value === undefined || value === '') throw new StorePasswordError(`store: passwordEnv names ${location.passwordEnv}, which is not set in this process's environment`);
    return value;
  }
  return undefined;
}
