// Files a case keeps beside its captures (an IPsec case's esp_sa keys): written when the case ends,
// whatever its verdict, with what the case registered by then, and returned as the result's evidence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCases, type CaseDefinition } from '../src/index.js';
import { linkPair } from './fake-nut.js';

async function run(def: CaseDefinition) {
  const [tester] = linkPair();
  const dir = await mkdtemp(path.join(tmpdir(), 'evidence-'));
  const nut = { links: [{ name: 'Link0', nutMac: '52:54:00:00:00:01', nutIfname: 'eth1', endpoint: { kind: 'udp-ethernet' as const, testerPort: 0, nutPort: 0 } }], exec: async () => ({ code: 0, stdout: '', stderr: '' }) };
  const [result] = await runCases([def], { nut, mode: 'ipsec-end-node', links: new Map([['Link0', tester]]), artifactsDir: dir });
  return { result: result!, dir };
}

test('a kept file is written at the end of the case, even one that throws, with what was added after registering it', async () => {
  const { result, dir } = await run({
    id: 'IPsec.5.1.1', title: 't', rfc: 'RFC 4303', appliesTo: ['ipsec-end-node'],
    async run(ctx) {
      const keys: string[] = [];
      ctx.keepFile('esp_sa', 'esp-sa', () => keys.join('\n'));
      keys.push('"IPv6","*","*","0x00001000"');
      throw new Error('the case broke');
    },
  });
  assert.equal(result.verdict, 'ERROR');
  assert.deepEqual(result.evidence, [{ kind: 'esp-sa', path: path.join(dir, 'IPsec.5.1.1', 'esp_sa') }]);
  assert.equal(await readFile(result.evidence![0]!.path, 'utf8'), '"IPv6","*","*","0x00001000"');
  assert.equal(path.dirname(result.evidence![0]!.path), path.dirname(result.pcaps[0]!), 'beside the case\'s pcaps');
});

test('a kept file must be a plain name in the case folder', async () => {
  const { result } = await run({
    id: 'IPsec.5.1.2', title: 't', rfc: 'RFC 4303', appliesTo: ['ipsec-end-node'],
    async run(ctx) {
      ctx.keepFile('../esp_sa', 'esp-sa', () => '');
      return { verdict: 'PASS', reason: 'unreachable' };
    },
  });
  assert.equal(result.verdict, 'ERROR');
  assert.match(result.reason, /keepFile: "\.\.\/esp_sa" is not a plain file name/);
  assert.equal(result.evidence, undefined);
});
