// The package's two entry points: the main one must not load ssh2 (the dashboard and the config validators
// import packages that import it), the ./ssh one is the client.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The package's own folder: a fresh node resolves @testlab/* from there.
const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Whether importing `specifier` in a fresh node loads ssh2. */
function loadsSsh2(specifier: string): boolean {
  const script = `await import(${JSON.stringify(specifier)}); const { createRequire } = await import('node:module');
    console.log(Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('/node_modules/ssh2/')));`;
  return execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: packageDir, encoding: 'utf8' }).trim() === 'true';
}

test('@testlab/transport leaves ssh2 unloaded; @testlab/transport/ssh loads it', () => {
  assert.equal(loadsSsh2('@testlab/transport'), false);
  assert.equal(loadsSsh2('@testlab/transport/ssh'), true);
});
