import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTestSet, listTestSets } from '../src/load.js';

const repoTestsets = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../testsets');

// Every folder this file makes is under one scratch folder, removed when the file ends.
const scratch = mkdtemp(path.join(tmpdir(), 'testset-'));
after(async () => rm(await scratch, { recursive: true, force: true }));
const scratchDir = async () => mkdtemp(path.join(await scratch, 'set-'));

test('the shipped phase2-host set loads with its fragment', async () => {
  const set = await loadTestSet(repoTestsets, 'phase2-host');
  assert.equal(set.mode, 'host');
  assert.equal(set.links, 1);
  assert.ok(set.cases.length >= 5);
  assert.match(set.kernelConfig.text, /CONFIG_IPV6=y/);
  assert.ok((await listTestSets(repoTestsets)).includes('phase2-host'));
});

async function loadFrom(yaml: string, name = 'bad') {
  const dir = await scratchDir();
  await writeFile(path.join(dir, `${name}.yaml`), yaml);
  await writeFile(path.join(dir, 'x.config'), 'CONFIG_IPV6=y\n');
  return loadTestSet(dir, name);
}

async function tryLoad(yaml: string, name = 'bad'): Promise<Error> {
  const dir = await scratchDir();
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

test('router sets: the radvd settings of the builtin section are checked against RFC 4861 and the set', async () => {
  const router = good.replace('mode: host', 'mode: router').replace('links: 1', 'links: 2');
  const radvd = (links: string, min: number, max: number) => `builtin:\n  radvd:\n    links: [${links}]\n    minIntervalS: ${min}\n    maxIntervalS: ${max}\n`;
  assert.match((await tryLoad(`${router}${radvd('Link0', 9, 10)}`)).message, /builtin\.radvd: MinRtrAdvInterval 9 s is more than 0\.75 x MaxRtrAdvInterval 10 s \(RFC 4861 §6\.2\.1\)/);
  assert.match((await tryLoad(`${router}${radvd('Link0', 3, 1801)}`)).message, /MaxRtrAdvInterval 1801 s is not a whole 4\.\.1800/);
  assert.match((await tryLoad(`${router}${radvd('Link2', 3, 10)}`)).message, /Link2 but the set has 2 link/);
  assert.match((await tryLoad(`${good}${radvd('Link0', 3, 10)}`)).message, /router NUTs only/);
  assert.match((await tryLoad(`${router}${radvd('eth0', 3, 10)}`)).message, /Link0\.\.Link9/);
  assert.match((await tryLoad(`${good}index: [../x]\n`)).message, /index\.0: an INDEX file/);
  // Only the set's own engine has a section; radvd at the top level is not a field any more.
  assert.match((await tryLoad(`${good}tahi:\n  targets: [ipv6ready_p2_host]\n`)).message, /section tahi: this set's engine is builtin/);
  assert.match((await tryLoad(`${router}radvd:\n  links: [Link0]\n`)).message, /radvd|Unrecognized/i);
  assert.match((await tryLoad(good.replace('cases: [v6LC.5.1.2-A]\n', ''))).message, /cases: list at least one case/);
});

test("the builtin section's timerCasesAtOnce is a whole number 1..32", async () => {
  assert.match((await tryLoad(`${good}builtin:\n  timerCasesAtOnce: 0\n`)).message, /builtin\.timerCasesAtOnce/);
  assert.match((await tryLoad(`${good}builtin:\n  timerCasesAtOnce: 1.5\n`)).message, /builtin\.timerCasesAtOnce/);
  const dir = await scratchDir();
  await writeFile(path.join(dir, 'ok.yaml'), `${good.replace('name: bad', 'name: ok')}builtin:\n  timerCasesAtOnce: 2\n`);
  await writeFile(path.join(dir, 'x.config'), 'CONFIG_IPV6=y\n');
  assert.deepEqual((await loadTestSet(dir, 'ok')).engineSection, { timerCasesAtOnce: 2 });
});

test('IPsec sets: IPsec_Self_Test_P2 ids load, near-misses do not, and the optional features are checked', async () => {
  const ipsec = good.replace('mode: host', 'mode: ipsec-end-node');
  const supports = (features: string) => `builtin:\n  ipsecSupports: [${features}]\n`;
  for (const id of ['IPsec.5.1.5-a-udp', 'IPsec.6.1.14', 'IPsec.5.1.1-udp']) {
    const set = await loadFrom(ipsec.replace('[v6LC.5.1.2-A]', `[${id}]`) + supports('BYPASS_POLICY_SUPPORT'));
    assert.deepEqual(set.cases, [id]);
  }
  for (const id of ['IPsec.5.1.5-A', 'IPsec.7.1.1', 'IPsec.5.1.1-UDP', 'IPsec.5.1.1-udp-a', 'ipsec.5.1.1']) {
    assert.match((await tryLoad(ipsec.replace('[v6LC.5.1.2-A]', `[${id}]`) + supports('BYPASS_POLICY_SUPPORT'))).message, /cases\.0: a Ready Logo id/, id);
  }
  const one = ipsec.replace('[v6LC.5.1.2-A]', '[IPsec.5.1.1]');
  assert.match((await tryLoad(one)).message, /must list BYPASS_POLICY_SUPPORT or DISCARD_POLICY_SUPPORT/);
  assert.match((await tryLoad(one + supports('DISCARD_POLICY_SUPPORT, WARP_DRIVE_SUPPORT'))).message, /builtin\.ipsecSupports\.1/);
  assert.match((await tryLoad(one + supports('DISCARD_POLICY_SUPPORT, DISCARD_POLICY_SUPPORT'))).message, /lists DISCARD_POLICY_SUPPORT twice/);
});

test('the shipped router set loads with radvd on Link0 in its builtin section, and carries its INDEX files', async () => {
  const set = await loadTestSet(repoTestsets, 'phase2-router');
  assert.equal(set.mode, 'router');
  assert.deepEqual(set.engineSection, { radvd: { links: ['Link0'], minIntervalS: 200, maxIntervalS: 600 } });
  assert.ok(set.index.includes('nd.p2/INDEX_ND_p2_router'));
});

test('tahi and kselftest sets carry their own sections, validated by their engines', async () => {
  const tahi = await loadTestSet(repoTestsets, 'tahi-phase2-host');
  assert.deepEqual(tahi.engineSection, { targets: ['ipv6ready_p2_host'] });
  const kselftest = await loadTestSet(repoTestsets, 'kselftest-net-ipv6');
  assert.equal((kselftest.engineSection as { timeoutS: number }).timeoutS, 300);
  const tahiSet = 'name: bad\ntitle: t\nmode: host\nengine: tahi\nlinks: 1\nkernelConfig: x.config\n';
  assert.match((await tryLoad(tahiSet)).message, /engine tahi needs tahi\.targets/);
  assert.match((await tryLoad(`${tahiSet}tahi:\n  targets: [ipv6ready_p9_host]\n`)).message, /tahi\.targets\.0: a target the lab knows/);
});

test('a hostile name never becomes a path', async () => {
  await assert.rejects(loadTestSet(repoTestsets, '../etc/passwd'), /lower-case letters/);
  await assert.rejects(loadTestSet(repoTestsets, 'nope'), /not found \(known test sets: .*phase2-host/);
});
