// `testlab status [--lab URL]`: what a lab is doing: its queue, runs in progress, NUTs. From the local store
// (labd's queue and the CLI's runs share lab.db) or a running lab's /api/status: both are the store's
// ResultsQuery.labStatus().
import type { Command } from 'commander';
import type { LabStatus } from '@testlab/core';
import { table } from '../format.js';
import type { LabPaths } from '../lab-paths.js';
import { withLocalLab } from '../wiring.js';
import { EXIT, labClient, labGiven, printJson, remote, withLabOptions, type LabOptions } from './remote.js';

export async function statusCommand(opts: LabOptions & { json?: boolean }, paths: () => LabPaths): Promise<number> {
  return remote(async () => {
    const status = labGiven(opts)
      ? await labClient(opts).get<LabStatus>('/api/status')
      : await withLocalLab(paths(), (lab) => lab.results.labStatus());
    if (opts.json) {
      printJson(status);
      return EXIT.ok;
    }
    const w = (s: string) => process.stdout.write(`${s}\n`);
    w(`queue: ${status.queue.queued} waiting, ${status.queue.leased} in progress; ${status.totals.runs} runs of ${status.totals.kernels} kernels stored`);
    w('');
    if (status.running.length === 0) w('no run in progress');
    else {
      w(
        table(
          ['RUN', 'KERNEL', 'TESTSET', 'NUT', 'STAGE', 'DETAIL'],
          status.running.map(({ run, stage }) => [String(run.id), run.kernelVersion ?? '-', run.testset, run.nut, stage?.stage ?? '-', stage?.detail ?? '']),
        ),
      );
    }
    if (status.nuts.length > 0) {
      w('');
      w(table(['NUT', 'RUNNING', 'LAST RUN (UTC)'], status.nuts.map((n) => [n.nut, String(n.running), n.lastRunAt?.replace('T', ' ').slice(0, 19) ?? '-'])));
    }
    // An older lab's API has no hosts.
    if ((status.hosts ?? []).length > 0) {
      w('');
      w(table(['HOST', 'ROLES', 'NUTS', 'LAST HEARTBEAT (UTC)', 'LEFT'], status.hosts.map((h) => [
        h.name, h.roles.join(','), h.nuts.map((n) => n.name).join(',') || '-', h.lastSeenAt.replace('T', ' ').slice(0, 19), h.leftAt ? 'yes' : '',
      ])));
    }
    return EXIT.ok;
  });
}

export function registerStatus(program: Command, paths: () => LabPaths): void {
  withLabOptions(program.command('status').description("a lab's queue, runs in progress and NUTs, from the local store or a running lab (exit 1: lab unreachable)"), true)
    .option('--json', 'JSON for scripts')
    .action(async (opts) => {
      process.exitCode = await statusCommand(opts, paths);
    });
}
