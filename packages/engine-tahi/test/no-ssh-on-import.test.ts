// Importing the engine (the dashboard does, to load test sets) must not load the SSH client: tahi-suite.ts,
// which connects to the tester, is imported only when a run prepares.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

test('importing @testlab/engine-tahi loads no ssh2', () => {
  const index = path.join(path.dirname(fileURLToPath(import.meta.url)), '../src/index.js');
  const script = `await import(${JSON.stringify(index)}); const { createRequire } = await import('node:module');
    console.log(Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes('/node_modules/ssh2/')).length);`;
  assert.equal(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }).trim(), '0');
});
