// The one INDEX parser against the real Self_Test 5.0.7 files kept in testsets/tahi-index/, and coverage counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { coverageOf, parseIndexFiles, plainText, readIndexFiles, readyLogoCases } from '../src/index.js';

const indexDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../testsets/tahi-index');

test('the host ND INDEX gives part ids with INDEX titles, in order, without setup rows', async () => {
  const ids = await readIndexFiles(indexDir, ['nd.p2/INDEX_ND_p2_host']);
  assert.equal(ids[0]?.id, 'v6LC.2.1.1-A');
  assert.equal(ids[0]?.title, 'On-link Determination: Part A: Link-Local Address');
  const d = ids.find((c) => c.id === 'v6LC.2.1.7-D');
  assert.equal(d?.title, 'Invalid Neighbor Solicitation Handling: Part D: Invalid Hop Limit');
  assert.equal(d?.group, 'v6LC.2.1');
  assert.ok(ids.findIndex((c) => c.id === 'v6LC.2.1.7-A') < ids.findIndex((c) => c.id === 'v6LC.2.1.8-A'));
  assert.ok(!ids.some((c) => /Initiali/.test(c.title)));
  assert.equal(ids.find((c) => c.id === 'v6LC.2.1.3')?.title, 'Prefix Information Option Processing, On-link Flag (Hosts Only)');
});

test('addr.p2 headings without "Test v6LC" (3.2.5: ...) and single-row tests', async () => {
  const ids = await readIndexFiles(indexDir, ['addr.p2/INDEX_P2_HOST']);
  assert.ok(ids.some((c) => c.id === 'v6LC.3.1.1' && c.title === 'Address Autoconfiguration and Duplicate Address Detection'));
  assert.ok(ids.some((c) => c.id === 'v6LC.3.2.5-D'));
  assert.equal(ids.filter((c) => c.group === 'v6LC.3.1').length, 26);
});

test('entities and HTML are read as text; "Part A,1" and "Part A,2" are one id; skipped rows are not cases', () => {
  assert.equal(plainText('<TT>Part E: ICMP length &lt; 24 octets&#58; x&nbsp;y</TT>'), 'Part E: ICMP length < 24 octets: x y');
  const text = ['&print:<TT>Test v6LC.2.2.15: Reachable Time</TT>', './a.seq:./a.def:::<TT>Part A,1&#58; one</TT>:1', './b.seq:./b.def:::<TT>Part A,2&#58; two</TT>:1', '&#./c.seq:./c.def:::<TT>Part B&#58; skipped</TT>:1'].join('\n');
  assert.deepEqual(readyLogoCases(parseIndexFiles([{ name: 'x', text }])).map((c) => c.id), ['v6LC.2.2.15-A']);
});

test('coverage counts per group and lists the missing ids', () => {
  const index = [
    { id: 'v6LC.2.1.7-A', title: '', group: 'v6LC.2.1', file: 'f' },
    { id: 'v6LC.2.1.7-B', title: '', group: 'v6LC.2.1', file: 'f' },
    { id: 'v6LC.3.1.1', title: '', group: 'v6LC.3.1', file: 'f' },
  ];
  const c = coverageOf('s', index, (id) => id !== 'v6LC.2.1.7-B', ['v6LC.2.1.7-A', 'v6LC.9.9.9']);
  assert.equal(c.implemented, 2);
  assert.deepEqual(c.groups[0], { group: 'v6LC.2.1.x', total: 2, implemented: ['v6LC.2.1.7-A'], missing: ['v6LC.2.1.7-B'] });
  assert.deepEqual(c.notInIndex, ['v6LC.9.9.9']);
});

test('an INDEX name that is not one is refused before it becomes a path', async () => {
  await assert.rejects(readIndexFiles(indexDir, ['../../etc/passwd']), /expected <section>\.p2\/INDEX_<name>/);
  await assert.rejects(readIndexFiles(indexDir, ['nd.p2/INDEX_nope']), /not found/);
});
