// The TAHI driver against a tester host reached over real SSH (OpenSSH on loopback) whose autorun is a
// stand-in that prints autorun's lines and writes TAHI-format reports over the real Self_Test INDEX files.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BootedNut, CaseResult, EngineRunContext } from '@testlab/core';
import { createTahiEngine, type TahiSuiteConfig } from '../src/tahi-suite.js';
import { SshHostKeyMismatchError } from '@testlab/transport';
import { haveSshd, startLoopbackSshd, type LoopbackSshd } from '@testlab/transport/test-sshd';

const REFERENCE = process.env.TAHI_REFERENCE ?? '/work/shared/reference';
const here = path.dirname(fileURLToPath(import.meta.url));
let sshd: LoopbackSshd;
let root: string;

before(async () => {
  if (!haveSshd) return;
  sshd = await startLoopbackSshd();
  root = path.join(sshd.dir, 'tester');
  // The tester's install: v6eval/bin/autorun (the stand-in), Self_Test 5.0.7 and IPsec_Self_Test_P2 INDEX files.
  mkdirSync(path.join(root, 'v6eval/bin'), { recursive: true });
  const autorun = path.join(root, 'v6eval/bin/autorun');
  writeFileSync(autorun, `#!/bin/sh\nSTANDIN_V6EVAL=${path.join(root, 'v6eval')} exec ${process.execPath} ${path.join(here, 'support/autorun-standin.js')} "$@"\n`);
  chmodSync(autorun, 0o755);
  for (const [from, to] of [['tahi-self-test-5.0.7', 'Self_Test'], ['tahi-ipsec-self-test-p2', 'IPsec_Self_Test_P2']] as const) {
    for (const section of readdirSync(path.join(REFERENCE, from), { withFileTypes: true }).filter((d) => d.isDirectory())) {
      mkdirSync(path.join(root, to, section.name), { recursive: true });
      for (const f of readdirSync(path.join(REFERENCE, from, section.name))) copyFileSync(path.join(REFERENCE, from, section.name, f), path.join(root, to, section.name, f));
    }
  }
  // The section Makefile of the IPsec suite, as `make ipv6ready_p2_end_node` runs it.
  writeFileSync(path.join(root, 'IPsec_Self_Test_P2/Makefile'), `ipv6ready_p2_end_node:\n\tcd ipsec.p2 && ${autorun} -F -tiny -f '-title=IPsec End-Node' INDEX_P2_HOST\n`);
});

after(async () => {
  await sshd?.stop();
});

function fakeNut(calls: string[][]): BootedNut {
  return {
    name: 'fake-nut',
    kernelRelease: '6.1.0-test',
    links: [{ name: 'Link0', nutMac: '52:54:00:00:00:01', nutIfname: 'eth1', endpoint: { kind: 'raw-interface', ifname: 'tn0' } }],
    consoleLog: '/dev/null',
    exec: async (argv) => {
      calls.push(argv);
      return { code: 0, stdout: '', stderr: '' };
    },
    shutdown: async () => {},
  };
}

function config(overrides: Partial<TahiSuiteConfig> = {}): TahiSuiteConfig {
  return {
    tester: { host: '127.0.0.1', port: sshd.port, username: 'root', privateKey: sshd.privateKey, hostKey: sshd.hostKey },
    v6evalRoot: path.join(root, 'v6eval'),
    suiteDirs: { core: path.join(root, 'Self_Test'), ipsec: path.join(root, 'IPsec_Self_Test_P2') },
    targets: ['ipv6ready_p2_host'],
    autorun: path.join(root, 'v6eval/bin/autorun'),
    tn: { links: [{ ifname: 'tn0', mac: '00:00:00:00:01:00' }] },
    nut: { targetName: 'linux-6.1', hostName: 'nut', user: 'root', password: 'v6eval' },
    ...overrides,
  };
}

function context(calls: string[][], steps: string[], fractions: number[], stored: CaseResult[]): EngineRunContext {
  return {
    nut: fakeNut(calls),
    mode: 'host',
    cases: [],
    artifactsDir: mkdtempSync(path.join(os.tmpdir(), 'tahi-run-')),
    progress: { step: (t) => steps.push(t), fraction: (v) => v !== undefined && fractions.push(v) },
    onResult: async (r) => {
      stored.push(r);
    },
  };
}

test('ipv6ready_p2_host over SSH: five sections, live progress, reports fetched, remote calls reach the NUT', { skip: !haveSshd && 'no sshd' }, async () => {
  writeFileSync(path.join(root, 'Self_Test/spec.p2/standin-codes'), '3:32\n5:3\n8:2\n');
  const calls: string[][] = [];
  const steps: string[] = [];
  const fractions: number[] = [];
  const stored: CaseResult[] = [];
  const ctx = context(calls, steps, fractions, stored);
  const results = await createTahiEngine(config()).run(ctx);

  // 425 INDEX lines for a host; setup rows (Initialization, Fragment Test Preparation) are not cases.
  assert.equal(results.length, stored.length);
  assert.ok(results.length > 380 && results.length < 425, `${results.length} cases`);
  const spec = (id: string) => results.find((r) => r.caseId === id);
  assert.equal(spec('v6LC.1.1.2')?.verdict, 'FAIL');
  assert.equal(spec('v6LC.1.1.5-A')?.verdict, 'WARN');
  assert.equal(spec('v6LC.1.1.7-A')?.verdict, 'NA');
  assert.equal(spec('v6LC.1.1.1')?.verdict, 'PASS');
  assert.ok(results.some((r) => r.caseId.startsWith('v6LC.5.1.')), 'icmp.p2 ran');

  assert.ok(steps.includes('spec.p2 test 2/67: Version Field'), steps.slice(0, 5).join('\n'));
  assert.ok(steps.some((s) => /^icmp\.p2 test \d+\/\d+: /.test(s)));
  assert.equal(fractions.at(-1), 1);
  assert.ok(results.every((r) => Number.isInteger(r.durationMs) && r.durationMs >= 0), 'durations measured from the live output');
  assert.ok(fractions.every((f, i) => i === 0 || f >= fractions[i - 1]!), 'progress only moves forward');

  for (const f of ['report.html', 'summary.html', 'index.html', '3.html', '3_html_Link0.pcap']) assert.ok(existsSync(path.join(ctx.artifactsDir, 'tahi/spec.p2', f)), f);
  assert.match(readFileSync(path.join(ctx.artifactsDir, 'tahi/ipv6ready_p2_host-nd.p2.autorun.log'), 'utf8'), /========== TEST 266 ==========\n/);
  assert.ok(spec('v6LC.1.1.2')!.pcaps[0]!.startsWith(ctx.artifactsDir));

  // Each section's test 1 (Initialization) called reboot, manualaddrconf and racontrol through the System folder.
  assert.deepEqual(calls.filter((c) => c.join(' ') === '/usr/sbin/ip -6 addr add 3ffe:501:ffff:100::1/64 dev eth1').length, 5);
  assert.ok(calls.some((c) => c.join(' ') === '/usr/sbin/ip link set dev eth1 down'));
  const remote = readFileSync(path.join(ctx.artifactsDir, 'tahi/remote-calls.log'), 'utf8');
  assert.match(remote, /racontrol -t testlab -u root -p \(password\) -d none mode=start link0=eth1 prefix0=3ffe:501:ffff:100:: vltime=30 maxinterval=10 mininterval=5 -> 0\n/);
  assert.match(remote, /type=anycast -> 2\n  manualaddrconf type=anycast is not supported/);
  assert.ok(calls.some((c) => c[0] === 'radvd'), 'racontrol started radvd on the NUT');
  assert.doesNotMatch(remote, /v6eval/);
  assert.match(readFileSync(path.join(ctx.artifactsDir, 'tahi/ipv6ready_p2_host-spec.p2.autorun.log'), 'utf8'), /remote: reboot 0 manualaddrconf 0 racontrol 0 anycast 2/);

  const nutDef = readFileSync(path.join(root, 'Self_Test/spec.p2/nut.def'), 'utf8');
  assert.match(nutDef, /^System\t\ttestlab$/m);
  assert.match(nutDef, /^Link0\t\teth1\t52:54:00:00:00:01$/m);
  assert.match(readFileSync(path.join(root, 'Self_Test/spec.p2/tn.def'), 'utf8'), /^Link0\t\ttn0\t00:00:00:00:01:00$/m);
});

test('an internal error stops the INDEX: the rest are TBD, stored as ERROR', { skip: !haveSshd && 'no sshd' }, async () => {
  writeFileSync(path.join(root, 'IPsec_Self_Test_P2/ipsec.p2/standin-codes'), '4:64\n');
  const stored: CaseResult[] = [];
  const steps: string[] = [];
  const results = await createTahiEngine(config({ targets: ['ipv6ready_p2_end_node'], launch: 'make' })).run(context([], steps, [], stored));
  const ie = results.find((r) => r.reason.includes('test 4: internal error'));
  assert.ok(ie, 'test 4 is the internal error');
  assert.equal(ie.verdict, 'ERROR');
  const tbd = results.filter((r) => / TBD /.test(r.reason));
  // Every case after test 4 (the Initialization row 1 is not a case).
  assert.equal(tbd.length, results.length - 3);
  assert.ok(tbd.every((r) => r.verdict === 'ERROR'));
  assert.equal(results.find((r) => r.caseId === 'IPsec.5.1.1')?.verdict, 'PASS');
  assert.ok(!steps.some((s) => s.startsWith('ipsec.p2 test 5/')), 'autorun ran nothing after the internal error');
});

test('a tester that shows another host key is refused before anything runs', { skip: !haveSshd && 'no sshd' }, async () => {
  const wrong = Buffer.from(sshd.hostKey);
  wrong[wrong.length - 1]! ^= 1;
  const c = config({ tester: { host: '127.0.0.1', port: sshd.port, username: 'root', privateKey: sshd.privateKey, hostKey: wrong } });
  await assert.rejects(createTahiEngine(c).run(context([], [], [], [])), (e: Error) => e instanceof SshHostKeyMismatchError && /presented host key SHA256:.* expected SHA256:.*refused/.test(e.message));
});

test('an unknown target is refused when the suite is created', () => {
  assert.throws(() => createTahiEngine({ ...({} as TahiSuiteConfig), targets: ['ipv6ready_p3'] }), /unknown TAHI target "ipv6ready_p3"/);
});
