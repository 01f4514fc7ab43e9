// Bookkeeping of running VMs: <stateDir>/vms/<id>.json exists while the VM runs, so a lab process that
// died can be cleaned up after by the next one (reapStale). A record names the QEMU process (pid + start
// time + its -name) and the lab process that owns it. It is first written before any of the VM's files,
// without QEMU: a lab process killed between writing the initrd and starting QEMU leaves no file that
// nobody owns.
import { mkdir, readdir, readFile, rm, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { identify, isAlive, isQemuNamed, terminate, type ProcessIdentity } from './processes.js';

export interface VmRecord {
  id: string;
  /** QEMU's `-name`, `testlab-<id>`. */
  qemuName: string;
  /** The NUT's name in logs, `qemu-<id>`. */
  name: string;
  /** Absent while the VM's files are prepared, before QEMU runs. */
  qemu?: ProcessIdentity;
  owner: ProcessIdentity;
  startedAt: string;
}

export const vmsDir = (stateDir: string) => join(stateDir, 'vms');
/** QEMU's `-name` for a VM id: also how reapStale recognises our QEMU processes in /proc/<pid>/cmdline. */
export const qemuNameOf = (id: string) => `testlab-${id}`;
const recordPath = (stateDir: string, id: string) => join(vmsDir(stateDir), `${id}.json`);

/** Every file of a VM under vms/: record, pid file, initrd. */
export function vmFiles(stateDir: string, id: string) {
  const dir = vmsDir(stateDir);
  return { record: recordPath(stateDir, id), pidFile: join(dir, `${id}.pid`), initrd: join(dir, `${id}.initrd.gz`), qmp: join(dir, `${id}.qmp`) };
}

export async function writeRecord(stateDir: string, record: VmRecord): Promise<void> {
  await mkdir(vmsDir(stateDir), { recursive: true });
  const path = recordPath(stateDir, record.id);
  // Written whole then renamed: a reader never sees half a record. The temporary name carries the writer's
  // pid, so a writer killed between the two steps leaves a file reapStale can tell is nobody's.
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(record, null, 2)}\n`);
  await rename(tmp, path);
}

export async function removeVmFiles(stateDir: string, id: string): Promise<void> {
  const files = vmFiles(stateDir, id);
  await Promise.all([files.record, files.pidFile, files.initrd, files.qmp].map((f) => rm(f, { force: true })));
}

async function readRecords(stateDir: string): Promise<{ id: string; record: VmRecord | undefined }[]> {
  let names: string[];
  try {
    names = await readdir(vmsDir(stateDir));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const result: { id: string; record: VmRecord | undefined }[] = [];
  for (const name of names.filter((n) => n.endsWith('.json'))) {
    const id = name.slice(0, -'.json'.length);
    try {
      result.push({ id, record: JSON.parse(await readFile(join(vmsDir(stateDir), name), 'utf8')) as VmRecord });
    } catch {
      result.push({ id, record: undefined }); // unreadable: only its files are removed
    }
  }
  return result;
}

async function pidFileQemu(stateDir: string, id: string): Promise<ProcessIdentity | undefined> {
  const text = await readFile(vmFiles(stateDir, id).pidFile, 'utf8').catch(() => '');
  return /^\d+$/.test(text.trim()) ? identify(Number(text.trim())) : undefined;
}

/**
 * Ends VMs whose lab process is gone. A VM is killed only if its recorded pid is alive with the recorded
 * start time AND /proc/<pid>/cmdline is a qemu with our `-name`. VMs whose owner is still alive are left
 * alone (another lab run sharing the state folder, or this process's own running NUTs, listed in
 * `liveIds`). Returns how many VMs were killed.
 */
export async function reapStaleVms(stateDir: string, liveIds: ReadonlySet<string>, graceMs: number): Promise<number> {
  const self = identify(process.pid);
  let killed = 0;
  // Half-written records of writers that are gone (killed between writing and renaming).
  for (const name of await readdir(vmsDir(stateDir)).catch(() => [] as string[])) {
    const pid = /^[0-9a-f]+\.json\.(\d+)\.tmp$/.exec(name)?.[1];
    if (pid !== undefined && Number(pid) !== process.pid && identify(Number(pid)) === undefined) await rm(join(vmsDir(stateDir), name), { force: true });
  }
  for (const { id, record } of await readRecords(stateDir)) {
    if (record !== undefined) {
      const ownedBySelf = self !== undefined && record.owner.pid === self.pid && record.owner.startTime === self.startTime;
      if (ownedBySelf ? liveIds.has(id) : isAlive(record.owner)) continue;
      // Killed after QEMU started but before its pid was recorded: QEMU's own pid file names it.
      const qemu = record.qemu ?? (await pidFileQemu(stateDir, id));
      if (qemu !== undefined && isAlive(qemu) && isQemuNamed(qemu.pid, record.qemuName)) {
        if (!(await terminate(qemu, graceMs))) throw new Error(`stale VM ${record.name} (pid ${qemu.pid}) survived SIGKILL`);
        killed++;
      }
    }
    await removeVmFiles(stateDir, id);
  }
  return killed;
}
