// `testlab migrate-store`: moves an existing lab's history from its SQLite file into PostgreSQL (an empty
// database), before its labd and dashboard are pointed at PostgreSQL with `store:` in the lab config.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { describeStoreLocation, postgresLocation, type StoreLocation } from '@testlab/core';
import { loadLabConfig } from '@testlab/lab-config';
import { openPostgresStores } from '@testlab/store-postgres';
import { copySqliteLab, storePassword } from '@testlab/stores';
import type { LabPaths } from '../lab-paths.js';

interface Options {
  from?: string;
  to?: string;
  passwordFile?: string;
  config?: string;
}

export async function migrateStoreCommand(opts: Options, paths: () => LabPaths): Promise<number> {
  let from = opts.from !== undefined ? path.resolve(opts.from) : path.join(paths().home, 'lab.db');
  let to: StoreLocation | undefined;
  if (opts.config !== undefined) {
    const config = await loadLabConfig(opts.config);
    if (opts.from === undefined) from = path.join(config.home, 'lab.db');
    to = config.store;
    if (to === undefined) throw new Error(`${opts.config} names no PostgreSQL store (store: postgres://...): there is nowhere to migrate to`);
  }
  if (opts.to !== undefined) to = postgresLocation(opts.to, opts.passwordFile !== undefined ? { file: path.resolve(opts.passwordFile) } : {});
  if (to === undefined || to.backend !== 'postgres') throw new Error('give --to postgres://user@host/database (or --config labd.yaml with store: postgres://...)');
  if (!existsSync(from)) throw new Error(`no SQLite lab at ${from}`);
  const password = await storePassword(to);
  process.stdout.write(`copying ${describeStoreLocation({ backend: 'sqlite', file: from })} into ${describeStoreLocation(to)}\n`);
  const target = await openPostgresStores(to.url, { ...(password !== undefined ? { password } : {}), applicationName: 'testlab migrate-store' });
  try {
    const report = await copySqliteLab(from, target, (table, rows) => process.stdout.write(`  ${table.padEnd(16)} ${String(rows).padStart(9)} rows\n`));
    const total = report.tables.reduce((n, t) => n + t.rows, 0);
    process.stdout.write(`done: ${total} rows in ${(report.ms / 1000).toFixed(1)} s, every table's count checked; point the lab config's store at it\n`);
    return 0;
  } finally {
    await target.close();
  }
}

export function registerMigrateStore(program: Command, paths: () => LabPaths): void {
  program
    .command('migrate-store')
    .description("copy a lab's SQLite history (runs, results, diffs, queue, subscriptions, mail, bisections) into an empty PostgreSQL database, ids kept")
    .option('--from <lab.db>', 'the SQLite lab (default: $TESTLAB_HOME/lab.db, or the config home\'s)')
    .option('--to <url>', 'postgres://user@host:port/database (no password in it)')
    .option('--password-file <file>', 'the role\'s password, in a file only its owner can read (else PGPASSWORD or ~/.pgpass)')
    .option('--config <labd.yaml>', 'take both from the lab config: <home>/lab.db into its store')
    .action(async (opts: Options) => {
      process.exitCode = await migrateStoreCommand(opts, paths);
    });
}
