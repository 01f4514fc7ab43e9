// Identifying and ending processes by id without ever hitting the wrong one. A pid alone can be reused by
// an unrelated process after ours ended, so every check pairs it with the process's start time
// (field 22 of /proc/<pid>/stat, in clock ticks since boot), which a reused pid does not share.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ProcessIdentity {
  pid: number;
  /** /proc/<pid>/stat starttime, as a decimal string. */
  startTime: string;
}

/** The start time of a live (not zombie) process, or undefined if there is none with that pid. */
export function processStartTime(pid: number): string | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may itself hold spaces or parentheses.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  if (state === 'Z' || state === 'X') return undefined;
  return fields[19];
}

export function isAlive(process: ProcessIdentity): boolean {
  return processStartTime(process.pid) === process.startTime;
}

export function identify(pid: number): ProcessIdentity | undefined {
  const startTime = processStartTime(pid);
  return startTime === undefined ? undefined : { pid, startTime };
}

/** True when /proc/<pid>/cmdline is a qemu-system-* started with `-name <qemuName>`. */
export function isQemuNamed(pid: number, qemuName: string): boolean {
  let argv: string[];
  try {
    argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return false;
  }
  if (!basename(argv[0] ?? '').startsWith('qemu-system-')) return false;
  const at = argv.indexOf('-name');
  // `-name` also accepts `name,process=...,debug-threads=...`: compare the part before the first comma.
  return at >= 0 && argv[at + 1]?.split(',')[0] === qemuName;
}

async function waitGone(process: ProcessIdentity, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(process)) {
    if (Date.now() >= deadline) return false;
    await sleep(50);
  }
  return true;
}

/**
 * SIGTERM, then SIGKILL after `graceMs`, re-checking the identity before each signal. Resolves once the
 * process is gone (a zombie counts as gone: its parent reaps it). Returns false if it outlived SIGKILL.
 */
export async function terminate(process: ProcessIdentity, graceMs: number): Promise<boolean> {
  for (const [signal, wait] of [['SIGTERM', graceMs], ['SIGKILL', 5_000]] as const) {
    if (!isAlive(process)) return true;
    try {
      globalThis.process.kill(process.pid, signal);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') return true;
      throw error;
    }
    if (await waitGone(process, wait)) return true;
  }
  return !isAlive(process);
}
