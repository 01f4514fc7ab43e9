// `testlab subscribe --lab URL --email ...`: asks the lab to email you about its results. The lab sends a
// confirmation email first; nothing else arrives until its link is followed.
import type { Command } from 'commander';
import { EXIT, labClient, printJson, remote, withLabOptions, type LabOptions } from './remote.js';

export interface SubscribeOptions extends LabOptions {
  email: string;
  stream?: string[];
  testset?: string[];
  casePrefix?: string;
  everyRun?: boolean;
  daily?: boolean;
  json?: boolean;
}

export async function subscribeCommand(opts: SubscribeOptions): Promise<number> {
  return remote(async () => {
    // Validation is the lab's (one set of rules for the form, the API and this command); it answers 400
    // with each problem, which remote() prints.
    const created = await labClient(opts).post<{ id: number; email: string; status: string; filter: string }>('/api/subscriptions', {
      email: opts.email,
      streams: opts.stream ?? [],
      testsets: opts.testset ?? [],
      casePrefix: opts.casePrefix ?? '',
      scope: opts.everyRun ? 'every-run' : 'regressions',
      cadence: opts.daily ? 'daily' : 'immediate',
    });
    if (opts.json) printJson(created);
    else process.stdout.write(`confirmation email sent to ${created.email}: follow its link to receive ${created.filter}\n`);
    return EXIT.ok;
  });
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function registerSubscribe(program: Command): void {
  withLabOptions(program.command('subscribe').description('get emails about regressions (or every run) of a lab (exit 2: refused as invalid, 4: token refused)'))
    .requiredOption('--email <address>', 'where to send them')
    .option('--stream <name>', 'kernel stream: mainline, stable, next, stable-6.1, 6.1 (repeatable; default all)', collect)
    .option('--testset <name>', 'test set (repeatable; default all)', collect)
    .option('--case-prefix <prefix>', 'only cases whose id starts with this, e.g. v6LC.2.')
    .option('--every-run', 'every finished run, not only regressions')
    .option('--daily', 'one digest a day instead of one email per run')
    .option('--json', 'JSON for scripts')
    .action(async (opts: SubscribeOptions) => {
      process.exitCode = await subscribeCommand(opts);
    });
}
