#!/usr/bin/env node
// Rewrites the `cases:` list of every test set in testsets/ that names TAHI INDEX files: the ids of those
// files that the built-in engine implements for the set's mode, in INDEX order, each with its title.
// Run after adding cases (needs a build: npx tsc -b):  node infra/testsets/write-case-lists.mjs
// packages/testsets/test/testsets-match-engine.test.ts fails until the lists are current.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { caseCatalogue } from '@testlab/engine-builtin';
import { readIndexFiles } from '@testlab/engine-tahi';
import { listTestSets, loadTestSet } from '@testlab/testsets';

const testsets = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../testsets');
for (const name of await listTestSets(testsets)) {
  const testset = await loadTestSet(testsets, name);
  if (testset.index.length === 0) continue;
  const ids = await readIndexFiles(path.join(testsets, 'tahi-index'), testset.index);
  const cases = ids.filter((c) => caseCatalogue.get(c.id)?.appliesTo.includes(testset.mode));
  const file = path.join(testsets, `${name}.yaml`);
  const text = await readFile(file, 'utf8');
  const at = text.search(/^cases:\s*$/m);
  if (at < 0) throw new Error(`${file}: no "cases:" block at the end to rewrite`);
  const list = cases.map((c) => `  - ${c.id.padEnd(16)} # ${c.title.replace(/\s+/g, ' ')}`).join('\n');
  await writeFile(file, `${text.slice(0, at)}cases:\n${list}\n`);
  console.log(`${name}: ${cases.length} cases`);
}
