// The watch section of the lab's config: the example's (commented) git tree with a tag keyring is valid
// once uncommented, and a bad keyring is reported with its key and line like any other mistake.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, parseLabConfig } from '../src/config.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** The example config with its `# watch:` block uncommented (it is commented so the example polls nothing). */
async function exampleWithWatch(): Promise<string> {
  const lines = (await readFile(path.join(repoRoot, 'infra/labd/labd.example.yaml'), 'utf8')).split('\n');
  const start = lines.indexOf('# watch:');
  assert.ok(start >= 0, 'the example has a commented watch section');
  for (let i = start; i < lines.length && lines[i]!.startsWith('#'); i++) lines[i] = lines[i]!.slice(2);
  return lines.join('\n');
}

function problems(text: string): string[] {
  try {
    parseLabConfig(text, 'labd.yaml');
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.problems;
  }
  assert.fail('the config was accepted');
}

test("the example's watch section, with a git tree's tag keyring, is valid", async () => {
  const config = parseLabConfig(await exampleWithWatch(), 'labd.example.yaml');
  const tree = config.watch?.sources.find((s) => s.driver === 'git-tree');
  assert.equal(tree?.driver === 'git-tree' ? tree.keyring : undefined, '/etc/testlab/torvalds-tags.gpg');
  assert.equal(config.watch?.keyring, '/etc/testlab/kernel-signers.gpg');
});

test("a git tree's keyring must be an absolute path, and a string: each reported at its line", async () => {
  const text = await exampleWithWatch();
  const relative = text.replace('keyring: /etc/testlab/torvalds-tags.gpg', 'keyring: torvalds-tags.gpg');
  const line = relative.split('\n').findIndex((l) => l.includes('keyring: torvalds-tags.gpg')) + 1;
  assert.deepEqual(problems(relative), [`labd.yaml:${line}: watch.sources.1.keyring: an absolute path to a gpgv keyring file`]);
  const number = text.replace('keyring: /etc/testlab/torvalds-tags.gpg', 'keyring: 42');
  assert.match(problems(number).join('\n'), new RegExp(`^labd\\.yaml:${line}: watch\\.sources\\.1\\.keyring: .*string`));
});
