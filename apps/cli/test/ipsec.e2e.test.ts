// The builtin IPsec end-node set end to end on Linux 6.1 (`testlab run --testset phase2-ipsec-end-node`):
// the NUT's SAD and SPD set by `ip xfrm` per case, every case judged, the SA keys kept beside each case's
// captures, and Wireshark's own dissector (tshark, Debian's package) opening a real case's ESP with them
// down to the ICMPv6 Echo inside.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../src/lab-paths.js';

const run = promisify(execFile);
const cli = path.join(repoRoot, 'apps/cli/dist/src/main.js');

interface Shown {
  run: { status: string };
  results: Array<{ caseId: string; verdict: string; reason: string; pcaps: string[] }>;
  artifacts: Array<{ kind: string; path: string }>;
}

test('phase2-ipsec-end-node on Linux 6.1: every case judged, keys kept, tshark decrypts a case\'s capture', { timeout: 40 * 60_000 }, async () => {
  const env = { ...process.env, TESTLAB_HOME: await mkdtemp(path.join(tmpdir(), 'testlab-ipsec-')) };
  await run(process.execPath, [cli, 'run', '--source', '/usr/src/linux-source-6.1.tar.xz', '--testset', 'phase2-ipsec-end-node'], { env, maxBuffer: 256 << 20 });
  const runs = JSON.parse((await run(process.execPath, [cli, 'runs', '--json'], { env })).stdout) as Array<{ id: number }>;
  const shown = JSON.parse((await run(process.execPath, [cli, 'show', String(runs[0]!.id), '--json'], { env, maxBuffer: 256 << 20 })).stdout) as Shown;
  assert.equal(shown.run.status, 'done');
  const listed = (await readFile(path.join(repoRoot, 'testsets/phase2-ipsec-end-node.yaml'), 'utf8')).match(/^ {2}- (IPsec\S+)/gm)!.map((l) => l.trim().slice(2));
  assert.deepEqual(shown.results.map((r) => r.caseId), listed);
  for (const r of shown.results) assert.ok(['PASS', 'FAIL', 'WARN', 'NA'].includes(r.verdict), `${r.caseId}: ${r.verdict} ${r.reason}`);

  // The plain transport-mode exchange passes on Linux, and its keys lie beside its capture.
  const select = shown.results.find((r) => r.caseId === 'IPsec.5.1.1')!;
  assert.equal(select.verdict, 'PASS', select.reason);
  const pcap = select.pcaps[0]!;
  const folder = path.dirname(pcap);
  assert.ok(shown.artifacts.some((a) => a.kind === 'esp-sa' && a.path === path.join(folder, 'esp_sa')), 'esp_sa recorded as an artifact');
  assert.ok(shown.artifacts.some((a) => a.kind === 'wireshark-preferences' && a.path === path.join(folder, 'preferences')));

  // What the case page tells a reader to run: the case folder as Wireshark's configuration folder.
  const fields = ['esp.spi', 'esp.sequence', 'esp.icv_good', 'icmpv6.type', 'icmpv6.echo.sequence_number'];
  const out = await run('tshark', ['-n', '-r', pcap, '-Y', 'esp', '-T', 'fields', '-E', 'separator=|', ...fields.flatMap((f) => ['-e', f])], { env: { ...process.env, WIRESHARK_CONFIG_DIR: folder } });
  const rows = out.stdout.trim().split('\n').map((l) => l.split('|'));
  // HOST1's Echo Request on 0x1000 and the NUT's Echo Reply on 0x2000, both opened and ICV-checked by Wireshark.
  assert.ok(rows.some(([spi, seq, good, type]) => spi === '0x00001000' && seq === '1' && good === '1' && type === '128'), out.stdout);
  assert.ok(rows.some(([spi, seq, good, type]) => spi === '0x00002000' && seq === '1' && good === '1' && type === '129'), `the NUT's own ESP decrypted to its Echo Reply:\n${out.stdout}`);
});
