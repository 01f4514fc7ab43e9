import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildKernelCmdline, buildQemuArgs, CmdlineError, validateCmdlineWord, validateSysctl, type QemuLaunchSpec } from '../src/qemu/cmdline.js';
import { linkMac } from '../src/qemu/protocol.js';

const spec = (over: Partial<QemuLaunchSpec> = {}): QemuLaunchSpec => ({
  qemuName: 'testlab-1a2b3c4d',
  pidFile: '/state/vms/1a2b3c4d.pid',
  accel: 'tcg',
  memoryMiB: 256,
  consoleLog: '/runs/r1/console.log',
  bzImage: '/k/bzImage',
  initrd: '/state/vms/1a2b3c4d.initrd.gz',
  kernelCmdline: 'console=ttyS0 panic=-1 quiet',
  sshPort: 40022,
  links: [
    { nutPort: 41000, testerPort: 41001, mac: linkMac(0) },
    { nutPort: 41002, testerPort: 41003, mac: linkMac(1) },
  ],
  ...over,
});

const after = (args: string[], flag: string) => args.filter((_, i) => args[i - 1] === flag);

describe('kernel command line', () => {
  it('starts with console, panic and quiet, then hostname, sysctls and extra words', () => {
    const cmdline = buildKernelCmdline({
      hostname: 'qemu-1a2b',
      sysctls: { 'net.ipv6.conf.all.forwarding': '1', 'net/ipv6/conf/eth1.100/accept_ra': '0' },
      extraCmdline: ['loglevel=7', 'ipv6.disable_ipv6=0'],
    });
    assert.equal(
      cmdline,
      'console=ttyS0 panic=-1 quiet testlab.hostname=qemu-1a2b ' +
        'testlab.sysctl=net.ipv6.conf.all.forwarding=1,net/ipv6/conf/eth1.100/accept_ra=0 loglevel=7 ipv6.disable_ipv6=0',
    );
  });

  it('has no sysctl parameter when there are none', () => {
    assert.equal(buildKernelCmdline({}), 'console=ttyS0 panic=-1 quiet');
  });

  for (const bad of ['a b', 'x="y"', "it's", 'a\\b', '$(reboot)', 'a;b', '', 'a\nb', 'é']) {
    it(`rejects extraCmdline word ${JSON.stringify(bad)}`, () => {
      assert.throws(() => buildKernelCmdline({ extraCmdline: [bad] }), CmdlineError);
      assert.throws(() => validateCmdlineWord(bad), CmdlineError);
    });
  }

  for (const key of ['Net.ipv6', 'net..ipv6', '.net', 'net.', 'net/../../etc', '/proc/sys/x', 'net/ipv6/', 'a b', 'net,x', 'net=x', 'net.ipv6;reboot']) {
    it(`rejects sysctl key ${JSON.stringify(key)}`, () => {
      assert.throws(() => validateSysctl(key, '1'), CmdlineError);
      assert.throws(() => buildKernelCmdline({ sysctls: { [key]: '1' } }), CmdlineError);
    });
  }

  for (const value of ['', 'a b', '1,2', 'a=b', "'1'", '$x', '1/2']) {
    it(`rejects sysctl value ${JSON.stringify(value)}`, () => {
      assert.throws(() => validateSysctl('net.ipv6.conf.all.forwarding', value), CmdlineError);
    });
  }

  it('accepts dotted and slashed keys with interface names', () => {
    validateSysctl('net.ipv6.conf.eth1.accept_dad', '-1');
    validateSysctl('net/ipv6/conf/eth1.100/hop_limit', '64');
    validateSysctl('net.ipv6.route.gc_interval', '30');
    validateSysctl('net.ipv6.conf.all.stable_secret', '2001:db8::1');
  });

  it('rejects a command line longer than Linux takes', () => {
    const sysctls = Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`net.ipv6.conf.eth${i}.accept_ra_rt_info_max_plen`, '64']));
    assert.throws(() => buildKernelCmdline({ sysctls }), /more than Linux's 2047/);
  });

  it('rejects a bad hostname', () => {
    assert.throws(() => buildKernelCmdline({ hostname: 'a;b' }), CmdlineError);
  });
});

describe('QEMU arguments', () => {
  it('has the fixed devices, the management NIC first and one dgram NIC per link', () => {
    const args = buildQemuArgs(spec());
    for (const flag of ['-nodefaults', '-no-reboot']) assert.ok(args.includes(flag), flag);
    assert.deepEqual(after(args, '-name'), ['testlab-1a2b3c4d']);
    assert.deepEqual(after(args, '-display'), ['none']);
    assert.deepEqual(after(args, '-accel'), ['tcg']);
    assert.deepEqual(after(args, '-m'), ['256']);
    assert.deepEqual(after(args, '-pidfile'), ['/state/vms/1a2b3c4d.pid']);
    assert.deepEqual(after(args, '-append'), ['console=ttyS0 panic=-1 quiet']);
    assert.deepEqual(after(args, '-netdev'), [
      'user,id=mgmt,restrict=on,hostfwd=tcp:127.0.0.1:40022-:22',
      'dgram,id=l0,local.type=inet,local.host=127.0.0.1,local.port=41000,remote.type=inet,remote.host=127.0.0.1,remote.port=41001',
      'dgram,id=l1,local.type=inet,local.host=127.0.0.1,local.port=41002,remote.type=inet,remote.host=127.0.0.1,remote.port=41003',
    ]);
    assert.deepEqual(after(args, '-device').slice(0, 3), [
      'virtio-net-pci,netdev=mgmt,mac=52:54:00:ff:00:00',
      'virtio-net-pci,netdev=l0,mac=52:54:00:00:00:01',
      'virtio-net-pci,netdev=l1,mac=52:54:00:00:00:02',
    ]);
    assert.deepEqual(after(args, '-chardev'), ['file,id=console,path=/runs/r1/console.log']);
    assert.ok(!args.includes('-machine'));
  });

  it('doubles commas in the console log path (QEMU option syntax)', () => {
    const args = buildQemuArgs(spec({ consoleLog: '/runs/a,b/console.log' }));
    assert.deepEqual(after(args, '-chardev'), ['file,id=console,path=/runs/a,,b/console.log']);
  });

  it('passes -machine and kvm only when asked', () => {
    const args = buildQemuArgs(spec({ machine: 'q35', accel: 'kvm' }));
    assert.deepEqual(after(args, '-machine'), ['q35']);
    assert.deepEqual(after(args, '-accel'), ['kvm']);
  });

  it('rejects bad accel, machine, memory, paths, ports and command lines', () => {
    assert.throws(() => buildQemuArgs(spec({ accel: 'hvf' as 'tcg' })), CmdlineError);
    assert.throws(() => buildQemuArgs(spec({ machine: 'pc,accel=kvm' })), CmdlineError);
    assert.throws(() => buildQemuArgs(spec({ memoryMiB: 12.5 })), CmdlineError);
    assert.throws(() => buildQemuArgs(spec({ bzImage: 'relative/bzImage' })), CmdlineError);
    assert.throws(() => buildQemuArgs(spec({ initrd: '/a\nb' })), CmdlineError);
    assert.throws(() => buildQemuArgs(spec({ sshPort: 70000 })), CmdlineError);
    assert.throws(() => buildQemuArgs(spec({ kernelCmdline: 'console=ttyS0 "x"' })), CmdlineError);
    assert.throws(() => buildQemuArgs(spec({ qemuName: 'other' })), CmdlineError);
  });

  it('lets a machine-like VM reboot and gives it a QMP socket only when asked', () => {
    const plain = buildQemuArgs(spec());
    assert.ok(plain.includes('-no-reboot') && !plain.includes('-qmp'));
    const machine = buildQemuArgs(spec({ allowReboot: true, qmpSocket: '/state/vms/a,b.qmp' }));
    assert.ok(!machine.includes('-no-reboot'), 'a reboot restarts the VM on its known-good kernel');
    assert.deepEqual(after(machine, '-qmp'), ['unix:/state/vms/a,,b.qmp,server=on,wait=off']);
    assert.throws(() => buildQemuArgs(spec({ qmpSocket: `/${'x'.repeat(120)}.qmp` })), /longer than a Unix socket allows/);
    assert.throws(() => buildQemuArgs(spec({ qmpSocket: 'relative.qmp' })), CmdlineError);
  });

  it('boots a machine-like VM from its disk through the firmware, without -kernel, -initrd or -append', () => {
    const args = buildQemuArgs(spec({ allowReboot: true, bootDisk: '/state/disk,1.img' }));
    for (const flag of ['-kernel', '-initrd', '-append']) assert.ok(!args.includes(flag), flag);
    assert.deepEqual(after(args, '-drive'), ['file=/state/disk,,1.img,format=raw,if=virtio']);
    assert.throws(() => buildQemuArgs(spec({ bootDisk: 'disk.img' })), CmdlineError);
  });

  it('numbers link MACs from 52:54:00:00:00:01', () => {
    assert.equal(linkMac(0), '52:54:00:00:00:01');
    assert.equal(linkMac(9), '52:54:00:00:00:0a');
    assert.throws(() => linkMac(-1), RangeError);
  });
});
