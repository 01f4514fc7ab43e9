// The lab's answers to TAHI's remote calls: what runs on the NUT, and what is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { commandsFor, parseRemoteArgs, performRemoteCall, serveRemoteCall, systemFolderFiles, REMOTE_CALLS, type RemoteCallContext } from '../src/index.js';

const ctx = (calls: string[][] = [], code = 0): RemoteCallContext => ({
  interfaces: ['eth1', 'eth2'],
  nut: {
    exec: async (argv) => {
      calls.push(argv);
      return { code, stdout: '', stderr: code ? 'boom' : '' };
    },
  },
});
const cmds = (name: string, ...words: string[]) => commandsFor(name, parseRemoteArgs(words), ctx());

test("TAHI's own options are dropped; key=value words are the call's", () => {
  assert.deepEqual([...parseRemoteArgs(['-t', 'testlab', '-u', 'root', '-p', 'secret', '-d', 'none', 'if=eth1', 'mtu=1280'])], [['if', 'eth1'], ['mtu', '1280']]);
});

test('calls become iproute2/sysctl argv', () => {
  assert.deepEqual(cmds('manualaddrconf', 'if=eth1', 'addr=3ffe:501:ffff:100::1', 'len=64', 'type=unicast'), [['/usr/sbin/ip', '-6', 'addr', 'add', '3ffe:501:ffff:100::1/64', 'dev', 'eth1']]);
  assert.deepEqual(cmds('route', 'cmd=add', 'prefix=3ffe:501:ffff:101::', 'prefixlen=64', 'gateway=fe80::1', 'if=eth2'), [['/usr/sbin/ip', '-6', 'route', 'add', '3ffe:501:ffff:101::/64', 'via', 'fe80::1', 'dev', 'eth2']]);
  assert.deepEqual(cmds('mtuconfig', 'if=eth1', 'mtu=1280'), [['/usr/sbin/ip', 'link', 'set', 'dev', 'eth1', 'mtu', '1280']]);
  assert.deepEqual(cmds('sysctl', 'name=net.ipv6.conf.all.forwarding', 'value=1'), [['sysctl', '-w', 'net.ipv6.conf.all.forwarding=1']]);
  assert.deepEqual(cmds('ipsecSetSAD', 'src=3ffe:501:ffff:0::1', 'dst=3ffe:501:ffff:1::1', 'spi=4096', 'mode=transport', 'protocol=esp', 'ealgo=3des-cbc', 'ealgokey=0x0123456789abcdef0123456789abcdef0123456789abcdef', 'eauth=hmac-sha1', 'eauthkey=0x0123456789abcdef0123456789abcdef01234567'), [
    ['/usr/sbin/ip', 'xfrm', 'state', 'add', 'src', '3ffe:501:ffff:0::1', 'dst', '3ffe:501:ffff:1::1', 'proto', 'esp', 'spi', '4096', 'mode', 'transport', 'enc', 'cbc(des3_ede)', '0x0123456789abcdef0123456789abcdef0123456789abcdef', 'auth', 'hmac(sha1)', '0x0123456789abcdef0123456789abcdef01234567'],
  ]);
  assert.deepEqual(cmds('ipsecSetSPD', 'src=3ffe:501:ffff:0::1', 'dst=3ffe:501:ffff:1::1', 'upperspec=any', 'direction=out', 'protocol=esp', 'mode=transport'), [
    ['/usr/sbin/ip', 'xfrm', 'policy', 'add', 'src', '3ffe:501:ffff:0::1', 'dst', '3ffe:501:ffff:1::1', 'dir', 'out', 'tmpl', 'proto', 'esp', 'mode', 'transport', 'level', 'required'],
  ]);
});

test('hostile or unknown arguments are refused (exit 32), unsupported calls exit 2', async () => {
  assert.throws(() => cmds('mtuconfig', 'if=eth1;reboot', 'mtu=1280'), /is not an interface name/);
  assert.throws(() => cmds('mtuconfig', 'if=lo', 'mtu=1280'), /not a test interface of the NUT \(eth1, eth2\)/);
  assert.throws(() => cmds('manualaddrconf', 'if=eth1', 'addr=$(reboot)', 'len=64'), /addr="\$\(reboot\)" is not an IPv6 address/);
  assert.throws(() => cmds('sysctl', 'name=kernel.panic', 'value=1'), /not a net\.ipv6 or net\.core sysctl/);
  assert.equal((await performRemoteCall('racontrol', ['mode=start', 'link0=eth1', 'hoplimitx=1'], ctx())).code, 2);
  assert.equal((await performRemoteCall('halt', [], ctx())).code, 2);
  assert.equal((await performRemoteCall('mtuconfig', ['if=eth9', 'mtu=1'], ctx())).code, 32);
  const calls: string[][] = [];
  assert.deepEqual(await performRemoteCall('mtuconfig', ['if=eth1', 'mtu=1280'], ctx(calls, 2)), { code: 32, log: ['$ /usr/sbin/ip link set dev eth1 mtu 1280 -> 2: boom'] });
});

test('the channel: wrong token refused, right token performs the call and answers its exit code', async () => {
  const token = 'ab'.repeat(16);
  const ask = async (line: string, calls: string[][]) => {
    const stream = new PassThrough();
    const reply: Buffer[] = [];
    const duplex = Object.assign(new PassThrough(), {});
    duplex.on('data', () => {});
    // A duplex whose writes the test reads: the lab writes into `out`.
    const out = new PassThrough();
    out.on('data', (b: Buffer) => reply.push(b));
    const both = Object.assign(stream, { write: out.write.bind(out), end: (s?: string) => out.end(s) });
    serveRemoteCall(both as never, token, ctx(calls), () => {});
    stream.emit('data', Buffer.from(line));
    await new Promise((r) => out.on('finish', r));
    return Buffer.concat(reply).toString();
  };
  const calls: string[][] = [];
  assert.match(await ask(`${'cd'.repeat(16)}\tclearnc\n`, calls), /wrong token.*\nexit 32\n$/);
  assert.equal(calls.length, 0);
  assert.equal(await ask(`${token}\tclearnc\t-t\ttestlab\n`, calls), '$ /usr/sbin/ip -6 neigh flush all -> 0\nexit 0\n');
  assert.deepEqual(calls, [['/usr/sbin/ip', '-6', 'neigh', 'flush', 'all']]);
});

test('the System folder has one executable .rmt per call and the connection file', () => {
  const files = systemFolderFiles({ port: 40000, token: 'ab'.repeat(16) });
  assert.equal(files.filter((f) => f.name.endsWith('.rmt') && f.mode === 0o755).length, REMOTE_CALLS.length);
  assert.deepEqual(files.find((f) => f.name === 'lab-remote.conf'), { name: 'lab-remote.conf', content: `port=40000\ntoken=${'ab'.repeat(16)}\n`, mode: 0o600 });
  assert.match(files[0]!.content, /^#!\/usr\/bin\/perl\n/);
});

test('racontrol writes a radvd configuration for the named links and restarts radvd with it', () => {
  const c = cmds('racontrol', 'mode=start', 'link0=eth1', 'prefix0=3ffe:501:ffff:100::', 'vltime=30', 'pltime=20', 'maxinterval=10', 'mininterval=5', 'raflagsM=1', 'chlim=64');
  assert.equal(c.length, 3);
  assert.equal(c[0]![0], 'sh'); // stop the previous one
  assert.deepEqual(c[2], ['radvd', '-C', '/run/testlab-tahi-radvd.conf', '-p', '/run/testlab-tahi-radvd.pid']);
  assert.equal(
    c[1]![5],
    '# written by testlab for a TAHI racontrol call\ninterface eth1 {\n  AdvSendAdvert on;\n  MaxRtrAdvInterval 10;\n  MinRtrAdvInterval 5;\n  AdvCurHopLimit 64;\n  AdvManagedFlag on;\n  prefix 3ffe:501:ffff:100::/64 {\n    AdvOnLink on;\n    AdvAutonomous on;\n    AdvValidLifetime 30;\n    AdvPreferredLifetime 20;\n  };\n};\n',
  );
  assert.equal(cmds('racontrol', 'mode=stop').length, 1);
  assert.throws(() => cmds('racontrol', 'mode=start', 'link0=eth1', 'hoplimitx=3'), (e: Error & { exitCode?: number }) => e.exitCode === 2 && /hoplimitx= is not supported/.test(e.message));
  assert.throws(() => cmds('racontrol', 'mode=start', 'link0=eth1', 'prefix0=3ffe::;reboot'), /is not an IPv6 prefix/);
  assert.throws(() => cmds('racontrol', 'mode=start', 'link0=eth1', 'maxinterval=10', 'mininterval=9'), /more than 0\.75 maxinterval/);
  assert.throws(() => cmds('racontrol', 'mode=start'), /names no link/);
});

test("algorithm names that are properties of every object (constructor, toString) are unknown algorithms, not lookups", async () => {
  const sad = (extra: string[]) => ['src=3ffe:501:ffff:0::1', 'dst=3ffe:501:ffff:1::1', 'spi=4096', 'mode=transport', ...extra];
  for (const name of ['constructor', 'tostring', 'valueof', 'hasownproperty']) {
    assert.throws(() => cmds('ipsecSetSAD', ...sad(['protocol=esp', `ealgo=${name}`, 'ealgokey=0x00'])), new RegExp(`ealgo=${name} is not supported by the lab`));
    assert.throws(() => cmds('ipsecSetSAD', ...sad(['protocol=ah', `eauth=${name}`, 'eauthkey=0x00'])), new RegExp(`eauth=${name} is not supported by the lab`));
  }
  const calls: string[][] = [];
  const r = await performRemoteCall('ipsecSetSAD', sad(['protocol=esp', 'ealgo=constructor', 'ealgokey=0x00']), ctx(calls));
  assert.equal(r.code, 2, 'answered "not supported", as for any unknown algorithm');
  assert.deepEqual(calls, [], 'nothing ran on the NUT');
});
