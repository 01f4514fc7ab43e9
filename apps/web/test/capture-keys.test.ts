// The case page of an IPsec case (app.inject over a real SQLite lab with real files): its captures are
// encrypted, so it links the SA keys kept beside them (esp_sa, preferences) and shows the tshark command
// that reads them decrypted; the key files download under the names Wireshark reads. A case without keys
// shows none, nor another case's.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { build } from '../src/index.js';
import { addRun, openLab, type Lab } from './fixture.js';

let lab: Lab;
let app: FastifyInstance;
let runId: number;
let folder: string;
const ids: Record<string, number> = {};

before(async () => {
  lab = await openLab();
  runId = await addRun(lab, { version: '6.1', testset: 'phase2-ipsec-end-node', verdicts: { 'IPsec.5.1.1': 'PASS', 'IPsec.5.1.5-a-udp': 'FAIL' } });
  folder = path.join(lab.runsDir, `run-${runId}`, 'cases', 'IPsec.5.1.1');
  // As the pipeline records a case's evidence: the files beside its pcap, as esp-sa and wireshark-preferences artifacts.
  for (const [kind, name, text] of [['esp-sa', 'esp_sa', '"IPv6","3ffe:501:ffff:1::1","*","0x00001000","3DES-CBC [RFC2451]","0x6970","HMAC-SHA-1-96 [RFC2404]","0x6970"\n'], ['wireshark-preferences', 'preferences', 'esp.enable_encryption_decode: TRUE\n']] as const) {
    const file = path.join(folder, name);
    writeFileSync(file, text);
    await lab.store.addArtifact({ runId, kind, path: file, sizeBytes: text.length });
  }
  const artifacts = await lab.results.artifactsWithIds(runId);
  for (const a of artifacts) ids[a.kind] = a.id;
  app = build({ store: lab.store, results: lab.results, bisections: lab.bisections, runsDir: lab.runsDir });
});
after(async () => {
  await app.close();
  await lab.cleanup();
});

test('the case page links the SA keys beside the captures and shows how to read them decrypted', async () => {
  const r = await app.inject(`/runs/${runId}/cases/IPsec.5.1.1`);
  assert.equal(r.statusCode, 200);
  assert.match(r.body, /<h3 id="decrypting">Decrypting the captures<\/h3>/);
  assert.match(r.body, new RegExp(`<a href="/artifacts/${ids['esp-sa']}">esp_sa</a>`));
  assert.match(r.body, new RegExp(`<a href="/artifacts/${ids['wireshark-preferences']}">preferences</a>`));
  // Handlebars writes "=" as &#x3D;, which a browser shows as "=".
  const command = /<pre class="command">([^<]*)<\/pre>/.exec(r.body)?.[1]?.replace(/&#x3D;/g, '=');
  assert.equal(command, `WIRESHARK_CONFIG_DIR=${folder} tshark -r ${folder}/Link0.pcap -V`);
});

test('the key files download as text under the names Wireshark reads', async () => {
  const r = await app.inject(`/artifacts/${ids['esp-sa']}`);
  assert.equal(r.statusCode, 200);
  assert.match(String(r.headers['content-type']), /^text\/plain/);
  assert.equal(r.headers['content-disposition'], 'inline; filename="esp_sa"');
  assert.match(r.body, /"0x00001000","3DES-CBC \[RFC2451\]"/);
  const prefs = await app.inject(`/artifacts/${ids['wireshark-preferences']}`);
  assert.equal(prefs.headers['content-disposition'], 'inline; filename="preferences"');
  // Other artifacts keep their run-prefixed download names.
  const log = await app.inject(`/artifacts/${ids['build-log']}`);
  assert.match(String(log.headers['content-disposition']), /filename="run-\d+-build\.log"/);
});

test('a case without keys of its own shows no decrypting section', async () => {
  const r = await app.inject(`/runs/${runId}/cases/IPsec.5.1.5-a-udp`);
  assert.equal(r.statusCode, 200);
  assert.doesNotMatch(r.body, /Decrypting the captures|esp_sa/);
});
