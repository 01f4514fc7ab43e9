// Running the kernel's make (and merge_config.sh) the same way every time: argument arrays, an explicit cwd, an
// environment built from scratch (an inherited ARCH, KBUILD_OUTPUT, KCONFIG_CONFIG, LOCALVERSION or MAKEFLAGS
// would silently change what gets built), fixed build stamps, ccache when present, and output kept in a log.
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { execa } from 'execa';

export interface MakeSetup {
  makePath: string;
  srcDir: string;
  outDir: string;
  /** `CC=ccache gcc` when ccache is used: one argv word, make splits it itself. */
  makeVars: string[];
  env: Record<string, string>;
}

export interface ToolchainOptions {
  ccacheDir: string;
  /** CCACHE_BASEDIR: the folder holding every tree, so paths below it are hashed relative to the build folder. */
  ccacheBaseDir: string;
}

/** From the caller's environment only what locates programs and files; everything kbuild reads is set here. */
export function buildEnv(useCcache: boolean, options: ToolchainOptions): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'USER', 'LOGNAME']) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  return {
    ...env,
    // English, stable messages: the error text we show comes from these tools.
    LC_ALL: 'C',
    // The same tree and config give the same bytes on every build: no date, user, host or build counter inside.
    KBUILD_BUILD_TIMESTAMP: 'Sat Jan  1 00:00:00 UTC 2000',
    KBUILD_BUILD_USER: 'testlab',
    KBUILD_BUILD_HOST: 'testlab',
    KBUILD_BUILD_VERSION: '1',
    ...(useCcache ? { CCACHE_DIR: options.ccacheDir, CCACHE_BASEDIR: options.ccacheBaseDir } : {}),
  };
}

/** True when `ccache` runs; a lab without it builds the same kernel, only slower. */
export async function hasCcache(): Promise<boolean> {
  const result = await execa('ccache', ['--version'], { reject: false, extendEnv: true });
  return !result.failed;
}

/** The first line of `gcc --version`: Kconfig records the compiler in .config, so it is part of the input. */
export async function compilerVersion(): Promise<string> {
  const result = await execa('gcc', ['--version'], { reject: false, env: { LC_ALL: 'C' } });
  return result.failed ? 'gcc unavailable' : (String(result.stdout).split('\n')[0] ?? '');
}

export interface LoggedRun {
  exitCode: number;
  /** The last lines of output, for the error message. */
  tail: string[];
}

/**
 * Runs `file args` with stdout and stderr interleaved into `logPath` (appended), calling `onLine` for each line.
 * Never throws for a non-zero exit: the caller turns it into a StageError naming the step.
 */
export async function runLogged(
  file: string,
  args: string[],
  options: { cwd: string; env: Record<string, string>; logPath: string; onLine?: (line: string) => void },
): Promise<LoggedRun> {
  const log = createWriteStream(options.logPath, { flags: 'a' });
  log.write(`$ ${[file, ...args].map((a) => (/^[\w./=+:-]+$/.test(a) ? a : JSON.stringify(a))).join(' ')}\n`);
  const tail: string[] = [];
  const subprocess = execa(file, args, {
    cwd: options.cwd,
    env: options.env,
    extendEnv: false,
    all: true,
    buffer: false,
    reject: false,
    stdin: 'ignore',
  });
  for await (const line of subprocess.iterable({ from: 'all' })) {
    log.write(`${line}\n`);
    tail.push(line);
    if (tail.length > 40) tail.shift();
    options.onLine?.(line);
  }
  const result = await subprocess;
  if (result.failed && result.exitCode === undefined) {
    // Not started at all (no make in PATH): say so in the log and in the tail.
    const why = result.shortMessage ?? `${file} did not start`;
    log.write(`${why}\n`);
    tail.push(why);
  }
  log.end();
  await finished(log);
  return { exitCode: result.exitCode ?? -1, tail };
}

/** `make O=<out> <vars> <targets>` in the source folder. */
export function makeArgs(setup: MakeSetup, targets: string[]): string[] {
  return [`O=${setup.outDir}`, ...setup.makeVars, ...targets];
}

/** `make -s O=<out> kernelrelease`: a one-line answer, checked to be a plain name before anyone uses it. */
export async function makeQuery(setup: MakeSetup, target: 'kernelrelease' | 'kernelversion'): Promise<string> {
  const result = await execa(setup.makePath, ['-s', ...makeArgs(setup, [target])], {
    cwd: setup.srcDir,
    env: setup.env,
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
  });
  const answer = String(result.stdout).trim().split('\n').pop() ?? '';
  if (result.failed || !/^[A-Za-z0-9][A-Za-z0-9._+~-]{0,99}$/.test(answer)) {
    throw new Error(`make ${target} gave ${JSON.stringify(answer.slice(0, 100))} (exit ${result.exitCode ?? '?'}): ${String(result.stderr).trim().slice(0, 300)}`);
  }
  return answer;
}

/** The tail of a failed step, keeping compiler errors even when make's own lines came after them. */
export function summarizeTail(tail: readonly string[], lines = 12): string {
  const last = tail.slice(-lines);
  const firstError = tail.find((line) => /\berror\b/i.test(line));
  const shown = firstError && !last.includes(firstError) ? [firstError, '...', ...last] : last;
  return shown.map((l) => l.trim()).join(' | ');
}
