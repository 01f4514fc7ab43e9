// Commands are argv arrays. An SSH "exec" request carries one string that the server hands to the user's
// shell (`sh -c`), so each word is single-quoted for a POSIX shell; nothing is joined raw.

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

/** The exec request's string for argv, run in `cwd` when given (an absolute path: it can never read as an option of cd). */
export function remoteCommand(argv: readonly string[], cwd?: string): string {
  const command = shellJoin(argv);
  if (cwd === undefined) return command;
  if (!cwd.startsWith('/')) throw new Error(`a remote working folder must be an absolute path: ${JSON.stringify(cwd)}`);
  return `cd ${shellQuote(cwd)} && ${command}`;
}
