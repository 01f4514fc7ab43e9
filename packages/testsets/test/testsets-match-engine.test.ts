// The shipped test sets list exactly what the engine implements of their TAHI INDEX files, for their mode,
// in INDEX order: a case added to the engine but forgotten in a set (or a set naming a case that applies
// to other NUTs only) fails here, not silently in the nightly run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { caseCatalogue } from '@testlab/engine-builtin';
import { readIndexFiles } from '@testlab/engine-tahi';
import { listTestSets, loadTestSet } from '../src/index.js';

const testsets = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../testsets');

test('phase1/phase2 host/router sets exist and cover their INDEX files in order', async () => {
  const names = await listTestSets(testsets);
  for (const name of ['phase1-host', 'phase1-router', 'phase2-host', 'phase2-router']) assert.ok(names.includes(name), `testsets/${name}.yaml`);
  for (const name of names) {
    const testset = await loadTestSet(testsets, name);
    if (testset.index.length === 0) continue;
    const ids = await readIndexFiles(path.join(testsets, 'tahi-index'), testset.index);
    const expected = ids.map((c) => c.id).filter((id) => caseCatalogue.get(id)?.appliesTo.includes(testset.mode));
    assert.deepEqual(testset.cases, expected, `${name}: cases must be the implemented ids of its INDEX files, in INDEX order`);
  }
});

test('the router set runs radvd on Link0 with two links, forwarding on', async () => {
  const testset = await loadTestSet(testsets, 'phase2-router');
  assert.equal(testset.links, 2);
  assert.equal(testset.sysctls['net.ipv6.conf.all.forwarding'], '1');
  assert.deepEqual((testset.engineSection as { radvd?: { links: string[] } }).radvd?.links, ['Link0']);
});

test('Section 2 and 3 cases carry their INDEX titles word for word', async () => {
  const files = ['nd.p2/INDEX_ND_p2_host', 'nd.p2/INDEX_RD_p2_host', 'nd.p2/INDEX_REDIRECT_p2_host', 'nd.p2/INDEX_ND_p2_router', 'nd.p2/INDEX_RD_p2_router', 'nd.p2/INDEX_REDIRECT_p2_router', 'addr.p2/INDEX_P2_HOST'];
  for (const c of await readIndexFiles(path.join(testsets, 'tahi-index'), files)) {
    const def = caseCatalogue.get(c.id);
    if (def && /^v6LC\.[23]\./.test(c.id)) assert.equal(def.title, c.title, c.id);
  }
});
