// TAHI's remote calls performed on a real QEMU NUT (the lab's image, a Linux 6.1 the lab built): each
// call's commands must run there, and leave the state the test asked for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createQemuNutDriver } from '@testlab/nut-drivers';
import { performRemoteCall } from '../src/index.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const cache = process.env.TESTLAB_CACHE ?? path.join(os.homedir(), '.cache/testlab');
const image = process.env.TESTLAB_NUT_IMAGE ?? path.join(repo, 'var/nut-image/initramfs.gz');
// Any kernel the lab built with XFRM (the phase2 sets' fragment): the newest such one.
const kernel = (() => {
  const dir = path.join(cache, 'kernels');
  for (const k of existsSync(dir) ? readdirSync(dir) : []) {
    const meta = JSON.parse(readFileSync(path.join(dir, k, 'meta.json'), 'utf8')) as { kernelRelease: string; inputKey: string };
    const config = path.join(cache, 'configs', `${meta.inputKey}.config`);
    if (existsSync(config) && readFileSync(config, 'utf8').includes('CONFIG_XFRM_USER=y')) return { bzImage: path.join(dir, k, 'bzImage'), kernelRelease: meta.kernelRelease };
  }
  return undefined;
})();

test('remote calls on a QEMU NUT: addresses, routes, MTU, sysctl, racontrol (radvd), reboot reset, IPsec SA and policy', { skip: (!kernel || !existsSync(image)) && 'no lab-built kernel with XFRM or no NUT image', timeout: 300_000 }, async () => {
  const driver = createQemuNutDriver({ stateDir: mkdtempSync(path.join(os.tmpdir(), 'tahi-nut-')), baseInitramfs: image });
  const nut = await driver.boot({ kernel: kernel!, links: 1, consoleLog: path.join(mkdtempSync(path.join(os.tmpdir(), 'tahi-nut-log-')), 'console.log') }, { step() {}, fraction() {} });
  try {
    const dev = nut.links[0]!.nutIfname;
    const ctx = { nut, interfaces: [dev] };
    const call = async (name: string, ...words: string[]) => {
      const r = await performRemoteCall(name, ['-t', 'testlab', '-u', 'root', '-p', 'x', '-d', 'none', ...words], ctx);
      assert.equal(r.code, 0, `${name}: ${r.log.join('\n')}`);
    };
    const sh = async (...argv: string[]) => (await nut.exec(argv)).stdout;
    await call('manualaddrconf', `if=${dev}`, 'addr=3ffe:501:ffff:100::1', 'len=64', 'type=unicast');
    assert.match(await sh('/usr/sbin/ip', '-6', 'addr', 'show', 'dev', dev), /inet6 3ffe:501:ffff:100::1\/64/);
    await call('route', 'cmd=add', 'prefix=3ffe:501:ffff:200::', 'prefixlen=64', 'gateway=3ffe:501:ffff:100::2', `if=${dev}`);
    assert.match(await sh('/usr/sbin/ip', '-6', 'route', 'show'), /3ffe:501:ffff:200::\/64 via 3ffe:501:ffff:100::2/);
    await call('mtuconfig', `if=${dev}`, 'mtu=1280');
    assert.match(await sh('/usr/sbin/ip', 'link', 'show', 'dev', dev), /mtu 1280/);
    await call('sysctl', `name=net.ipv6.conf.${dev}.accept_ra`, 'value=2');
    assert.equal((await sh('cat', `/proc/sys/net/ipv6/conf/${dev}/accept_ra`)).trim(), '2');
    await call('ipsecSetSAD', 'src=3ffe:501:ffff:100::1', 'dst=3ffe:501:ffff:100::2', 'spi=4096', 'mode=transport', 'protocol=esp', 'ealgo=aes-cbc', `ealgokey=0x${'11'.repeat(16)}`, 'eauth=hmac-sha256', `eauthkey=0x${'22'.repeat(32)}`); // SHA-1 and 3DES need tahi-ipsec.config
    await call('ipsecSetSPD', 'src=3ffe:501:ffff:100::1', 'dst=3ffe:501:ffff:100::2', 'upperspec=any', 'direction=out', 'protocol=esp', 'mode=transport');
    assert.match(await sh('/usr/sbin/ip', 'xfrm', 'state', 'list'), /spi 0x00001000/);
    assert.match(await sh('/usr/sbin/ip', 'xfrm', 'policy', 'list'), /dir out/);
    await call('ipsecClearAll');
    assert.equal((await sh('/usr/sbin/ip', 'xfrm', 'state', 'list')).trim(), '');
    await call('sysctl', 'name=net.ipv6.conf.all.forwarding', 'value=1');
    await call('racontrol', 'mode=start', `link0=${dev}`, 'prefix0=3ffe:501:ffff:100::', 'vltime=30', 'pltime=20', 'maxinterval=10', 'mininterval=5');
    const pid = (await sh('cat', '/run/testlab-tahi-radvd.pid')).trim();
    assert.match(pid, /^[0-9]+$/);
    assert.match(await sh('cat', `/proc/${pid}/cmdline`), /radvd/);
    await call('racontrol', 'mode=stop');
    assert.equal((await nut.exec(['test', '-e', '/run/testlab-tahi-radvd.pid'])).code, 1, 'stopped radvd leaves no pid file');
    await call('reboot');
    const after = await sh('/usr/sbin/ip', '-6', 'addr', 'show', 'dev', dev);
    assert.doesNotMatch(after, /3ffe:501:ffff:100::1/);
    assert.match(await sh('/usr/sbin/ip', 'link', 'show', 'dev', dev), /mtu 1500.*state UP|mtu 1500/);
    assert.doesNotMatch(await sh('/usr/sbin/ip', '-6', 'route', 'show'), /3ffe:501:ffff:200::/);
  } finally {
    await nut.shutdown();
  }
});
