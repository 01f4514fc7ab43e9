// Signed and unsigned kernels served the kernel.org way from 127.0.0.1: real git-archive tarballs of part of
// Debian's 6.1 tree, a throwaway signing key, real gpgv. Each bad kernel is stopped alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import type { DiscoveredKernel } from '@testlab/core';
import { fetchKernel, MemorySink, pollOnce, ReleasesJsonSource, verifyTarballAgainstTag, verifyTarballSignature } from '../src/index.js';
import { archiveTar, compress, FAST_RETRY, git, makeKernelRepo, makeSigner, realKernelPart, recordingProgress, releaseEntry, startServer, tempDir } from './fixtures.js';

test('a releases.json poll with fetching: good signature, 503-then-200 and a matching rc accepted; bad signature, unknown key, truncated tarball and a forged rc each rejected alone', async (t) => {
  const dir = await tempDir(t);
  const repo = await makeKernelRepo(path.join(dir, 'linux'), await realKernelPart());
  await git(repo.dir, 'tag', 'v6.99-rc2', repo.commits.next);
  const signer = await makeSigner(t, dir, 'Test Release Signer <signer@testlab.invalid>');
  const stranger = await makeSigner(t, dir, 'Stranger <stranger@testlab.invalid>');
  const server = await startServer(t);

  const tar698 = await archiveTar(repo.dir, 'v6.98', 'linux-6.98');
  const xz698 = await compress(tar698, 'xz');
  const sig698 = await signer.sign(tar698);
  const otherXz = await compress(await archiveTar(repo.dir, 'v6.99-rc1', 'linux-6.98'), 'xz');
  const rc1 = await compress(await archiveTar(repo.dir, 'v6.99-rc1', 'linux-6.99-rc1'), 'gzip');

  const serve = (name: string, route: Parameters<typeof server.routes.set>[1]) => server.routes.set(`/pub/${name}`, route);
  serve('linux-6.98.tar.xz', { body: xz698 });
  serve('linux-6.98.tar.sign', { body: sig698 });
  serve('linux-6.98.1.tar.xz', { body: otherXz }); // not what was signed
  serve('linux-6.98.1.tar.sign', { body: sig698 });
  serve('linux-6.98.2.tar.xz', { body: xz698 });
  serve('linux-6.98.2.tar.sign', { body: await stranger.sign(tar698) });
  serve('linux-6.98.3.tar.xz', { body: xz698, truncateAt: Math.floor(xz698.length / 2) });
  serve('linux-6.98.3.tar.sign', { body: sig698 });
  serve('linux-6.98.4.tar.xz', { body: xz698, failFirst: 1 }); // same bytes, so the same signature holds
  serve('linux-6.98.4.tar.sign', { body: sig698 });
  serve('linux-6.99-rc1.tar.gz', { body: rc1 });
  serve('linux-6.99-rc2.tar.gz', { body: rc1 }); // rc1's tree offered as rc2
  const pub = `${server.base}/pub`;
  const signed = (moniker: string, version: string) => releaseEntry({ moniker, version, source: `${pub}/linux-${version}.tar.xz`, pgp: `${pub}/linux-${version}.tar.sign` });
  server.routes.set('/releases.json', {
    type: 'application/json',
    body: JSON.stringify({
      latest_stable: { version: '6.98.4' },
      releases: [
        releaseEntry({ moniker: 'mainline', version: '6.99-rc2', source: `${pub}/linux-6.99-rc2.tar.gz` }),
        releaseEntry({ moniker: 'mainline', version: '6.99-rc1', source: `${pub}/linux-6.99-rc1.tar.gz` }),
        signed('mainline', '6.98'),
        signed('stable', '6.98.1'),
        signed('stable', '6.98.2'),
        signed('stable', '6.98.3'),
        signed('longterm', '6.98.4'),
      ],
    }),
  });

  const cacheDir = path.join(dir, 'cache');
  const progress = recordingProgress();
  const sink = new MemorySink();
  const fetchOptions = { cacheDir, keyring: signer.keyring, rcTagRepo: repo.dir, http: FAST_RETRY, progress };
  const [report] = await pollOnce([new ReleasesJsonSource({ url: `${server.base}/releases.json`, http: FAST_RETRY })], sink, {
    cacheDir,
    progress,
    fetch: (k) => fetchKernel(k, fetchOptions),
  });
  assert.equal(report?.error, undefined);
  const status = new Map(report?.found.map((f) => [f.kernel.version.text, f]));
  const line = (v: string) => `${status.get(v)?.status}: ${status.get(v)?.note ?? status.get(v)?.verifiedBy}`;

  assert.equal(line('6.98'), `new: pgp ${signer.fingerprint} (Test Release Signer <signer@testlab.invalid>)`);
  assert.equal(line('6.98.4'), `new: pgp ${signer.fingerprint} (Test Release Signer <signer@testlab.invalid>)`);
  assert.equal(server.hits.get('/pub/linux-6.98.4.tar.xz'), 2, '503 then 200');
  assert.match(line('6.99-rc1'), /^new: git tag v6\.99-rc1 \(tree [0-9a-f]{40}\)$/);
  assert.match(line('6.98.1'), /^rejected: kernel 6\.98\.1 \(stable\) rejected: BAD PGP signature by Test Release Signer <signer@testlab\.invalid>: the tarball is not what was signed$/);
  assert.match(line('6.98.2'), new RegExp(`^rejected: kernel 6\\.98\\.2 \\(stable\\) rejected: signed by key ${stranger.fingerprint.slice(-16)}, which is not in the keyring `));
  assert.match(line('6.98.3'), /^rejected: kernel 6\.98\.3 \(stable\) rejected: download of .*linux-6\.98\.3\.tar\.xz failed after 4 tries: truncated: got [0-9]+ of [0-9]+ bytes/);
  assert.match(line('6.99-rc2'), /^rejected: kernel 6\.99-rc2 \(mainline\) rejected: the tarball is not the tree of tag v6\.99-rc2 \(1 paths differ: M net\/ipv6\/ndisc\.c\)$/);
  assert.deepEqual(sink.accepted.map((k) => k.version.text).sort(), ['6.98', '6.98.4', '6.99-rc1']);

  // Only what passed stays in the cache (tarball + signature + their records): nothing rejected is reused.
  const kept = (await readdir(path.join(cacheDir, 'downloads'))).filter((f) => !f.endsWith('.json'));
  assert.equal(kept.length, 2 + 2 + 1);
  assert.ok(progress.steps.includes('gpgv 6.98'));
  assert.ok(progress.details.some((d) => /MiB of tar checked$/.test(d)));
});

test('a tarball cut short on disk is named as damaged even though gpgv also fails', async (t) => {
  const dir = await tempDir(t);
  const repo = await makeKernelRepo(path.join(dir, 'linux'), await realKernelPart());
  const signer = await makeSigner(t, dir, 'Test Release Signer <signer@testlab.invalid>');
  const tar = await archiveTar(repo.dir, 'v6.98', 'linux-6.98');
  const xz = await compress(tar, 'xz');
  await writeFile(path.join(dir, 'cut.tar.xz'), xz.subarray(0, xz.length - 4096));
  await writeFile(path.join(dir, 'good.tar.xz'), xz);
  await writeFile(path.join(dir, 'linux.tar.sign'), await signer.sign(tar));
  await writeFile(path.join(dir, 'garbage.sign'), 'this is not a signature\n');
  await assert.rejects(verifyTarballSignature(path.join(dir, 'cut.tar.xz'), path.join(dir, 'linux.tar.sign'), signer.keyring), /^Error: the tarball is damaged: xz says: .*(Unexpected end of input|Compressed data is corrupt)/);
  await assert.rejects(verifyTarballSignature(path.join(dir, 'good.tar.xz'), path.join(dir, 'garbage.sign'), signer.keyring), /no OpenPGP signature|gpgv refused/);
  // A keyring cut by one byte, or missing: gpgv says NO_PUBKEY for both, but the keyring is what to fix.
  const cutKeyring = path.join(dir, 'cut-keyring.gpg');
  await writeFile(cutKeyring, (await readFile(signer.keyring)).subarray(0, -1));
  await assert.rejects(verifyTarballSignature(path.join(dir, 'good.tar.xz'), path.join(dir, 'linux.tar.sign'), cutKeyring), {
    message: `the keyring ${cutKeyring} is damaged (gpgv: keyring_get_keyblock: read error: Invalid packet): export it again`,
  });
  const noKeyring = path.join(dir, 'no-such-keyring.gpg');
  await assert.rejects(verifyTarballSignature(path.join(dir, 'good.tar.xz'), path.join(dir, 'linux.tar.sign'), noKeyring), {
    message: `cannot read the keyring ${noKeyring}: keyblock resource '${noKeyring}': No such file or directory`,
  });
  const ok = await verifyTarballSignature(path.join(dir, 'good.tar.xz'), path.join(dir, 'linux.tar.sign'), signer.keyring);
  assert.equal(ok.fingerprint, signer.fingerprint);
});

test('policy before download: a signed kernel without a keyring, an unsigned final, an rc without a tag tree', async (t) => {
  const dir = await tempDir(t);
  const kernel = (text: string, kind: 'final' | 'rc', signatureUrl?: string): DiscoveredKernel => ({
    version: kind === 'rc' ? { kind, major: 6, minor: 99, rc: 1, text } : { kind, major: 6, minor: 98, text },
    stream: 'mainline',
    eol: false,
    origin: signatureUrl ? { type: 'tarball', url: 'http://127.0.0.1:9/x.tar.xz', signatureUrl } : { type: 'tarball', url: 'http://127.0.0.1:9/x.tar.xz' },
    released: undefined,
    foundBy: 'test',
  });
  const progress = recordingProgress();
  await assert.rejects(fetchKernel(kernel('6.98', 'final', 'http://127.0.0.1:9/x.tar.sign'), { cacheDir: dir, progress }), /kernel 6\.98 \(mainline\) rejected: it is signed but no keyring is configured/);
  await assert.rejects(fetchKernel(kernel('6.98', 'final'), { cacheDir: dir, keyring: 'k', progress }), /a final release without a signature is not taken/);
  await assert.rejects(fetchKernel(kernel('6.99-rc1', 'rc'), { cacheDir: dir, keyring: 'k', progress }), /no tag repository is configured/);
  assert.deepEqual(progress.steps, [], 'nothing was downloaded');
});

test('an rc tarball carrying a device node or a FIFO is refused before it is hashed, and nothing is left', async (t) => {
  const dir = await tempDir(t);
  const repo = path.join(dir, 'linux');
  await mkdir(path.join(repo, 'net'), { recursive: true });
  await git(repo, 'init', '-q', '-b', 'master');
  await writeFile(path.join(repo, 'Makefile'), 'VERSION = 6\nPATCHLEVEL = 99\n');
  await writeFile(path.join(repo, 'net/ndisc.c'), '/* nd */\n');
  await git(repo, 'add', '-A');
  await git(repo, 'commit', '-q', '-m', 'Linux 6.99-rc1');
  await git(repo, 'tag', 'v6.99-rc1');
  const tarball = path.join(dir, 'linux-6.99-rc1.tar');
  await writeFile(tarball, await archiveTar(repo, 'v6.99-rc1', 'linux-6.99-rc1'));
  const asRoot = process.getuid?.() === 0;
  // Appended by Python's tarfile: git archive would never write these members.
  const script = [
    'import sys, tarfile',
    "with tarfile.open(sys.argv[1], 'a') as t:",
    "    f = tarfile.TarInfo('linux-6.99-rc1/net/fifo'); f.type = tarfile.FIFOTYPE; f.mode = 0o666; t.addfile(f)",
    "    if sys.argv[2] == 'root':",
    "        d = tarfile.TarInfo('linux-6.99-rc1/mem'); d.type = tarfile.CHRTYPE; d.devmajor = 1; d.devminor = 1; d.mode = 0o666; t.addfile(d)",
  ].join('\n');
  await execa('python3', ['-c', script, tarball, asRoot ? 'root' : 'user']);
  const before = new Set(await readdir(tmpdir()));
  await assert.rejects(verifyTarballAgainstTag(tarball, path.join(repo, '.git'), 'v6.99-rc1'), (e: Error) => {
    assert.match(e.message, /the tarball has device nodes, FIFOs or sockets, which no release has: /);
    assert.match(e.message, /net\/fifo \(FIFO\)/);
    if (asRoot) assert.match(e.message, /mem \(character device\)/);
    return true;
  });
  assert.deepEqual((await readdir(tmpdir())).filter((n) => n.startsWith('testlab-rc-check-') && !before.has(n)), [], 'its unpacked tree is gone');
});
