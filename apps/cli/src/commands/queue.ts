// `testlab queue`: the lab daemon's job queue as the operator sees it: what waits, what runs where, what
// failed and whose fault it was. Read-only: labd owns the queue.
import { existsSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { wireJobPayload, type JobRecord, type JobStatus } from '@testlab/core';
import { envStoreLocation } from '@testlab/lab-config';
import { openLabStores } from '@testlab/stores';
import type { LabPaths } from '../lab-paths.js';
import { table } from '../format.js';

const STATUSES: readonly JobStatus[] = ['queued', 'leased', 'done', 'failed'];

function describe(job: JobRecord): string[] {
  const what = job.kind === 'bisect' ? `bisection ${job.payload.bisectionId}`
    : job.kind === 'run' ? `${job.payload.version.text} ${job.payload.testset}` : `${job.payload.version.text} (${job.payload.profile})`;
  const where = job.status === 'leased' ? (job.nut ?? 'build host') : job.kind !== 'build' && job.requires ? `${job.requires.profile}/${job.requires.mode}` : '';
  const detail = job.status === 'failed' || (job.status === 'queued' && job.error)
    ? `${job.failureOwner ?? ''}: ${job.error ?? ''}`.slice(0, 100)
    : job.result && typeof job.result.runId === 'number' ? `run ${job.result.runId}${job.result.alreadyTested === true ? ' (already tested: not run again)' : ''}` : '';
  return [String(job.id), job.kind, job.status, String(job.priority), what, where, `${job.attempts}/${job.maxAttempts}`, detail];
}

export function registerQueue(program: Command, paths: () => LabPaths): void {
  program
    .command('queue')
    .description("list the lab daemon's jobs: builds and runs, queued, running (on which NUT), done, failed (the kernel's or the lab's fault)")
    .option('--status <status>', `only jobs in this state (${STATUSES.join(', ')})`, (v: string) => {
      if (!STATUSES.includes(v as JobStatus)) throw new InvalidArgumentError(`one of ${STATUSES.join(', ')}`);
      return v as JobStatus;
    })
    .option('--json', 'JSON for scripts')
    .action(async (opts: { status?: JobStatus; json?: boolean }) => {
      const location = envStoreLocation(process.env, paths().home);
      if (location.backend === 'sqlite' && !existsSync(location.file)) throw new Error(`no lab database at ${location.file}: labd has not run with this TESTLAB_HOME`);
      const stores = await openLabStores(location, { applicationName: 'testlab queue' });
      const { queue } = stores;
      try {
        const jobs = await queue.list(opts.status ? { status: opts.status } : {});
        // The payloads as the queue stores them: versions as their text.
        if (opts.json) process.stdout.write(`${JSON.stringify(jobs.map((j) => ({ ...j, payload: wireJobPayload(j) })), null, 2)}\n`);
        else if (jobs.length === 0) process.stdout.write('no jobs\n');
        else process.stdout.write(`${table(['id', 'kind', 'status', 'prio', 'kernel / set', 'where', 'tries', 'detail'], jobs.map(describe))}\n`);
      } finally {
        await stores.close();
      }
    });
}
