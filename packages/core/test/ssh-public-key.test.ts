// publicKeyBlob: the line a lab engineer pastes from ssh-keyscan, read into the blob the SSH client pins.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { publicKeyBlob } from '../src/index.js';

const LINE = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIWInGMJ5cpdFNjzsUQNl3KKkFUgVU0DGTocLzvd7fPM lab@host';

test('an ed25519 line gives its 51-byte blob, with or without a comment', () => {
  const blob = publicKeyBlob(LINE);
  assert.equal(blob.length, 51);
  assert.equal(blob.subarray(4, 15).toString(), 'ssh-ed25519');
  assert.ok(publicKeyBlob(`  ${LINE.split(' ').slice(0, 2).join(' ')}\n`).equals(blob));
});

test('a key of another type than its line says, a cut line and a lone word are refused', () => {
  assert.throws(() => publicKeyBlob(LINE.replace('ssh-ed25519', 'ssh-rsa')), /does not match its type ssh-rsa/);
  assert.throws(() => publicKeyBlob('ssh-ed25519 AAAA'), /does not match its type ssh-ed25519/);
  assert.throws(() => publicKeyBlob('ssh-ed25519'), /not an OpenSSH public key line/);
});
