// INDEX files, autorun's live output, tn.def and nut.def: what the driver reads from and writes to the tester.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AutorunOutput, nutDefText, parseIndexFiles, sectionsOfTarget, tnDefText, type TestOutcome } from '../src/index.js';

const REFERENCE = process.env.TAHI_REFERENCE ?? '/work/shared/reference';
const testsOf = (target: string) =>
  sectionsOfTarget(target).reduce((n, s) => {
    const dir = path.join(REFERENCE, s.suite === 'core' ? 'tahi-self-test-5.0.7' : 'tahi-ipsec-self-test-p2', s.section);
    return n + parseIndexFiles(s.indexFiles.map((name) => ({ name, text: readFileSync(path.join(dir, name), 'latin1') }))).length;
  }, 0);

test('the real Phase-2 INDEX files: 425 test lines for a host, 351 for a router, plus icmp.p2 INDEX_BEGIN_ume', () => {
  assert.equal(testsOf('ipv6ready_p2_host'), 425 + 1);
  assert.equal(testsOf('ipv6ready_p2_router'), 351 + 1);
  assert.ok(testsOf('ipv6ready_p2_end_node') > 0 && testsOf('ipv6ready_p2_sgw') > 0);
  assert.ok(testsOf('ipv6ready_p1_host') < 425);
});

test('INDEX lines: headings, &# skipped lines, default links, bad lines named', () => {
  const tests = parseIndexFiles([{ name: 'INDEX_x', text: '# c\n&print:Test v6LC.1.1.1: V\n./a.seq:./a.def:::A&#58; x:2\n&#./b.seq:./b.def:::B\n&pause:go\n./c.seq:/dev/null:::\n' }]);
  assert.deepEqual(tests.map((t) => [t.no, t.script, t.description, t.links, t.skipped, t.heading]), [
    [1, './a.seq', 'A&#58; x', 2, false, 'Test v6LC.1.1.1: V'],
    [2, './b.seq', 'B', 1, true, 'Test v6LC.1.1.1: V'],
    [3, './c.seq', './c.seq', 1, false, 'Test v6LC.1.1.1: V'],
  ]);
  assert.throws(() => parseIndexFiles([{ name: 'INDEX_y', text: 'just:three:fields\n' }]), /INDEX_y line 1: 3 fields/);
});

test('autorun output split across chunks gives each test start and outcome once', () => {
  const starts: number[] = [];
  const outcomes: TestOutcome[] = [];
  const out = new AutorunOutput((n) => starts.push(n), (o) => outcomes.push(o));
  const text = '========== TEST 1 ==========\n./Reboot.seq -pkt x\n  -> PASS\n========== TEST 2 ==========\nnoise -> not a result\n  -> FAIL (143)\n========== TEST 3 ==========\n  -> Bogus\n';
  for (let i = 0; i < text.length; i += 7) out.push(text.slice(i, i + 7));
  out.end();
  assert.deepEqual(starts, [1, 2, 3]);
  assert.deepEqual(outcomes.map((o) => [o.no, o.label, o.meaning?.verdict]), [[1, 'PASS', 'PASS'], [2, 'FAIL (143)', 'ERROR'], [3, 'Bogus', undefined]]);
});

test('tn.def and nut.def carry the links and refuse values that would break the format', () => {
  assert.equal(
    nutDefText({ system: 'testlab', targetName: 'linux-6.1', hostName: 'nut', type: 'router', user: 'root', password: 'v6eval', links: [{ ifname: 'eth1', mac: '52:54:00:00:00:01' }, { ifname: 'eth2', mac: '52:54:00:00:00:02' }] }).split('\n').slice(1).join('\n'),
    'System\t\ttestlab\nTargetName\tlinux-6.1\nHostName\tnut\nType\t\trouter\nUser\t\troot\nPassword\tv6eval\nLink0\t\teth1\t52:54:00:00:00:01\nLink1\t\teth2\t52:54:00:00:00:02\n',
  );
  assert.match(tnDefText({ remoteMethod: 'none', links: [{ ifname: 'tn0', mac: '00:00:00:00:01:00' }] }), /^RemoteMethod\tnone\nfilter\t\tipv6\nLink0\t\ttn0\t00:00:00:00:01:00\n$/m);
  assert.throws(() => nutDefText({ system: 'testlab', targetName: 'a b', hostName: 'n', type: 'host', user: 'r', password: 'p', links: [{ ifname: 'eth1', mac: '52:54:00:00:00:01' }] }), /TargetName: "a b" must be one word/);
  assert.throws(() => tnDefText({ remoteMethod: 'none', links: [{ ifname: 'tn0', mac: 'zz' }] }), /Link0: "zz" is not a MAC address/);
});

test('every testsets/tahi-*.yaml names make targets the driver knows, for its kind of NUT', async () => {
  const { readdirSync } = await import('node:fs');
  const { fileURLToPath } = await import('node:url');
  const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../testsets');
  const files = readdirSync(dir).filter((f) => /^tahi-.*\.yaml$/.test(f));
  assert.equal(files.length, 8, 'the eight TAHI test sets');
  for (const f of files) {
    const text = readFileSync(path.join(dir, f), 'utf8');
    const targets = [...text.matchAll(/^ {4}- (\S+)$/gm)].map((m) => m[1]!);
    assert.ok(targets.length > 0, f);
    const mode = /^mode: (\S+)$/m.exec(text)?.[1];
    for (const t of targets) {
      const suite = sectionsOfTarget(t)[0]!.suite;
      assert.equal(suite === 'ipsec', mode === 'ipsec-end-node' || mode === 'security-gateway', `${f}: ${t} in mode ${mode}`);
      assert.equal(/router|sgw/.test(t), mode === 'router' || mode === 'security-gateway', `${f}: ${t} in mode ${mode}`);
    }
  }
});
