import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import ssh2 from 'ssh2';
import { publicKeyBlob } from '@testlab/core';
import { ensureLabKeys, generateEd25519KeyPair } from '../src/keys.js';

describe('lab keys', () => {
  const dirs: string[] = [];
  const tempDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'testlab-keys-'));
    dirs.push(dir);
    return dir;
  };
  after(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('generates the client and host keys once, 0600 in a 0700 folder', async () => {
    const stateDir = await tempDir();
    const keys = await ensureLabKeys(stateDir);
    assert.match(keys.clientPublicKey, /^ssh-ed25519 [A-Za-z0-9+/=]+ testlab$/);
    assert.match(keys.hostPublicKey, /^ssh-ed25519 [A-Za-z0-9+/=]+ testlab-nut$/);
    assert.ok(keys.clientPrivateKey.includes('OPENSSH PRIVATE KEY'));
    assert.equal(keys.hostKeyBlob.length, 51); // string "ssh-ed25519" + 32-byte key, each length-prefixed
    assert.equal((await stat(join(stateDir, 'keys'))).mode & 0o777, 0o700);
    const files = (await readdir(join(stateDir, 'keys'))).sort();
    assert.deepEqual(files, ['lab_client_ed25519', 'lab_client_ed25519.pub', 'nut_host_ed25519', 'nut_host_ed25519.pub']);
    for (const file of files) assert.equal((await stat(join(stateDir, 'keys', file))).mode & 0o777, 0o600, file);

    // The client key's private and public halves belong together.
    const parsed = ssh2.utils.parseKey(keys.clientPrivateKey);
    assert.ok(!(parsed instanceof Error) && !Array.isArray(parsed));
    assert.ok(parsed.getPublicSSH().equals(publicKeyBlob(keys.clientPublicKey)));

    const again = await ensureLabKeys(stateDir);
    assert.deepEqual(again, keys);
  });

  it('every generated key pair is well formed (ssh2\'s own generator got 1 in 256 wrong)', async () => {
    // 500 pairs: a generator with that fault fails here 6 times in 7.
    for (let batch = 0; batch < 50; batch++) {
      const pairs = await Promise.all(Array.from({ length: 10 }, () => generateEd25519KeyPair('check')));
      for (const pair of pairs) {
        const parsed = ssh2.utils.parseKey(pair.private);
        assert.ok(!(parsed instanceof Error) && !Array.isArray(parsed), `${parsed instanceof Error ? parsed.message : ''}\n${pair.private}`);
        assert.equal(publicKeyBlob(pair.public).length, 51, pair.public);
        assert.ok(parsed.getPublicSSH().equals(publicKeyBlob(pair.public)));
      }
    }
  });

  it('gives every caller the same keys when several start at once', async () => {
    const stateDir = await tempDir();
    const all = await Promise.all([1, 2, 3, 4].map(() => ensureLabKeys(stateDir)));
    for (const keys of all) assert.deepEqual(keys, all[0]);
    assert.deepEqual((await readdir(stateDir)).sort(), ['keys']); // no temporary folders left behind
  });

  it('says how to recover from a damaged keys folder', async () => {
    const stateDir = await tempDir();
    await ensureLabKeys(stateDir);
    await writeFile(join(stateDir, 'keys', 'lab_client_ed25519'), 'garbage');
    await assert.rejects(ensureLabKeys(stateDir), /remove that folder/);
  });
});
