// The TAHI tester file (--tahi-tester, labd's tahi.testerFile): the shipped example is valid and becomes
// the tester part of TahiSuiteConfig; each kind of mistake is reported with the file, line and key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTahiTester, parseTahiTester, TahiTesterConfigError } from '../src/tester-file.js';

/** packages/engines/dist/test/ -> the repository root. */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

const example = readFileSync(path.join(repoRoot, 'infra/tahi/tester.example.yaml'), 'utf8');
const dir = mkdtempSync(path.join(tmpdir(), 'testlab-tahi-tester-'));
const { privateKey } = generateKeyPairSync('ed25519', { privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
writeFileSync(path.join(dir, 'key'), privateKey, { mode: 0o600 });
const file = path.join(dir, 'tester.yaml');
const withKey = example.replace('keys/tahi_ed25519', 'key');

async function problems(text: string): Promise<string[]> {
  const error = await parseTahiTester(text, file).then(
    () => assert.fail('accepted'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof TahiTesterConfigError, String(error));
  return error.problems;
}

test('the example file (with a readable key) gives the tester part of the TAHI suite config', async () => {
  writeFileSync(file, withKey);
  const tester = await loadTahiTester(file);
  assert.equal(tester.tester.host, 'tahi-tester.lab.example');
  assert.equal(tester.tester.port, 22);
  assert.equal(tester.tester.username, 'tahi');
  assert.equal(tester.tester.privateKey.toString(), privateKey);
  assert.deepEqual(tester.tester.hostKey, Buffer.from('AAAAC3NzaC1lZDI1NTE5AAAAIAN0M2M7oXHxJkU+Rxal4zXTC6cUuE3sDxwuJTmRgdr0', 'base64'));
  assert.equal(tester.v6evalRoot, '/usr/local/v6eval');
  assert.deepEqual(tester.suiteDirs, { core: '/usr/local/src/Self_Test_5-0-7', ipsec: '/usr/local/src/IPsec_Self_Test_P2-1.11.1' });
  assert.equal(tester.launch, 'autorun');
  assert.deepEqual(tester.tn.links.map((l) => l.ifname), ['eth1', 'eth2']);
  assert.deepEqual(tester.nut, { targetName: 'testlab-qemu-nut', hostName: 'nut', user: 'root', password: 'unused' });
});

test('a missing key is reported at its parent, naming the key', async () => {
  assert.deepEqual(await problems(withKey.replace(/^ {2}user: tahi.*\n/m, '')), [`${file}:6: tester.user: Invalid input: expected string, received undefined`]);
});

test('a bad value is reported at its own line', async () => {
  const [p] = await problems(withKey.replace('"00:00:00:00:01:01"', '"00:00:00:00:01"'));
  assert.match(p ?? '', new RegExp(`^${file}:23: tn\\.links\\.1\\.mac: a MAC address$`));
});

test('an unknown key is named', async () => {
  const [p] = await problems(withKey.replace('launch: autorun', 'launch: autorun\npasword: x'));
  assert.match(p ?? '', /: \(top level\): .*\(pasword\)$/);
});

test('a host key whose data is another type is refused', async () => {
  const [p] = await problems(withKey.replace('hostKey: ssh-ed25519 ', 'hostKey: ssh-rsa '));
  assert.equal(p, `${file}:11: tester.hostKey: the key data is not a ssh-rsa key (cut or mixed-up line?)`);
});

test('a private key file that cannot be read is named with its resolved path', async () => {
  const [p] = await problems(example);
  assert.equal(p, `${file}:9: tester.privateKey: cannot read ${path.join(dir, 'keys/tahi_ed25519')}: ENOENT`);
});

test('a YAML syntax error has its line', async () => {
  const [p] = await problems(withKey.replace('v6evalRoot: /usr/local/v6eval', 'v6evalRoot: [/usr/local/v6eval'));
  assert.match(p ?? '', new RegExp(`^${file}:\\d+: YAML: `));
});

test('a file that does not exist is named', async () => {
  await assert.rejects(loadTahiTester(path.join(dir, 'nope.yaml')), /nope\.yaml:\n {2}cannot read: ENOENT/);
});
