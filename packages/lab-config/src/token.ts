// The lab API token lives in a file only its owner can read: a token readable by other users of the lab
// host would let any of them queue runs or subscribe addresses.
import { readFile, stat } from 'node:fs/promises';

export class TokenFileError extends Error {
  constructor(readonly file: string, reason: string) {
    super(`token file ${file}: ${reason}`);
    this.name = 'TokenFileError';
  }
}

export async function readTokenFile(file: string): Promise<string> {
  const info = await stat(file).catch((e: Error) => {
    throw new TokenFileError(file, `cannot read: ${e.message}`);
  });
  if (!info.isFile()) throw new TokenFileError(file, 'not a regular file');
  if ((info.mode & 0o077) !== 0) throw new TokenFileError(file, `readable by group or others (mode ${(info.mode & 0o777).toString(8)}): chmod 600 it`);
  const token = (await readFile(file, 'utf8')).trim();
  if (token.length < 32) throw new TokenFileError(file, 'the token must be at least 32 characters');
  if (/\s/.test(token)) throw new TokenFileError(file, 'the token must be one line without spaces');
  return token;
}
