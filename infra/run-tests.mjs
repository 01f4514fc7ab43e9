// Runs the compiled tests with node's own runner: unit tests (`*.test.js`), then the end-to-end tests
// (`*.e2e.test.js`), then the QEMU driver's real-boot tests; one file at a time in each phase.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, existsSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const which = process.argv[2] ?? 'all';

function testFiles() {
  const out = [];
  for (const group of ['packages', 'apps']) {
    for (const pkg of readdirSync(path.join(root, group))) {
      const dir = path.join(root, group, pkg, 'dist/test');
      if (!existsSync(dir)) continue;
      for (const f of readdirSync(dir, { recursive: true })) {
        if (String(f).endsWith('.test.js')) out.push(path.join(dir, String(f)));
      }
    }
  }
  // Repository-wide checks (the layering rule) are plain .mjs beside this script: no build needed.
  for (const f of readdirSync(path.join(root, 'infra'))) if (f.endsWith('.test.mjs')) out.push(path.join(root, 'infra', f));
  return out.sort();
}

const files = testFiles();
const unit = files.filter((f) => !f.endsWith('.e2e.test.js'));
const e2e = files.filter((f) => f.endsWith('.e2e.test.js'));
const runs = [];
// Unit files two at a time: most of the phase is waiting (RFC timers against the fake NUTs, key generation
// aside), so two files share the 2 cores well. Not more: some tests cut downloads or race gpgv on purpose
// and were seen to flake when four files shared the machine. End-to-end files one at a time: each boots
// its own pool of QEMU NUTs.
if (which === 'all' || which === 'unit') runs.push(['unit', unit, ['--test-concurrency=2']]);
if (which === 'all' || which === 'e2e') runs.push(['e2e', e2e, ['--test-concurrency=1']]);

// The QEMU driver's real-boot tests need a built kernel; the end-to-end tests have just built (or found)
// Linux 6.1 in the kernel cache, so run them again with it rather than leave them skipped.
function newestCachedKernel() {
  const cache = process.env.TESTLAB_CACHE || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'testlab');
  const dir = path.join(cache, 'kernels');
  if (!existsSync(dir)) return undefined;
  // Kernels built with modules are the machine NUT test's (kexec, their own release suffix), not a QEMU NUT's;
  // kernels built from git are the bisection test's history (some with a case broken on purpose): only builds
  // of Debian's 6.1 tarball.
  const entries = readdirSync(dir)
    .map((k) => path.join(dir, k))
    .filter((d) => existsSync(path.join(d, 'bzImage')) && existsSync(path.join(d, 'meta.json')))
    .map((d) => ({ d, meta: JSON.parse(readFileSync(path.join(d, 'meta.json'), 'utf8')) }))
    .filter(({ meta }) => meta.modules !== true && meta.sourceLabel === 'linux-source-6.1.tar.xz')
    .sort((a, b) => statSync(b.d).mtimeMs - statSync(a.d).mtimeMs);
  if (entries.length === 0) return undefined;
  return { bzImage: path.join(entries[0].d, 'bzImage'), kernelRelease: entries[0].meta.kernelRelease };
}
const nutTests = files.filter((f) => f.includes(`${path.sep}nut-drivers${path.sep}`) && !f.endsWith('.e2e.test.js'));
if (which === 'all' || which === 'nut') runs.push(['nut-boot', nutTests, [], 'kernel']);

// The PostgreSQL store's tests (and every test that runs a lab on PostgreSQL) share one throw-away cluster per
// phase: initdb in a temp folder, a free port, an unprivileged user; each test file makes its own databases.
async function withPostgres(run) {
  if (process.env.TESTLAB_TEST_POSTGRES_URL) return run({});
  const { startThrowawayCluster } = await import(path.join(root, 'packages/store-postgres/dist/src/throwaway-cluster.js'));
  let cluster;
  try {
    cluster = await startThrowawayCluster();
  } catch (error) {
    // Never skipped quietly: the PostgreSQL tests are half of the store's contract suite.
    console.error(`run-tests: cannot start the PostgreSQL test cluster the store tests need: ${error.message}`);
    process.exit(1);
  }
  console.log(`run-tests: PostgreSQL test cluster at ${cluster.url}`);
  try {
    return await run({ TESTLAB_TEST_POSTGRES_URL: cluster.url, TESTLAB_TEST_POSTGRES_PASSWORD_FILE: cluster.passwordFile });
  } finally {
    await cluster.stop();
  }
}

let failed = false;
for (const [name, list, extra, needs] of runs) {
  const env = { ...process.env };
  if (needs === 'kernel') {
    const kernel = newestCachedKernel();
    if (!kernel) {
      console.error('run-tests: no built kernel in the cache for the NUT boot tests (run the e2e tests first)');
      failed = true;
      continue;
    }
    env.TESTLAB_TEST_BZIMAGE = kernel.bzImage;
    env.TESTLAB_TEST_KERNELRELEASE = kernel.kernelRelease;
    console.log(`run-tests: ${name}: with ${kernel.bzImage} (${kernel.kernelRelease})`);
  }
  if (list.length === 0) {
    console.error(`run-tests: no ${name} test files found: was the project built (npx tsc -b)?`);
    process.exit(1);
  }
  console.log(`run-tests: ${name}: ${list.length} files`);
  const status = await withPostgres(async (pgEnv) => {
    // Asynchronous, so that the cluster's server (a child of this process) is reaped while the tests run.
    const child = spawn(process.execPath, ['--test', ...extra, ...list], { stdio: 'inherit', cwd: root, env: { ...env, ...pgEnv } });
    const [code] = await once(child, 'exit');
    return code;
  });
  if (status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
