// The lab home holds lab.db (subscribers' addresses, queued mails with signed links), run artifacts and the
// lab's keys: the CLI keeps it private (mode 700), closing up a home made readable before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../src/lab-paths.js';

const cli = path.join(repoRoot, 'apps/cli/dist/src/main.js');
const mode = (p: string) => statSync(p).mode & 0o777;

test('the first command makes the home mode 700 and lab.db mode 600; an open home is closed', async () => {
  const parent = mkdtempSync(path.join(os.tmpdir(), 'testlab-home-'));
  const home = path.join(parent, 'home');
  await promisify(execFile)(process.execPath, [cli, 'runs'], { env: { ...process.env, TESTLAB_HOME: home } });
  assert.equal(mode(home), 0o700);
  assert.equal(mode(path.join(home, 'lab.db')), 0o600);
  const open = path.join(parent, 'open');
  mkdirSync(open);
  chmodSync(open, 0o755);
  await promisify(execFile)(process.execPath, [cli, 'runs'], { env: { ...process.env, TESTLAB_HOME: open } });
  assert.equal(mode(open), 0o700);
});
