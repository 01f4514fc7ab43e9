#!/usr/bin/env node
// The dashboard benchmark on PostgreSQL, end to end: a throw-away cluster (Debian's server, a temp folder, a free
// port), the year of history generate-history.mjs made moved into it by `testlab migrate-store` (timed: the
// figure docs/deploy.md quotes), then web.mjs against it (per-page p50/p95, and with --load autocannon against
// the real dashboard process). The cluster is removed at the end.
//
//   npm run build && node infra/bench/generate-history.mjs && node infra/bench/web-postgres.mjs [--db /tmp/testlab-bench/lab.db] [--load] [--workers auto] [--identity]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startThrowawayCluster } from '@testlab/store-postgres/throwaway-cluster';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: '/tmp/testlab-bench/lab.db' },
    n: { type: 'string', default: '200' },
    load: { type: 'boolean', default: false },
    'load-only': { type: 'boolean', default: false },
    connections: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '15' },
    workers: { type: 'string', default: 'auto' },
    identity: { type: 'boolean', default: false },
  },
});
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function run(program, args) {
  const child = spawn(process.execPath, [program, ...args], { stdio: 'inherit' });
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`${path.basename(program)} ${args.join(' ')} exited ${code}`);
}

const cluster = await startThrowawayCluster();
try {
  const url = await cluster.createDatabase('bench');
  console.log(`PostgreSQL test cluster: ${url}`);
  const t0 = performance.now();
  await run(path.join(root, 'apps/cli/dist/src/main.js'), ['migrate-store', '--from', path.resolve(values.db), '--to', url, '--password-file', cluster.passwordFile]);
  console.log(`testlab migrate-store: ${((performance.now() - t0) / 1000).toFixed(1)} s for the whole command\n`);
  const passOn = ['n', 'connections', 'seconds', 'workers'].flatMap((k) => [`--${k}`, values[k]]);
  const flags = ['load', 'load-only', 'identity'].filter((k) => values[k]).map((k) => `--${k}`);
  await run(path.join(root, 'infra/bench/web.mjs'), ['--db', path.resolve(values.db), '--store', url, '--password-file', cluster.passwordFile, ...passOn, ...flags]);
} finally {
  await cluster.stop();
}
