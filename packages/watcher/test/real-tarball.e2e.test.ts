// The full-size path once: Debian's real 135 MiB linux-source-6.1.tar.xz, served from 127.0.0.1 under
// kernel.org's name linux-6.1.tar.xz with a `.tar.sign` made by a throwaway key over the uncompressed tar
// (~1.3 GiB), downloaded with progress and checked by gpgv through an xz pipe. About a minute on 2 busy cores.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { fetchKernel, MemorySink, pollOnce, ReleasesJsonSource } from '../src/index.js';
import { DEBIAN_KERNEL_TARBALL, FAST_RETRY, makeSigner, recordingProgress, releaseEntry, startServer, tempDir } from './fixtures.js';

test('the real Debian 6.1 tarball as linux-6.1.tar.xz: downloaded with byte progress, its signature over 1.3 GiB of tar accepted by gpgv', async (t) => {
  const dir = await tempDir(t);
  const signer = await makeSigner(t, dir, 'Test Release Signer <signer@testlab.invalid>');
  // Sign what kernel.org signs: the decompressed tar, streamed from xz into gpg.
  const sigFile = path.join(dir, 'linux-6.1.tar.sign');
  const xz = execa('xz', ['-dc', '--', DEBIAN_KERNEL_TARBALL], { buffer: { stdout: false } });
  await xz.pipe('gpg', ['--homedir', signer.home, '--batch', '--armor', '--detach-sign', '--local-user', signer.fingerprint, '--output', sigFile]);

  const server = await startServer(t);
  server.routes.set('/pub/linux-6.1.tar.xz', { body: '', file: DEBIAN_KERNEL_TARBALL });
  server.routes.set('/pub/linux-6.1.tar.sign', { body: await readFile(sigFile) });
  server.routes.set('/releases.json', {
    body: JSON.stringify({ releases: [releaseEntry({ moniker: 'mainline', version: '6.1', source: `${server.base}/pub/linux-6.1.tar.xz`, pgp: `${server.base}/pub/linux-6.1.tar.sign` })] }),
  });

  const cacheDir = path.join(dir, 'cache');
  const progress = recordingProgress();
  const sink = new MemorySink();
  const [report] = await pollOnce([new ReleasesJsonSource({ url: `${server.base}/releases.json`, http: FAST_RETRY })], sink, {
    cacheDir,
    progress,
    fetch: (k) => fetchKernel(k, { cacheDir, keyring: signer.keyring, http: FAST_RETRY, progress }),
  });
  const found = report?.found[0];
  assert.equal(found?.status, 'new', found?.note);
  assert.equal(found?.verifiedBy, `pgp ${signer.fingerprint} (Test Release Signer <signer@testlab.invalid>)`);
  assert.deepEqual(sink.accepted.map((k) => k.version.text), ['6.1']);

  // Byte progress during the download, and the tar's size seen through the xz pipe.
  assert.ok(progress.fractions.filter((f) => f > 0 && f < 1).length > 10, 'the download reported progress as it went');
  const checked = progress.details.filter((d) => d.endsWith('MiB of tar checked')).map((d) => Number.parseFloat(d));
  assert.ok((checked.at(-1) ?? 0) > 1000, `gpgv read the whole uncompressed tar (${checked.at(-1)} MiB)`);

  // The cached copy is the served file, byte for byte, and its sha256 is recorded.
  const { size } = await stat(DEBIAN_KERNEL_TARBALL);
  const sha = (await execa('sha256sum', ['--', DEBIAN_KERNEL_TARBALL])).stdout.split(' ')[0];
  const names = (await readdir(path.join(cacheDir, 'downloads'))).filter((n) => n.endsWith('.json'));
  const records = await Promise.all(names.map(async (n) => JSON.parse(await readFile(path.join(cacheDir, 'downloads', n), 'utf8')) as { url: string; bytes: number; sha256: string }));
  const tarball = records.find((r) => r.url.endsWith('linux-6.1.tar.xz'));
  assert.deepEqual([tarball?.bytes, tarball?.sha256], [size, sha]);
});
