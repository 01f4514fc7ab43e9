import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeMismatches, FragmentError, parseFragments, parseResolvedConfig, verifyConfig } from '../src/verify-config.js';

const resolved = [
  '#',
  '# Automatically generated file; DO NOT EDIT.',
  'CONFIG_CC_VERSION_TEXT="gcc (Debian 12.2.0-14) 12.2.0"',
  'CONFIG_64BIT=y',
  'CONFIG_IPV6=y',
  'CONFIG_VIRTIO_NET=m',
  '# CONFIG_KVM_GUEST is not set',
  'CONFIG_LOG_BUF_SHIFT=17',
  'CONFIG_PHYSICAL_START=0x1000000',
  'CONFIG_CMDLINE="console=ttyS0 quiet"',
  '',
].join('\n');

const lab = (text: string) => ({ origin: 'lab', text });

test('options set as requested give no mismatch', () => {
  const fragment = lab('# NUT kernel\nCONFIG_64BIT=y\nCONFIG_IPV6=y\n\nCONFIG_VIRTIO_NET=m\nCONFIG_LOG_BUF_SHIFT=17\nCONFIG_PHYSICAL_START=0x1000000\nCONFIG_CMDLINE="console=ttyS0 quiet"\n');
  assert.deepEqual(verifyConfig([fragment], resolved), []);
});

test('"is not set" and =n are satisfied by absent or not-set options, not by set ones', () => {
  assert.deepEqual(verifyConfig([lab('# CONFIG_KVM_GUEST is not set\n# CONFIG_NOT_IN_TREE is not set\nCONFIG_OTHER_ABSENT=n')], resolved), []);
  assert.deepEqual(verifyConfig([lab('# CONFIG_IPV6 is not set')], resolved), [{ option: 'CONFIG_IPV6', requested: null, got: 'y', origin: 'lab' }]);
  assert.deepEqual(verifyConfig([lab('CONFIG_64BIT=n')], resolved), [{ option: 'CONFIG_64BIT', requested: null, got: 'y', origin: 'lab' }]);
});

test('every differing option is named, with what was asked, what came out, and the fragment', () => {
  const mismatches = verifyConfig(
    [lab('CONFIG_KVM_GUEST=y\nCONFIG_IPV6=y'), { origin: 'testset phase2-host', text: 'CONFIG_DOES_NOT_EXIST_TESTLAB=y\nCONFIG_VIRTIO_NET=y\nCONFIG_CMDLINE="console=ttyS1"\nCONFIG_LOG_BUF_SHIFT=18' }],
    resolved,
  );
  assert.deepEqual(mismatches.map((m) => m.option), ['CONFIG_KVM_GUEST', 'CONFIG_DOES_NOT_EXIST_TESTLAB', 'CONFIG_VIRTIO_NET', 'CONFIG_CMDLINE', 'CONFIG_LOG_BUF_SHIFT']);
  const text = describeMismatches(mismatches);
  assert.ok(text.startsWith('options not set as requested: CONFIG_KVM_GUEST (requested y, got not set, from lab), '), text);
  assert.match(text, /CONFIG_DOES_NOT_EXIST_TESTLAB \(requested y, got absent, from testset phase2-host\)/);
  assert.match(text, /CONFIG_VIRTIO_NET \(requested y, got m, from testset phase2-host\)/);
  assert.match(text, /CONFIG_CMDLINE \(requested "console=ttyS1", got "console=ttyS0 quiet", from testset phase2-host\)/);
  assert.match(text, /\[absent: this tree has no such option, or a dependency of it is off\]$/);
});

test('modules: m asked, y given (no module support) is a mismatch', () => {
  assert.deepEqual(verifyConfig([lab('CONFIG_IPV6=m')], resolved), [{ option: 'CONFIG_IPV6', requested: 'm', got: 'y', origin: 'lab' }]);
});

test('a later fragment overrides an earlier one, as merge_config does', () => {
  assert.deepEqual(verifyConfig([lab('CONFIG_IPV6=m'), { origin: 'testset x', text: 'CONFIG_IPV6=y' }], resolved), []);
  assert.deepEqual(verifyConfig([lab('CONFIG_IPV6=y'), { origin: 'testset x', text: '# CONFIG_IPV6 is not set' }], resolved), [
    { option: 'CONFIG_IPV6', requested: null, got: 'y', origin: 'testset x' },
  ]);
});

test('strings keep escapes and spaces', () => {
  const [request] = parseFragments([lab('CONFIG_CMDLINE="a \\"b\\" c"')]);
  assert.equal(request?.value, '"a \\"b\\" c"');
  assert.equal(parseResolvedConfig('CONFIG_CMDLINE="a \\"b\\" c"\n').get('CONFIG_CMDLINE'), '"a \\"b\\" c"');
});

test('malformed lines are refused with origin and line number, all of them at once', () => {
  const bad = [
    'CONFIG_OK=y',
    'CONFIG_IPV6 y', // 2
    'IPV6=y', // 3
    'CONFIG_X=', // 4
    'CONFIG_S="unterminated', // 5
    'CONFIG_T=yes please', // 6
    '#CONFIG_U is not set', // 7
    'CONFIG_V=y; rm -rf /', // 8
    '$(reboot)', // 9
  ].join('\n');
  assert.throws(() => parseFragments([lab('CONFIG_A=y'), { origin: 'testset phase2-host', text: bad }]), (e: unknown) => {
    assert.ok(e instanceof FragmentError);
    assert.deepEqual(e.problems.map((p) => /^testset phase2-host line (\d+):/.exec(p)?.[1]), ['2', '3', '4', '5', '6', '7', '8', '9']);
    assert.match(e.message, /testset phase2-host line 2: "CONFIG_IPV6 y" is neither CONFIG_X=<y\|m\|n\|number\|"string"> nor "# CONFIG_X is not set"/);
    return true;
  });
  // Plain comments and blank lines are fine; verifyConfig parses too, so it refuses the same lines.
  assert.deepEqual(parseFragments([lab('# just a comment\n\n   \n# CONFIG_A is not set\n')]).map((r) => r.line), [4]);
  assert.throws(() => verifyConfig([lab('CONFIG_A y')], resolved), FragmentError);
});
