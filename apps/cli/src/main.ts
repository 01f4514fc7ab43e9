#!/usr/bin/env node
// testlab: the command line of the lab. Only wiring lives here; the work is in packages/.
import { Command, InvalidArgumentError } from 'commander';
import { parseKernelVersion } from '@testlab/core';
import { labPaths } from './lab-paths.js';
import { openLabStore } from './wiring.js';
import { runCommand } from './commands/run.js';
import { showRunCommand } from './commands/show.js';
import { registerRuns } from './commands/runs.js';
import { registerImportTahi } from './commands/import-tahi.js';
import { registerTestsets } from './commands/testsets.js';
import { registerWatch } from './commands/watch.js';
import { registerStatus } from './commands/status.js';
import { registerDiff } from './commands/diff.js';
import { registerSubscribe } from './commands/subscribe.js';
import { registerQueue } from './commands/queue.js';
import { registerMigrateStore } from './commands/migrate-store.js';
import { registerGc } from './commands/gc.js';
import { registerBisect } from './commands/bisect.js';
import { remoteRunCommand, remoteShowCommand } from './commands/remote.js';

// `testlab runs | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

const positiveInt = (v: string) => {
  if (!/^[1-9][0-9]{0,6}$/.test(v)) throw new InvalidArgumentError('a positive whole number');
  return Number(v);
};
const collect = (v: string, prev: string[] = []) => [...prev, v];
const kernelVersion = (v: string) => {
  try {
    return parseKernelVersion(v).text;
  } catch (e) {
    throw new InvalidArgumentError(`${(e as Error).message}`);
  }
};
// Each rerun boots a fresh NUT: more than a few is a misunderstanding, not more certainty.
const rerunCount = (v: string) => {
  if (!/^(10|[0-9])$/.test(v)) throw new InvalidArgumentError('a whole number from 0 to 10');
  return Number(v);
};

const program = new Command('testlab')
  .description('Nightly conformance lab for the Linux kernel network stack')
  .showHelpAfterError()
  // commander exits 1 on a bad argument, which every command here uses for "the lab failed": a script must be
  // able to tell its own mistake (2) from the lab's. Set before the commands are added, so each inherits it.
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));

program
  .command('run')
  .description('build a kernel, boot it on a QEMU NUT, run a test set and store the results')
  .requiredOption('--source <tarball|url|git>', 'kernel source: a tarball path, an http(s) URL, or a git repository')
  .option('--ref <tag|commit>', 'git ref to build (with a git source)')
  .requiredOption('--testset <name>', 'test set from testsets/, e.g. phase2-host')
  .option('--cmdline <word>', 'extra NUT kernel command-line word (repeatable)', collect)
  .option('--sysctl <key=value>', 'extra NUT sysctl (repeatable)', collect)
  .option('--boot-deadline <seconds>', 'fail the boot after this long', positiveInt)
  .option('--reruns <n>', 'rerun each case that newly fails against a baseline n more times (fresh NUT each) before calling it a regression (0-10)', rerunCount)
  .option('--tahi-tester <file.yaml>', 'TAHI tester host for tahi test sets (example: infra/tahi/tester.example.yaml)')
  .option('--json', 'print the stored run as JSON')
  .option('--lab <url>', 'queue the run on a running lab over its API instead (token: $TESTLAB_TOKEN or --token-file)')
  .option('--token-file <path>', 'file holding the lab API token (with --lab)')
  .option('--version <kernel version>', "with --lab: the version to plan the jobs as (6.1.192, 6.13-rc1), when neither the ref, the file name nor a tarball's Makefile tells it", kernelVersion)
  .action(async (opts) => {
    if (opts.version !== undefined && !opts.lab) {
      // A local run records what its tree's `make kernelversion` says; there is nothing to plan.
      process.stderr.write("testlab: --version goes with --lab: a local run takes the version from its tree's Makefile\n");
      process.exitCode = 2;
      return;
    }
    process.exitCode = opts.lab ? await remoteRunCommand(opts) : await runCommand(labPaths(), opts);
  });

registerRuns(program, () => openLabStore(labPaths()));

program
  .command('show')
  .description("print a run's stages, results and where its artifacts are (exit 3: no such run, 2: bad id)")
  .argument('<run>', 'run id')
  .option('--json', 'JSON for scripts (with every artifact)')
  .option('--artifacts', 'list every artifact (build log, .config, bzImage, console logs, a pcap per case and link)')
  .option('--lab <url>', "read it from a running lab's API instead of the local store")
  .action(async (id: string, opts) => {
    if (opts.lab) {
      process.exitCode = await remoteShowCommand(id, opts);
      return;
    }
    const store = await openLabStore(labPaths());
    try {
      process.exitCode = await showRunCommand(store, id, opts);
    } finally {
      await store.close();
    }
  });

registerImportTahi(program, () => labPaths());
registerTestsets(program, () => labPaths());
registerWatch(program, () => labPaths());
registerStatus(program, () => labPaths());
registerDiff(program, () => labPaths());
registerSubscribe(program);
registerQueue(program, () => labPaths());
registerMigrateStore(program, () => labPaths());
registerGc(program);
registerBisect(program, positiveInt);

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`testlab: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
});
