// kernel.org's releases.json: the real 2020 snapshot, every moniker, and hostile entries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { DiscoveredKernel } from '@testlab/core';
import { InvalidFeed, parseReleasesJson } from '../src/index.js';
import { releaseEntry } from './fixtures.js';

const FIXTURE = '/work/shared/fixtures/kernel-org/releases-2020-12-14.json';
const CDN = 'https://cdn.kernel.org/pub/linux/kernel/v6.x';

function byMoniker(kernels: DiscoveredKernel[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const k of kernels) (out[k.stream] ??= []).push(`${k.version.kind} ${k.version.text}`);
  return out;
}

test('the real 2020-12-14 snapshot gives exactly 5.10 (mainline final) and 5.10.1 (stable), with tarball and signature', () => {
  const { kernels, skipped } = parseReleasesJson(readFileSync(FIXTURE, 'utf8'), 'fixture');
  assert.deepEqual(skipped, []);
  assert.deepEqual(byMoniker(kernels), { mainline: ['final 5.10'], stable: ['stable 5.10.1'] });
  const stable = kernels.find((k) => k.version.text === '5.10.1');
  assert.deepEqual(stable?.origin, {
    type: 'tarball',
    url: 'https://cdn.kernel.org/pub/linux/kernel/v5.x/linux-5.10.1.tar.xz',
    signatureUrl: 'https://cdn.kernel.org/pub/linux/kernel/v5.x/linux-5.10.1.tar.sign',
  });
  assert.equal(stable?.released, '2020-12-14T18:33:14.000Z');
  assert.equal(stable?.eol, false);
  assert.equal(stable?.foundBy, 'fixture');
});

/** A feed with every moniker, shaped like kernel.org's today (kernel-org.md). */
function everyMoniker(): Record<string, unknown>[] {
  return [
    releaseEntry({ moniker: 'mainline', version: '6.13-rc1', source: 'https://git.kernel.org/torvalds/t/linux-6.13-rc1.tar.gz' }),
    releaseEntry({ moniker: 'stable', version: '6.12.3', source: `${CDN}/linux-6.12.3.tar.xz`, pgp: `${CDN}/linux-6.12.3.tar.sign` }),
    releaseEntry({ moniker: 'stable', version: '6.11.11', source: `${CDN}/linux-6.11.11.tar.xz`, pgp: `${CDN}/linux-6.11.11.tar.sign`, iseol: true }),
    releaseEntry({ moniker: 'longterm', version: '6.6.64', source: `${CDN}/linux-6.6.64.tar.xz`, pgp: `${CDN}/linux-6.6.64.tar.sign` }),
    releaseEntry({ moniker: 'longterm', version: '5.4.286', source: 'https://cdn.kernel.org/pub/linux/kernel/v5.x/linux-5.4.286.tar.xz', pgp: 'https://cdn.kernel.org/pub/linux/kernel/v5.x/linux-5.4.286.tar.sign' }),
    releaseEntry({ moniker: 'linux-next', version: 'next-20241206' }),
  ];
}

test('every moniker: rc as a cgit tarball without signature, stable and longterm signed, linux-next from git, iseol kept', () => {
  const text = JSON.stringify({ latest_stable: { version: '6.12.3' }, releases: everyMoniker() });
  const { kernels, skipped } = parseReleasesJson(text, 'feed', { nextRepo: '/srv/linux-next' });
  assert.deepEqual(skipped, []);
  assert.deepEqual(byMoniker(kernels), {
    mainline: ['rc 6.13-rc1'],
    stable: ['stable 6.12.3', 'stable 6.11.11'],
    longterm: ['stable 6.6.64', 'stable 5.4.286'],
    'linux-next': ['next next-20241206'],
  });
  const byText = new Map(kernels.map((k) => [k.version.text, k]));
  assert.deepEqual(byText.get('6.13-rc1')?.origin, { type: 'tarball', url: 'https://git.kernel.org/torvalds/t/linux-6.13-rc1.tar.gz' });
  assert.deepEqual(byText.get('next-20241206')?.origin, { type: 'git', repo: '/srv/linux-next', ref: 'next-20241206' });
  assert.equal(byText.get('6.11.11')?.eol, true);
  assert.equal(byText.get('6.12.3')?.eol, false);
});

test('hostile and broken entries are skipped with their reason; the good ones remain', () => {
  const good = everyMoniker();
  const hostile: unknown[] = [
    releaseEntry({ moniker: 'stable', version: '6.12; rm -rf /', source: `${CDN}/linux-6.12.tar.xz`, pgp: `${CDN}/linux-6.12.tar.sign` }),
    releaseEntry({ moniker: 'stable', version: '../../x', source: `${CDN}/x.tar.xz`, pgp: `${CDN}/x.tar.sign` }),
    releaseEntry({ moniker: 'bleeding-edge', version: '6.14', source: `${CDN}/linux-6.14.tar.xz`, pgp: `${CDN}/linux-6.14.tar.sign` }),
    (() => { const e = releaseEntry({ moniker: 'stable', version: '6.12.4' }); delete e.source; return e; })(),
    { ...releaseEntry({ moniker: 'stable', version: '6.12.5' }), iseol: 'no' },
    { ...releaseEntry({ moniker: 'mainline', version: '6.13' }), version: 6.13 },
    'not an object',
    releaseEntry({ moniker: 'mainline', version: '6.13', source: `${CDN}/linux-6.12.tar.xz`, pgp: `${CDN}/linux-6.12.tar.sign` }),
    releaseEntry({ moniker: 'stable', version: '6.12.6', source: `${CDN}/linux-6.12.6.tar.xz`, pgp: null }),
    releaseEntry({ moniker: 'stable', version: '6.12.7', source: 'file:///etc/linux-6.12.7.tar.xz', pgp: `${CDN}/linux-6.12.7.tar.sign` }),
    releaseEntry({ moniker: 'linux-next', version: '6.14-rc1' }),
    releaseEntry({ moniker: 'stable', version: '6.12.3', source: `${CDN}/linux-6.12.3.tar.xz`, pgp: `${CDN}/linux-6.12.3.tar.sign` }),
  ];
  const feed = JSON.stringify({ releases: [...good.slice(0, 3), ...hostile, ...good.slice(3)] });
  const { kernels, skipped } = parseReleasesJson(feed, 'feed');
  assert.deepEqual(kernels.map((k) => k.version.text).sort(), ['5.4.286', '6.11.11', '6.12.3', '6.13-rc1', '6.6.64', 'next-20241206']);
  assert.equal(skipped.length, hostile.length);
  const reason = (pattern: RegExp) => skipped.find((s) => pattern.test(s.entry))?.reason ?? '(not skipped)';
  assert.match(reason(/"6\.12; rm -rf \/"/), /invalid kernel version .*characters no kernel version has/);
  assert.match(reason(/"\.\.\/\.\.\/x"/), /invalid kernel version "\.\.\/\.\.\/x"/);
  assert.match(reason(/"6\.14"/), /unknown moniker "bleeding-edge"/);
  assert.match(reason(/"6\.12\.4"/), /source: /);
  assert.match(reason(/"6\.12\.5"/), /iseol: .*boolean/);
  assert.match(reason(/releases\[8\] version "6\.13"$/), /^version: .*string/);
  assert.match(reason(/^releases\[9\]$/), /object/);
  assert.match(reason(/releases\[10\] version "6\.13"/), /source "linux-6\.12\.tar\.xz" is not linux-6\.13\.tar\.xz/);
  assert.match(reason(/"6\.12\.6"/), /no pgp signature URL for stable 6\.12\.6/);
  assert.match(reason(/"6\.12\.7"/), /is not http\(s\)/);
  assert.match(reason(/"6\.14-rc1"/), /a linux-next entry cannot be a rc version/);
  assert.match(reason(/releases\[14\] version "6\.12\.3"/), /lists this version twice/);
});

test('a feed that is not JSON, or not {releases: [...]}, is reported as a whole and yields nothing', () => {
  assert.throws(() => parseReleasesJson('<html>502 Bad Gateway</html>', 'https://mirror/releases.json'), (e: unknown) => {
    assert.ok(e instanceof InvalidFeed);
    assert.match(e.message, /^https:\/\/mirror\/releases\.json is not a usable releases\.json: invalid JSON/);
    return true;
  });
  assert.throws(() => parseReleasesJson('{"releases": {"version": "6.12"}}', 'feed'), /feed is not a usable releases\.json: releases: .*array/);
  assert.throws(() => parseReleasesJson('[]', 'feed'), /not a usable releases\.json/);
});
