// Argv quoting for the remote shell, checked against real shells: each word must come back as it went in.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { remoteCommand, shellJoin, shellQuote } from '../src/index.js';

const TRICKY_WORDS = [
  "it's", "'", "''", '$HOME', '${PATH}', '$(reboot)', '`id`', 'a; rm -rf /', 'a && b || c', '"double"', 'back\\slash',
  'new\nline', 'tab\there', '  spaces  ', '', '*', '?', '~', '#comment', 'a|b', '<in >out', 'ümlaut ✓', '-n', '!bang',
];

// Each shell must give back exactly the words we quoted: printf prints each argument NUL-terminated.
async function roundTrip(shell: string[], words: string[]): Promise<string[]> {
  const { stdout } = await promisify(execFile)(shell[0]!, [...shell.slice(1), '-c', `printf '%s\\0' ${shellJoin(words)}`]);
  return stdout.split('\0').slice(0, -1);
}

describe('shell quoting', () => {
  it('single-quotes and escapes single quotes', () => {
    assert.equal(shellQuote("it's"), `'it'\\''s'`);
    assert.equal(shellQuote(''), `''`);
    assert.equal(shellJoin(['echo', 'a b']), `'echo' 'a b'`);
  });

  it('refuses NUL and empty commands', () => {
    assert.throws(() => shellQuote('a\0b'));
    assert.throws(() => shellJoin([]));
  });

  it('runs in a working folder only when it is an absolute path', () => {
    assert.equal(remoteCommand(['make', 'x'], "/srv/it's"), `cd '/srv/it'\\''s' && 'make' 'x'`);
    assert.equal(remoteCommand(['true']), `'true'`);
    assert.throws(() => remoteCommand(['true'], '-P'), /absolute path/);
  });

  for (const shell of [['/bin/sh'], ['/bin/busybox', 'sh']]) {
    it(`round-trips through ${shell.join(' ')}`, async () => {
      assert.deepEqual(await roundTrip(shell, TRICKY_WORDS), TRICKY_WORDS);
    });
  }
});
