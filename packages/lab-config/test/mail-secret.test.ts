// The link-signing secret: a config that names none gets one the lab makes (32 random bytes, a mode-600 file
// in the lab home), the same for labd and the dashboard; a readable or weak secret file is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadLabConfig, mailConfigOf, parseLabConfig } from '../src/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const example = () => readFile(path.join(repoRoot, 'infra/labd/labd.example.yaml'), 'utf8');

async function configIn(home: string, secretLine = '') {
  const text = (await example()).replace('home: /var/lib/testlab ', `home: ${home} `).replace('  baseUrl: https://lab.example.org', `  baseUrl: https://lab.example.org\n${secretLine}`);
  return parseLabConfig(text, 'labd.yaml');
}

test('the example config carries no secret: the lab makes one, mode 600, and keeps it', async (t) => {
  const home = await mkdtemp(path.join(tmpdir(), 'testlab-mail-secret-'));
  t.after(() => rm(home, { recursive: true, force: true }));
  const config = await configIn(path.join(home, 'lab'));
  assert.equal(config.mail?.secret, undefined);
  const [a, b] = await Promise.all([mailConfigOf(config), mailConfigOf(config)]);
  const file = path.join(home, 'lab', 'mail-secret');
  assert.match(a!.secret, /^[0-9a-f]{64}$/);
  assert.equal(b!.secret, a!.secret, 'two processes starting at once agree on one secret');
  assert.equal((await readFile(file, 'utf8')).trim(), a!.secret);
  assert.equal((await stat(file)).mode & 0o777, 0o600);
  assert.equal((await stat(path.join(home, 'lab'))).mode & 0o777, 0o700, 'the lab home it made is private');
  assert.equal((await mailConfigOf(config))!.secret, a!.secret, 'and the next start reads the same');
});

test('a secret file others can read, or a weak one, stops the start', async (t) => {
  const home = await mkdtemp(path.join(tmpdir(), 'testlab-mail-secret-'));
  t.after(() => rm(home, { recursive: true, force: true }));
  const config = await configIn(home);
  const file = path.join(home, 'mail-secret');
  await writeFile(file, `${'5f0a9e1c7b3d24e86a1f0c9b7e3d5a2c4f6e8b0d1a3c5e7f9b2d4f6a8c0e1b3d'}\n`, { mode: 0o644 });
  await chmod(file, 0o644);
  await assert.rejects(mailConfigOf(config), (e: unknown) => e instanceof ConfigError && /mail-secret: [\s\S]*readable by group or others \(mode 644\): chmod 600 it/.test(e.message));
  await writeFile(file, 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n');
  await chmod(file, 0o600);
  await assert.rejects(mailConfigOf(config), /mail-secret: [\s\S]*has a run of repeated or consecutive characters/);
});

test('a secret named in the config is used as it is, and checked like any other', async (t) => {
  const home = await mkdtemp(path.join(tmpdir(), 'testlab-mail-secret-'));
  t.after(() => rm(home, { recursive: true, force: true }));
  const secret = 'OdW4JCilDCDc0v7hkmbokCaQgHS1ydW0caY90uRWWl4';
  assert.equal((await mailConfigOf(await configIn(home, `  secret: "${secret}"`)))!.secret, secret);
  await assert.rejects(configIn(home, '  secret: "replace-with-64-random-characters-e.g.-openssl-rand-hex-32-xxxxxx"'), /mail\.secret: looks like a placeholder/);
});

test('a config file holding the SMTP password or the mail secret is refused while others can read it', async (t) => {
  const home = await mkdtemp(path.join(tmpdir(), 'testlab-config-mode-'));
  t.after(() => rm(home, { recursive: true, force: true }));
  const withPassword = (await example()).replace('    tls: starttls ', '    auth: { user: lab, pass: "smtp-password-of-the-lab" }\n    tls: starttls ');
  const file = path.join(home, 'labd.yaml');
  await writeFile(file, withPassword, { mode: 0o644 });
  await chmod(file, 0o644);
  await assert.rejects(loadLabConfig(file), (e: unknown) => e instanceof ConfigError && /labd\.yaml: [\s\S]*holds the SMTP password but group or others can read it \(mode 644\): chmod 600 it/.test(e.message));
  await chmod(file, 0o600);
  assert.equal((await loadLabConfig(file)).mail?.smtp.auth?.pass, 'smtp-password-of-the-lab');
  const withSecret = (await example()).replace('  baseUrl: https://lab.example.org', '  baseUrl: https://lab.example.org\n  secret: "OdW4JCilDCDc0v7hkmbokCaQgHS1ydW0caY90uRWWl4"');
  await writeFile(file, withSecret);
  await chmod(file, 0o640);
  await assert.rejects(loadLabConfig(file), /holds the mail secret but group or others can read it \(mode 640\)/);
  // Nothing secret in it: the example as shipped may stay readable.
  await writeFile(file, await example());
  await chmod(file, 0o644);
  assert.equal((await loadLabConfig(file)).mail?.secret, undefined);
});
