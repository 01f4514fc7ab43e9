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

test('the builtin IPsec sets implement every id of their INDEX files, with its title and its optional feature', async () => {
  const sets = { 'phase2-ipsec-end-node': 26, 'phase2-ipsec-sgw': 23, 'conformance-ipsec-end-node': 51, 'conformance-ipsec-sgw': 46 };
  for (const [name, count] of Object.entries(sets)) {
    const testset = await loadTestSet(testsets, name);
    assert.equal(testset.engine, 'builtin');
    const ids = await readIndexFiles(path.join(testsets, 'tahi-index'), testset.index);
    assert.equal(ids.length, count, `${name}: INDEX ids`);
    assert.deepEqual(testset.cases, ids.map((c) => c.id), `${name}: every INDEX id runs`);
    for (const c of ids) {
      const def = caseCatalogue.get(c.id)!;
      assert.equal(def.title, c.title, c.id);
      // TAHI's `support=` is the case's (first) requirement; 5.3.5 also needs tunnel mode, as TAHI checks.
      assert.equal(def.requires?.[0], c.requires, `${c.id}: optional feature`);
    }
  }
});
