import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTestSet, listTestSets } from '../src/load.js';

const repoTestsets = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../testsets');

test('the shipped phase2-host set loads with its fragment', async () => {
  const set = await loadTestSet(repoTestsets, 'phase2-host');
  assert.equal(set.mode, 'host');
  assert.equal(set.links, 1);
  assert.ok(set.cases.length >= 5);
  assert.match(set.kernelConfig.text, /CONFIG_IPV6=y/);
  assert.ok((await listTestSets(repoTestsets)).includes('phase2-host'));
});

async function tryLoad(yaml: string, name = 'bad'): Promise<Error> {
  const dir = await mkdtemp(path.join(tmpdir(), 'testset-'));
  await writeFile(path.join(dir, `${name}.yaml`), yaml);
  await writeFile(path.join(dir, 'x.config'), 'CONFIG_IPV6=y\n');
  return loadTestSet(dir, name).then(
    () => assert.fail('expected an error'),
    (e: Error) => e,
  );
}

const good = 'name: bad\ntitle: t\nmode: host\nengine: builtin\nlinks: 1\nkernelConfig: x.config\ncases: [v6LC.5.1.2-A]\n';

test('rejects bad fields naming the field', async () => {
  assert.match((await tryLoad(good.replace('mode: host', 'mode: toaster'))).message, /mode:/);
  assert.match((await tryLoad(good.replace('v6LC.5.1.2-A', '"$(reboot)"'))).message, /cases\.0: a Ready Logo id/);
  assert.match((await tryLoad(`${good}sysctls:\n  "net.ipv6 x": "1"\n`)).message, /sysctls/);
  assert.match((await tryLoad(`${good}sysctls:\n  net.ipv6.conf.all.forwarding: "1 2"\n`)).message, /sysctls/);
  assert.match((await tryLoad(good.replace('x.config', '../../etc/passwd'))).message, /kernelConfig/);
  assert.match((await tryLoad(`${good}extra: 1\n`)).message, /extra|Unrecognized/i);
  assert.match((await tryLoad(good.replace('[v6LC.5.1.2-A]', '[v6LC.5.1.2-A, v6LC.5.1.2-A]'))).message, /listed twice/);
  assert.match((await tryLoad('name: [unclosed\n')).message, /test set .*bad\.yaml/);
  assert.match((await tryLoad(good.replace('name: bad', 'name: other'))).message, /does not match the file name/);
});

test('router sets: radvd settings are checked against RFC 4861 and the set', async () => {
  const router = good.replace('mode: host', 'mode: router').replace('links: 1', 'links: 2');
  assert.match((await tryLoad(`${router}radvd:\n  links: [Link0]\n  minIntervalS: 9\n  maxIntervalS: 10\n`)).message, /0\.75 maxIntervalS/);
  assert.match((await tryLoad(`${router}radvd:\n  links: [Link2]\n  minIntervalS: 3\n  maxIntervalS: 10\n`)).message, /Link2 but the set has 2 link/);
  assert.match((await tryLoad(`${good}radvd:\n  links: [Link0]\n  minIntervalS: 3\n  maxIntervalS: 10\n`)).message, /router NUTs only/);
  assert.match((await tryLoad(`${router}radvd:\n  links: [eth0]\n  minIntervalS: 3\n  maxIntervalS: 10\n`)).message, /Link0\.\.Link9/);
  assert.match((await tryLoad(`${good}index: [../x]\n`)).message, /index\.0: an INDEX file/);
});

test('the shipped router set loads with radvd on Link0', async () => {
  const set = await loadTestSet(repoTestsets, 'phase2-router');
  assert.equal(set.mode, 'router');
  assert.deepEqual(set.modeSettings, { radvd: { links: ['Link0'], minIntervalS: 200, maxIntervalS: 600 } });
});

test('a hostile name never becomes a path', async () => {
  await assert.rejects(loadTestSet(repoTestsets, '../etc/passwd'), /lower-case letters/);
  await assert.rejects(loadTestSet(repoTestsets, 'nope'), /not found \(known test sets: .*phase2-host/);
});
