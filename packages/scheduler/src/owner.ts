// Who holds a lease. A worker's id names its host, pid and the pid's start time, so that after a kill -9
// the next lab process on the same host can tell at once that the holder is dead (a reused pid has another
// start time) and take its jobs back, instead of waiting for the leases to expire.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

function startTimeOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
    return fields[19];
  } catch {
    return undefined;
  }
}

/** `labd:<host>:<pid>:<start time>` for this process; `host` is its name in the lab (the config's host.name). */
export function workerId(role = 'labd', pid = process.pid, host = hostname()): string {
  return `${role}:${host}:${pid}:${startTimeOf(pid) ?? '?'}`;
}

/**
 * False only when the owner is provably dead: on this host (`localHost`, the name this labd goes by), and its
 * pid is gone or started at another time. Another host's process cannot be seen from here: its lease decides.
 */
export function isOwnerAlive(owner: string, localHost = hostname()): boolean {
  const parts = owner.split(':');
  if (parts.length !== 4 || parts[1] !== localHost) return true; // another host: its lease expiry decides
  const pid = Number(parts[2]);
  if (!Number.isInteger(pid) || pid <= 0) return true;
  return startTimeOf(pid) === parts[3];
}

/** The pid names a live process on this host (one we may not signal still lives). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
