// The watcher's configuration and one poll over several sources: a source that cannot be read is reported
// and the others are polled; the same kernel from two sources is offered once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { GitTreeSource, MemorySink, parseWatchConfig, pollOnce } from '../src/index.js';
import { FAST_RETRY, makeKernelRepo, realKernelPart, releaseEntry, startServer, tempDir } from './fixtures.js';

test('a configuration is validated as a whole, naming the bad field', () => {
  assert.throws(() => parseWatchConfig({ sources: [] }), /invalid watch configuration: sources: /);
  assert.throws(() => parseWatchConfig({ sources: [{ driver: 'rss', url: 'x' }] }), /invalid watch configuration: sources\.0\.driver: /);
  assert.throws(() => parseWatchConfig({ sources: [{ driver: 'releases-json', urll: 'x' }] }), /invalid watch configuration: sources\.0: .*urll/);
  assert.throws(() => parseWatchConfig({ sources: [{ driver: 'releases-json', url: 'ftp://mirror/releases.json' }] }), /sources\.0 \(releases-json\): releases URL "ftp:\/\/mirror\/releases\.json" is not http\(s\)/);
  assert.throws(() => parseWatchConfig({ sources: [{ driver: 'git-tree', name: 'net next', repo: '/srv/x' }] }), /sources\.0 \(git-tree\): git tree name "net next"/);
  const { sources, config } = parseWatchConfig({
    sources: [{ driver: 'releases-json' }, { driver: 'git-tree', name: 'torvalds', repo: '/srv/linux', branches: ['master'], since: '6.1' }],
    keyring: '/etc/testlab/kernel-signers.gpg',
  });
  assert.deepEqual(sources.map((s) => s.description), ['releases-json https://www.kernel.org/releases.json', 'git-tree torvalds /srv/linux']);
  assert.equal(config.keyring, '/etc/testlab/kernel-signers.gpg');
});

test('one poll: an unreadable feed is reported, the git tree still polled, and 6.98 found by both is offered once', async (t) => {
  const dir = await tempDir(t);
  const repo = await makeKernelRepo(path.join(dir, 'linux'), await realKernelPart());
  const server = await startServer(t);
  server.routes.set('/down.json', { body: 'gone', failFirst: 100 });
  server.routes.set('/releases.json', { body: JSON.stringify({ releases: [releaseEntry({ moniker: 'mainline', version: '6.98', source: `${server.base}/linux-6.98.tar.xz`, pgp: `${server.base}/linux-6.98.tar.sign` })] }) });
  const { sources } = parseWatchConfig({
    sources: [
      { driver: 'releases-json', url: `${server.base}/down.json` },
      { driver: 'releases-json', url: `${server.base}/releases.json` },
      { driver: 'git-tree', name: 'torvalds', repo: repo.dir, tagPrefixes: ['v'] },
    ],
  }, { http: FAST_RETRY }); // the default waits 2, 8 and 30 s between tries
  const sink = new MemorySink();
  const reports = await pollOnce(sources, sink, { cacheDir: path.join(dir, 'cache') });
  assert.match(reports[0]?.error ?? '', /^GET http:\/\/127\.0\.0\.1:[0-9]+\/down\.json failed after 4 tries: HTTP 503 Service Unavailable$/);
  assert.deepEqual(reports[1]?.found.map((f) => `${f.status} ${f.kernel.version.text}`), ['new 6.98']);
  assert.deepEqual(reports[2]?.found.map((f) => `${f.status} ${f.kernel.version.text} ${f.note ?? ''}`.trim()), [
    `known 6.98 also found by releases-json ${server.base}/releases.json`,
    'new 6.99-rc1',
  ]);
  assert.deepEqual(sink.accepted.map((k) => k.version.text), ['6.98', '6.99-rc1']);
});

test('a git tree URL whose user name could be an ssh option, or hides characters behind %, is refused', () => {
  assert.doesNotThrow(() => new GitTreeSource({ name: 'torvalds', repo: 'ssh://git@git.kernel.org/pub/scm/linux.git' }));
  for (const url of ['ssh://-oProxyCommand=touch@example.org/x.git', 'ssh://%2Doption@example.org/x', 'ssh://a%20b@example.org/x']) {
    assert.throws(() => new GitTreeSource({ name: 'torvalds', repo: url }), /invalid user name/, url);
  }
});
