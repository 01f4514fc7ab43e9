// The registry and the engine folders list the same engines: each `packages/engine-<id>` is registered under
// <id>, each registered engine lives in its folder and says its own id, and nothing else is an engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENGINES, engineDriver, isEngineId } from '../src/index.js';

/** packages/engines/dist/test/ -> packages/. */
const packages = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

test('every packages/engine-<id> folder is registered as <id>, and every registered engine has its folder', () => {
  const folders = readdirSync(packages).filter((d) => d.startsWith('engine-')).map((d) => d.slice('engine-'.length)).sort();
  assert.deepEqual(folders, Object.keys(ENGINES).sort());
  for (const [id, driver] of Object.entries(ENGINES)) {
    assert.equal(driver.id, id, `ENGINES.${id} says it is ${driver.id}`);
    const pkg = JSON.parse(readFileSync(path.join(packages, `engine-${id}`, 'package.json'), 'utf8')) as { name: string };
    assert.equal(pkg.name, `@testlab/engine-${id}`);
  }
});

test('an unknown engine is refused naming the set and the known ones; object keys are not engines', () => {
  assert.throws(() => engineDriver('ns3', 'my-set'), /test set my-set names engine "ns3"; the lab knows: builtin, kselftest, tahi/);
  assert.equal(isEngineId('toString'), false);
  assert.equal(isEngineId('constructor'), false);
  assert.equal(engineDriver('tahi', 'x'), ENGINES.tahi);
});
