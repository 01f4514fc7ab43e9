#!/usr/bin/env node
// labd: the lab daemon. `labd --config /etc/testlab/labd.yaml` runs until SIGTERM/SIGINT;
// `--check` validates the config and exits; `--once` plans, works until the queue is idle, and exits.
import { parseArgs } from 'node:util';
import pino from 'pino';
import { ConfigError, loadLabConfig } from '@testlab/lab-config';
import { startDaemon } from './daemon.js';

const log = pino({ name: 'labd', level: process.env.LABD_LOG_LEVEL ?? 'info' });

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { config: { type: 'string', short: 'c' }, check: { type: 'boolean' }, once: { type: 'boolean' } },
    strict: true,
  });
  if (values.config === undefined) {
    process.stderr.write('usage: labd --config <labd.yaml> [--check | --once]\n');
    return 2;
  }
  const config = await loadLabConfig(values.config);
  if (values.check) {
    process.stdout.write(`${values.config}: valid (${config.nuts.length} NUTs, test sets ${config.testsets.run.join(', ')})\n`);
    return 0;
  }
  const daemon = await startDaemon(config, log);
  if (values.once) {
    await daemon.worker?.idle();
    await daemon.stop();
    return 0;
  }
  // Loops wait on unreferenced timers; with the database away (no open socket) nothing else would keep the
  // process alive until the signal comes.
  const alive = setInterval(() => undefined, 1 << 30);
  await new Promise<void>((resolve) => {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      signals++;
      log.info({ signal }, signals === 1 ? 'shutdown requested' : 'shutdown already in progress');
      if (signals === 1) void daemon.stop().then(resolve, (error: unknown) => {
        log.error({ error: (error as Error).message }, 'shutdown failed');
        resolve();
      });
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  clearInterval(alive);
  // Work whose lease was released may still hold timers or child processes: leave now (QEMU children end
  // with us), rather than let them write to a closed store.
  process.exit(0);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // What the operator must fix (the config, a token or password file, a database newer than this labd)
    // is said in one line and exits 2; anything else is the lab's failure, with its stack.
    const theirs = error instanceof ConfigError || ['StorePasswordError', 'ResultsServiceRefusedError', 'SchemaTooNewError', 'TokenFileError'].includes((error as Error)?.name);
    if (theirs) process.stderr.write(`labd: ${(error as Error).message}\n`);
    else log.fatal({ error: error instanceof Error ? error.stack : String(error) }, 'labd failed');
    process.exitCode = theirs ? 2 : 1;
  },
);
