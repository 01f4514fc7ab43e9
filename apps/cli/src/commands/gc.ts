// `testlab gc --config labd.yaml [--dry-run]`: the lab config's retention policy on this host's disk: what
// it would free (or frees), item by item, and why the runs it keeps are kept when asked.
import type { Command } from 'commander';
import { labStoreLocation, loadLabConfig } from '@testlab/lab-config';
import { bytesText, collectGarbage, type RetentionPolicy } from '@testlab/retention';
import { openLabStores } from '@testlab/stores';
import { table } from '../format.js';

const DEFAULT_POLICY: RetentionPolicy = { keepLast: 30, keepRegressions: true, keepBaselines: true, graceDays: 7 };

export async function gcCommand(opts: { config: string; dryRun?: boolean; json?: boolean }): Promise<number> {
  const config = await loadLabConfig(opts.config);
  const policy = config.retention ?? DEFAULT_POLICY;
  const stores = await openLabStores(labStoreLocation(config), { applicationName: 'testlab gc' });
  try {
    const report = await collectGarbage(stores.results, { home: config.home, cache: config.cache }, policy, { dryRun: opts.dryRun === true });
    if (opts.json) {
      process.stdout.write(`${JSON.stringify({ dryRun: opts.dryRun === true, bytes: report.plan.bytes, items: report.plan.items, keptRuns: report.decision.keepRuns.size, runs: report.runs }, null, 2)}\n`);
      return 0;
    }
    const w = (s: string) => process.stdout.write(`${s}\n`);
    w(`policy${config.retention ? '' : ' (none in the config: the defaults)'}: last ${policy.keepLast} runs of each stream, ` +
      `${policy.keepRegressions ? 'runs with regressions and what they regressed against, ' : ''}${policy.keepBaselines ? 'baselines of kept runs, ' : ''}` +
      `nothing newer than ${policy.graceDays} days`);
    w(`${report.decision.keepRuns.size} of ${report.runs} runs keep their files`);
    if (report.plan.items.length > 0) w(table(['WHAT', 'OF', 'SIZE', 'PATH'], report.plan.items.map((i) => [i.kind, i.of.slice(0, 60), bytesText(i.bytes), i.path])));
    w(`${opts.dryRun ? 'would free' : 'freed'} ${bytesText(report.plan.bytes)} in ${report.plan.items.length} item(s)${opts.dryRun ? ' (dry run: nothing removed)' : ''}`);
    return 0;
  } finally {
    await stores.close();
  }
}

export function registerGc(program: Command): void {
  program
    .command('gc')
    .description("apply the lab config's retention policy to this host's disk: old runs' files, kernels, selftests and downloads no kept run needs")
    .requiredOption('--config <labd.yaml>', 'the lab config (its home, cache, store and retention)')
    .option('--dry-run', 'only say what would be freed')
    .option('--json', 'JSON for scripts')
    .action(async (opts: { config: string; dryRun?: boolean; json?: boolean }) => {
      process.exitCode = await gcCommand(opts);
    });
}
