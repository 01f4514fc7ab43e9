#!/usr/bin/env node
// testlab-web: serves the dashboard over the lab's database. `--config labd.yaml` reads the lab's config
// (its home, store, web and mail sections; the trigger API with its token file); without it, $TESTLAB_HOME
// (or $TESTLAB_STORE) as the CLI uses it. Loopback by default; --host to expose it. `--workers N|auto` (or
// web.workers) serves from several processes sharing the port (node's cluster): each has its own store
// connection and its own page cache.
import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { ConfigError, TokenFileError } from '@testlab/lab-config';
import { build } from './app.js';
import { openWebLab } from './lab-wiring.js';
import { listen } from './server.js';

const fail = (message: string): never => {
  process.stderr.write(`testlab-web: ${message}\n`);
  process.exit(2);
};

const USAGE = `usage: testlab-web [--config labd.yaml] [--host H] [--port P] [--public-url URL] [--workers N|auto]
  --config, -c   the lab's config: its home, web and mail sections, the trigger API with its token file
                 (without it: the lab database under $TESTLAB_HOME, the dashboard only)
  --host         address to listen on (default 127.0.0.1, or the config's web.host)
  --port         port to listen on (default 8080, or the config's web.port)
  --public-url   where visitors reach the dashboard (links in feeds and emails)
  --workers      processes serving the dashboard: 1..64, or auto for one per core (default 1, or web.workers)
  --help, -h     this text
`;

function options() {
  try {
    return parseArgs({
      options: {
        config: { type: 'string', short: 'c' },
        host: { type: 'string' },
        port: { type: 'string' },
        'public-url': { type: 'string' },
        workers: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    // parseArgs names the option (`Unknown option '--bogus'. ...`); the rest of its text is for programmers.
    const first = (error as Error).message.split('. ')[0]!;
    return fail(`${first.charAt(0).toLowerCase()}${first.slice(1)} (see --help)`);
  }
}
const values = options();
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
if (values.port !== undefined && (!/^[0-9]{1,5}$/.test(values.port) || Number(values.port) > 65535)) fail(`--port must be 0..65535, got ${JSON.stringify(values.port)}`);
if (values.workers !== undefined && values.workers !== 'auto' && !/^([1-9]|[1-5][0-9]|6[0-4])$/.test(values.workers)) fail(`--workers must be 1..64 or auto, got ${JSON.stringify(values.workers)}`);

let lab;
try {
  lab = await openWebLab({
    ...(values.config !== undefined ? { configFile: values.config } : {}),
    ...(values.host !== undefined ? { host: values.host } : {}),
    ...(values.port !== undefined ? { port: Number(values.port) } : {}),
    ...(values['public-url'] !== undefined ? { publicUrl: values['public-url'] } : {}),
  });
} catch (error) {
  // A config or token problem is the operator's to fix: the message says what and where.
  if (error instanceof ConfigError || error instanceof TokenFileError) fail((error as Error).message);
  throw error;
}
const wanted = values.workers ?? lab.workers;
const workers = wanted === 'auto' ? availableParallelism() : Number(wanted);

if (workers > 1 && cluster.isPrimary) {
  // The primary serves nothing: it keeps `workers` processes on the port and ends them with itself.
  await lab.close();
  const start = () => cluster.fork();
  for (let i = 0; i < workers; i++) start();
  let stopping = false;
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    process.stderr.write(`testlab-web: worker ${worker.process.pid} ended (${signal ?? code}); starting another\n`);
    setTimeout(start, 1000).unref();
  });
  const stop = () => {
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} else {
  const app = build({ ...lab.build, logger: { level: 'info' } });
  const opened = lab;
  const close = async () => {
    await app.close();
    await opened.close();
    // A cluster worker stays connected to its primary (an IPC channel) until it leaves: without this the
    // primary, waiting for its workers, never ended on SIGTERM.
    if (cluster.isWorker) process.exit(0);
  };
  process.once('SIGINT', () => void close());
  process.once('SIGTERM', () => void close());
  const address = await listen(app, { host: lab.host, port: lab.port });
  app.log.info({ address, features: lab.features, worker: cluster.isWorker ? cluster.worker?.id : undefined }, 'dashboard listening');
}
