// The lab's config: the example in infra/labd parses; every mistake is reported with its key and line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseKernelVersion } from '@testlab/core';
import { ConfigError, labStoreLocation, parseLabConfig } from '../src/config.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const example = () => readFile(path.join(repoRoot, 'infra/labd/labd.example.yaml'), 'utf8');

function problems(text: string): string[] {
  try {
    parseLabConfig(text, 'labd.yaml');
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.problems;
  }
  assert.fail('the config was accepted');
}

test('the example config is valid, with defaults filled in', async () => {
  const config = parseLabConfig(await example(), 'labd.example.yaml');
  assert.equal(config.nuts.length, 3);
  assert.equal(config.schedule.poll, '*/15 * * * *');
  assert.equal(config.queue.leaseSeconds, 1800);
  assert.deepEqual(config.watchdog, { bootDeadlineSeconds: 120, caseDeadlineSeconds: 300, outOfServiceRetrySeconds: 300 });
  assert.deepEqual(config.prune, { keepTrees: 6, minIdleHours: 6 });
  const box = config.nuts.find((n) => n.name === 'box-1');
  assert.equal(box?.driver, 'ssh');
  assert.equal(box?.driver === 'ssh' ? box.oneTimeBoot.method : '', 'grub-reboot');
  assert.deepEqual(config.web, { host: '127.0.0.1', port: 8080, publicUrl: 'https://lab.example.org', tokenFile: '/etc/testlab/api-token', workers: 1 });
  assert.equal(config.mail?.smtp.tls, 'starttls');
  assert.equal(config.mail?.smtp.rejectUnauthorized, true, "notify's defaults are filled in");
  assert.deepEqual(config.diff, { pinned: [parseKernelVersion('6.1')], reruns: 0 });
  assert.deepEqual(config.kernels.map((k) => k.version), [parseKernelVersion('6.1.192')], 'versions are parsed where they enter');
});

test('a kernel version the lab cannot plan, in kernels or diff.pinned, is refused at its line', async () => {
  const text = (await example()).replace('  - version: 6.1.192\n', '  - version: 6.1.0\n').replace('pinned: ["6.1"]', 'pinned: ["6.1", "v6.6"]');
  const lineOf = (s: string) => text.split('\n').findIndex((l) => l.includes(s)) + 1;
  const found = problems(text);
  assert.deepEqual(found, [
    `labd.yaml:${lineOf('version: 6.1.0')}: kernels.0.version: invalid kernel version "6.1.0": a final release is never X.Y.0 (write X.Y)`,
    `labd.yaml:${lineOf('pinned: [')}: diff.pinned.1: invalid kernel version "v6.6": a leading "v" belongs to git tags and snapshots only (write 6.12, not v6.12)`,
  ]);
});

test('web, mail and diff are optional: defaults for web and diff, no mail', async () => {
  const text = (await example()).replace(/\n# The dashboard and JSON API[\s\S]*$/, '\n');
  const config = parseLabConfig(text, 'labd.yaml');
  assert.deepEqual(config.web, { host: '127.0.0.1', port: 8080, workers: 1 });
  assert.equal(config.mail, undefined);
  assert.deepEqual(config.diff, { pinned: [], reruns: 0 });
});

test("a bad mail section is refused with notify's reasons, at the line of the key", async () => {
  const text = (await example()).replace('    port: 587\n', '    port: "587"\n').replace('  baseUrl: https://lab.example.org', '  baseUrl: https://lab.example.org\n  secret: "short"');
  const lineOf = (s: string) => text.split('\n').findIndex((l) => l.includes(s)) + 1;
  const found = problems(text).join('\n');
  assert.match(found, new RegExp(`labd\\.yaml:${lineOf('port: "587"')}: mail\\.smtp\\.port: .*number`));
  assert.match(found, new RegExp(`labd\\.yaml:${lineOf('secret: "short"')}: mail\\.secret: must be at least 32 characters`));
});

test('web.tokenFile must be absolute and web.port a port', async () => {
  const text = (await example()).replace('tokenFile: /etc/testlab/api-token', 'tokenFile: api-token').replace('  port: 8080', '  port: 80800');
  const found = problems(text).join('\n');
  assert.match(found, /web\.tokenFile: an absolute path/);
  assert.match(found, /web\.port: /);
});

test('a wrong type is reported with its key path and line', async () => {
  const text = (await example()).replace('      port: 22\n', '      port: "twenty-two"\n');
  const line = text.split('\n').findIndex((l) => l.includes('twenty-two')) + 1;
  const found = problems(text);
  assert.equal(found.length, 1);
  assert.match(found[0]!, new RegExp(`^labd\\.yaml:${line}: nuts\\.2\\.ssh\\.port: .*number`));
});

test('an unknown key, a bad cron expression and a relative path are each reported at their line', async () => {
  const text = (await example())
    .replace('  poll: "*/15 * * * *"', '  poll: "every quarter hour"')
    .replace('home: /var/lib/testlab', 'home: var/lib/testlab')
    .replace('    memoryMiB: 256\n', '    memoryMiB: 256\n    memroy: 512\n');
  const lineOf = (s: string) => text.split('\n').findIndex((l) => l.includes(s)) + 1;
  const found = problems(text).join('\n');
  assert.match(found, new RegExp(`labd\\.yaml:${lineOf('every quarter hour')}: schedule\\.poll: a valid cron expression`));
  assert.match(found, new RegExp(`labd\\.yaml:${lineOf('home: var/lib')}: home: an absolute path`));
  assert.match(found, /labd\.yaml:\d+: nuts\.0: .*\(memroy\)/);
});

test('a NUT naming a profile that does not exist, and a NUT name used twice, are refused', async () => {
  const text = (await example()).replace('    profile: x86-machine\n', '    profile: arm-machine\n').replace('  - name: vm-2\n', '  - name: vm-1\n');
  const found = problems(text).join('\n');
  assert.match(found, /labd\.yaml:\d+: nuts\.2\.profile: no profile arm-machine under profiles/);
  assert.match(found, /labd\.yaml:\d+: nuts\.1\.name: vm-1 is used twice/);
});

test('broken YAML is reported with its line', () => {
  const found = problems('home: /x\ncache: [unclosed\n');
  assert.match(found[0]!, /^labd\.yaml:\d+: YAML: /);
});

test('a pinned host key that is not a real public key is refused at its line', async () => {
  const text = (await example()).replace(/hostKey: "ssh-ed25519 [^"]+"/, 'hostKey: "ssh-ed25519 AAAAnotakey"');
  const line = text.split('\n').findIndex((l) => l.includes('AAAAnotakey')) + 1;
  assert.match(problems(text).join('\n'), new RegExp(`labd\\.yaml:${line}: nuts\\.2\\.ssh\\.hostKey: an OpenSSH public key line`));
});

test('the engines\' settings: the kselftest root fs and the TAHI tester file, absolute paths with their line', async () => {
  const text = (await example()).replace('# tahi:\n#   testerFile: /etc/testlab/tahi-tester.yaml', 'tahi:\n  testerFile: /etc/testlab/tahi-tester.yaml');
  const config = parseLabConfig(text, 'labd.yaml');
  assert.deepEqual(config.tahi, { testerFile: '/etc/testlab/tahi-tester.yaml' });
  assert.equal(config.nutRootfs, '/var/cache/testlab/nut-rootfs/rootfs.cpio.gz');
  // Without them the lab config is still valid: labd refuses only sets that need them (apps/labd).
  assert.equal(parseLabConfig(await example(), 'labd.yaml').tahi, undefined);
  const line = text.split('\n').findIndex((l) => l.includes('testerFile:')) + 1;
  assert.deepEqual(problems(text.replace('testerFile: /etc/testlab/tahi-tester.yaml', 'testerFile: tahi-tester.yaml')), [`labd.yaml:${line}: tahi.testerFile: an absolute path`]);
  // A misnamed key is named, at the line of the tahi section's contents.
  const misnamed = problems(text.replace('testerFile:', 'tester:'));
  assert.ok(misnamed.includes(`labd.yaml:${line}: tahi: Unrecognized key: "tester" (tester)`), misnamed.join('\n'));
  assert.ok(misnamed.some((p) => p.startsWith(`labd.yaml:${line}: tahi.testerFile:`)), misnamed.join('\n'));
});

test('watchdog.outOfServiceRetrySeconds has a default and must be a positive whole number', async () => {
  const text = (await example()).replace(/  outOfServiceRetrySeconds: 300[^\n]*\n/, '');
  assert.equal(parseLabConfig(text, 'labd.yaml').watchdog.outOfServiceRetrySeconds, 300);
  const line = text.split('\n').findIndex((l) => l.includes('caseDeadlineSeconds')) + 2;
  const found = problems(text.replace(/(  caseDeadlineSeconds: [^\n]*\n)/, '$1  outOfServiceRetrySeconds: 0\n')).join('\n');
  assert.match(found, new RegExp(`labd\\.yaml:${line}: watchdog\\.outOfServiceRetrySeconds: `));
});

test('prune keeps at least one tree', async () => {
  const text = (await example()).replace(/  keepTrees: 6 /, '  keepTrees: 0 ');
  const line = text.split('\n').findIndex((l) => l.includes('keepTrees: 0')) + 1;
  assert.match(problems(text).join('\n'), new RegExp(`labd\\.yaml:${line}: prune\\.keepTrees: `));
  assert.deepEqual(parseLabConfig((await example()).replace(/\nprune:\n(  .*\n|\s+#.*\n)*/, '\n'), 'labd.yaml').prune, { keepTrees: 6, minIdleHours: 6 });
});

test('store: a postgres:// URL (password from a file or the environment, never in the URL); absent, SQLite in home', async () => {
  const base = await example();
  const home = parseLabConfig(base, 'labd.yaml').home;
  assert.deepEqual(labStoreLocation(parseLabConfig(base, 'labd.yaml')), { backend: 'sqlite', file: path.join(home, 'lab.db') });
  const withStore = (yaml: string) => base.replace(/^home: .*$/m, (line) => `${line}\n${yaml}`);
  assert.deepEqual(parseLabConfig(withStore('store: postgres://testlab@db.lab:5432/testlab'), 'labd.yaml').store,
    { backend: 'postgres', url: 'postgres://testlab@db.lab:5432/testlab' });
  assert.deepEqual(parseLabConfig(withStore('store:\n  url: postgres://testlab@db.lab/testlab\n  passwordFile: /etc/testlab/db-password'), 'labd.yaml').store,
    { backend: 'postgres', url: 'postgres://testlab@db.lab/testlab', passwordFile: '/etc/testlab/db-password' });
  assert.deepEqual(parseLabConfig(withStore('store: { url: "postgresql://t@db/lab", passwordEnv: LAB_DB_PASSWORD }'), 'labd.yaml').store,
    { backend: 'postgres', url: 'postgresql://t@db/lab', passwordEnv: 'LAB_DB_PASSWORD' });

  const text = withStore('store: postgres://testlab:hunter2@db.lab/testlab');
  const lineOf = (s: string) => text.split('\n').findIndex((l) => l.includes(s)) + 1;
  const [problem, ...more] = problems(text);
  assert.equal(more.length, 0);
  assert.match(problem!, new RegExp(`^labd\\.yaml:${lineOf('store:')}: store: the URL carries a password`));
  assert.ok(!problem!.includes('hunter2'), 'the message does not repeat it');
  assert.match(problems(withStore('store: mysql://x@y/z'))[0]!, /store: expected a postgres:\/\/ URL/);
  assert.match(problems(withStore('store: postgres://x@y'))[0]!, /store: the URL names no database/);
  assert.match(problems(withStore('store: { url: "postgres://x@y/z", passwordFile: relative/file }'))[0]!, /store\.passwordFile: an absolute path/);
  assert.match(problems(withStore('store: { url: "postgres://x@y/z", passwordFile: /a, passwordEnv: B }'))[0]!, /store\.url: give passwordFile or passwordEnv, not both/);
});

test('host: role, name, the NUTs it owns and where a worker sends its files; checked against the rest', async () => {
  const base = await example();
  assert.deepEqual(parseLabConfig(base, 'labd.yaml').host, { role: 'all', builds: true, heartbeatSeconds: 30 });
  const withHost = (yaml: string, store = 'store: postgres://testlab@db/lab\n') => base.replace(/^home: .*$/m, (line) => `${line}\n${store}${yaml}`);
  const worker = parseLabConfig(withHost('host:\n  name: worker-a\n  role: worker\n  builds: false\n  nuts: [vm-1]\n  resultsUrl: https://lab.example.org'), 'labd.yaml');
  assert.deepEqual(worker.host, { name: 'worker-a', role: 'worker', builds: false, nuts: ['vm-1'], resultsUrl: 'https://lab.example.org', heartbeatSeconds: 30 });
  const text = withHost('host:\n  role: worker\n  nuts: [qemu-9]', '');
  const lineOf = (s: string) => text.split('\n').findIndex((l) => l.includes(s)) + 1;
  assert.deepEqual(problems(text), [
    `labd.yaml:${lineOf('nuts: [qemu-9]')}: host.nuts.0: no NUT qemu-9 under nuts`,
    `labd.yaml:${lineOf('role: worker')}: host.role: a worker shares the lab's database with the scheduler: set store (postgres://...)`,
  ]);
  assert.match(problems(withHost('host:\n  role: boss'))[0]!, /host\.role: Invalid option: expected one of "all"\|"scheduler"\|"worker"/);
});

test("a QEMU NUT's nice value: absent by default (the driver's -10), a whole number -20..19 when given", async () => {
  const base = await example();
  const niceOf = (text: string) => (parseLabConfig(text, 'labd.example.yaml').nuts[0] as { nice?: number }).nice;
  assert.equal(niceOf(base), undefined);
  assert.equal(niceOf(base.replace('    # nice: -10 ', '    nice: -5 #')), -5);
  assert.match(problems(base.replace('    # nice: -10 ', '    nice: -25 #')).join('\n'), /nuts\.0\.nice: /);
});
