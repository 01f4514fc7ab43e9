// `testlab run` wires the engine registry (@testlab/engines): a tahi set without --tahi-tester is refused
// before any build, naming the flag, and no run is stored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../src/lab-paths.js';

test('the real CLI refuses a tahi set without --tahi-tester and stores no run', async () => {
  const home = mkdtempSync(path.join(tmpdir(), 'testlab-cli-engines-'));
  const env = { ...process.env, TESTLAB_HOME: home };
  const cli = path.join(repoRoot, 'apps/cli/dist/src/main.js');
  const r = await promisify(execFile)(process.execPath, [cli, 'run', '--source', '/usr/src/linux-source-6.1.tar.xz', '--testset', 'tahi-phase1-host'], { env }).then(
    () => assert.fail('the run started'),
    (e: { code: number; stderr: string }) => e,
  );
  assert.equal(r.code, 2);
  assert.match(r.stderr, /pass --tahi-tester <file\.yaml>/);
  const runs = await promisify(execFile)(process.execPath, [cli, 'runs', '--json'], { env });
  assert.deepEqual(JSON.parse(runs.stdout), []);
});
