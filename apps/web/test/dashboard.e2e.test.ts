// The dashboard in a real headless Chromium over a real HTTP server: the matrix renders (screenshot),
// links and the no-JavaScript filter form work, and an XSS payload in a case title or a culprit commit stays text.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { build, listen } from '../src/index.js';
import { openLab, seedHistory, XSS, type Lab } from './fixture.js';
import { foundBisection, HOSTILE_AUTHOR, HOSTILE_SUBJECT } from './bisection-fixture.js';

const CHROMIUM = process.env.TESTLAB_CHROMIUM ?? '/usr/bin/chromium';
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

let lab: Lab;
let app: FastifyInstance;
let base: string;
let context: BrowserContext;
let page: Page;
let profile: string;

before(async () => {
  lab = await openLab();
  await seedHistory(lab);
  app = build({ store: lab.store, results: lab.results, bisections: lab.bisections, runsDir: lab.runsDir });
  base = await listen(app, { port: 0 });
  profile = mkdtempSync(path.join(tmpdir(), 'testlab-chromium-'));
  // JavaScript off: the dashboard must work without it, and a payload that slipped through could not hide.
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync',
    ],
    javaScriptEnabled: false,
    viewport: { width: 1100, height: 800 },
  });
  page = context.pages()[0] ?? (await context.newPage());
});

after(async () => {
  await context?.close();
  await app?.close();
  await lab?.cleanup();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

test('the matrix renders with coloured cells, newest kernel first, and a screenshot is taken', async () => {
  await page.goto(`${base}/`);
  const kernels = await page.locator('#matrix tbody th .kernel').allTextContents();
  assert.deepEqual(kernels, ['6.13-rc1', '6.12.1', '6.12', '6.12-rc2', '6.12-rc1', '6.11']);
  const colour = await page.locator('#matrix td.cell.regression').first().evaluate((td) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(td).backgroundColor);
  assert.equal(colour, 'rgb(255, 201, 201)', 'the stylesheet loaded under the CSP and regressions are red');
  const shot = path.join(lab.dir, 'matrix.png');
  await page.locator('main').screenshot({ path: shot });
  assert.ok(statSync(shot).size > 5_000, 'a real image, not an empty one');
  // For the docs, on request: TESTLAB_DOCS_SCREENSHOTS=1 node --test ...
  if (process.env.TESTLAB_DOCS_SCREENSHOTS === '1') {
    mkdirSync(path.join(repoRoot, 'docs/screenshots'), { recursive: true });
    copyFileSync(shot, path.join(repoRoot, 'docs/screenshots/matrix.png'));
  }
});

test('from a red cell to the run, through the filter form, to the case: the XSS title is shown as text', async () => {
  await page.goto(`${base}/`);
  await page.locator('#matrix td.cell.regression a').last().click();
  await page.waitForURL(/\/runs\/\d+$/);
  assert.match(await page.locator('h1').textContent() ?? '', /^Run \d+: 6\.12-rc1, phase2-host on qemu$/);
  assert.equal(await page.title(), `run ${lab.runs.get('6.12-rc1')}: 6.12-rc1 phase2-host`);

  const titleCell = page.locator('table.results td.title', { hasText: 'document.title' });
  assert.equal(await titleCell.textContent(), XSS, 'the payload is visible, verbatim, as text');
  assert.equal(await page.locator('img[src="x"]').count(), 0, 'no element was injected');
  assert.equal(await page.locator('main script').count(), 0);

  await page.selectOption('select[name=verdict]', 'ERROR');
  await page.click('form.filters button[type=submit]');
  await page.waitForURL(/verdict=ERROR/);
  assert.deepEqual(await page.locator('table.results tbody td:first-child').allTextContents(), ['v6LC.5.1.8']);

  await page.click('table.results tbody a:text("v6LC.5.1.8")');
  await page.waitForURL(/\/cases\/v6LC\.5\.1\.8$/);
  assert.equal(await page.locator('h1').textContent(), `v6LC.5.1.8: ${XSS}`);
  assert.equal(await page.locator('dd.rfc').textContent(), 'RFC 4443 §4.2');
  assert.ok((await page.locator('pre.log').textContent())?.includes(XSS));
  assert.notEqual(await page.title(), 'pwned');
});

test('the history page draws the trend chart server-side', async () => {
  await page.goto(`${base}/history/v6LC.2.1.7-D`);
  const box = await page.locator('svg.trend').boundingBox();
  assert.ok(box && box.width > 600 && box.height > 100, 'the chart has its size');
  assert.equal(await page.locator('svg.trend circle').count(), 5, 'one point per run (few runs: no bucketing)');
  assert.equal(await page.locator('svg.trend circle.failing').count(), 3);
  assert.equal(await page.locator('a.first-failure').textContent(), '6.12-rc1');
});

test('from a run to the bisection it ended: the culprit whose subject and author hold markup stays text', async () => {
  // Steps without runs: step runs would add kernels to the matrix the tests above read.
  const { id } = await foundBisection(lab, lab.runs.get('6.11')!, lab.runs.get('6.12-rc1')!, { noRuns: true });
  await page.goto(`${base}/runs/${lab.runs.get('6.12-rc1')}`);
  await page.click(`#bisections a[href="/bisections/${id}"]`);
  await page.waitForURL(new RegExp(`/bisections/${id}$`));
  assert.equal(await page.locator('dd.culprit .subject').textContent(), HOSTILE_SUBJECT);
  assert.equal(await page.locator('dd.culprit .author').textContent(), `(${HOSTILE_AUTHOR})`);
  assert.equal(await page.locator('img[src="x"]').count(), 0, 'no element was injected');
  assert.equal(await page.locator('main script').count(), 0);
  assert.equal(await page.locator('table.steps tbody tr').count(), 7);
  assert.notEqual(await page.title(), 'pwned');
});
