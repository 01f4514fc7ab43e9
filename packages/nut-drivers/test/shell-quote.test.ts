import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { execa } from 'execa';
import { shellJoin, shellQuote } from '../src/ssh-exec.js';

const TRICKY_WORDS = [
  "it's", "'", "''", '$HOME', '${PATH}', '$(reboot)', '`id`', 'a; rm -rf /', 'a && b || c', '"double"', 'back\\slash',
  'new\nline', 'tab\there', '  spaces  ', '', '*', '?', '~', '#comment', 'a|b', '<in >out', 'ümlaut ✓', '-n', '!bang',
];

// Each shell must give back exactly the words we quoted: printf prints each argument NUL-terminated.
async function roundTrip(shell: string[], words: string[]): Promise<string[]> {
  const { stdout } = await execa(shell[0]!, [...shell.slice(1), '-c', `printf '%s\\0' ${shellJoin(words)}`], { stripFinalNewline: false });
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

  for (const shell of [['/bin/sh'], ['/bin/busybox', 'sh']]) {
    it(`round-trips through ${shell.join(' ')}`, async () => {
      assert.deepEqual(await roundTrip(shell, TRICKY_WORDS), TRICKY_WORDS);
    });
  }
});
