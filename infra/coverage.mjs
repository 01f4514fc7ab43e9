// Code coverage of the test suite, per package. Runs infra/run-tests.mjs (`unit` by default, or `e2e`,
// `all`) under c8, which gathers V8's coverage from every node process the tests start (the CLI, labd, the
// web server included) and maps it back to the TypeScript sources through tsc's source maps. Prints lines,
// branches and functions per package and in all; the whole report (HTML, JSON) is left in coverage/.
//
//   node infra/coverage.mjs [unit|e2e|all]      (after npx tsc -b; `all` needs what infra/test.sh needs)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const which = process.argv[2] ?? 'unit';
if (!['unit', 'e2e', 'all'].includes(which)) {
  console.error(`coverage: expected unit, e2e or all, not ${JSON.stringify(which)}`);
  process.exit(2);
}
const c8 = path.join(path.dirname(createRequire(import.meta.url).resolve('c8/package.json')), 'bin/c8.js');
const reports = path.join(root, 'coverage');
// V8 writes one file per process: kept out of the repository and removed afterwards.
const temp = mkdtempSync(path.join(os.tmpdir(), 'testlab-coverage-'));
const started = Date.now();
const run = spawnSync(process.execPath, [
  c8, '--reporter=json-summary', '--reporter=html', '--reports-dir', reports, '--temp-directory', temp,
  // Only the project's own code, counted where it was written (src/*.ts), loaded or not (--all).
  '--all', '--src', 'packages', '--src', 'apps', '--include', '{packages,apps}/*/dist/src/**/*.js', '--exclude', '**/*.d.ts',
  process.execPath, 'infra/run-tests.mjs', which,
], { cwd: root, stdio: 'inherit', env: process.env });
rmSync(temp, { recursive: true, force: true });

const summary = JSON.parse(readFileSync(path.join(reports, 'coverage-summary.json'), 'utf8'));
const packages = new Map();
for (const [file, counts] of Object.entries(summary)) {
  if (file === 'total') continue;
  const rel = path.relative(root, file).split(path.sep);
  const name = `${rel[0]}/${rel[1]}`;
  const sum = packages.get(name) ?? { lines: [0, 0], branches: [0, 0], functions: [0, 0], files: 0 };
  for (const k of ['lines', 'branches', 'functions']) {
    sum[k][0] += counts[k].covered;
    sum[k][1] += counts[k].total;
  }
  sum.files++;
  packages.set(name, sum);
}
const pct = ([covered, total]) => (total === 0 ? '-' : `${((100 * covered) / total).toFixed(1)}%`);
const rows = [...packages.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, s]) => [name, String(s.files), pct(s.lines), pct(s.branches), pct(s.functions)]);
const t = summary.total;
rows.push(['all', String([...packages.values()].reduce((n, s) => n + s.files, 0)), pct([t.lines.covered, t.lines.total]), pct([t.branches.covered, t.branches.total]), pct([t.functions.covered, t.functions.total])]);
const header = ['package', 'files', 'lines', 'branches', 'functions'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
console.log(`\ncoverage of the ${which} tests (${((Date.now() - started) / 60_000).toFixed(1)} min; report in ${path.relative(root, reports)}/index.html)`);
console.log(line(header));
for (const r of rows) console.log(line(r));
console.log(`lines ${t.lines.covered}/${t.lines.total}, branches ${t.branches.covered}/${t.branches.total}, functions ${t.functions.covered}/${t.functions.total}`);
process.exit(run.status === 0 ? 0 : 1);
