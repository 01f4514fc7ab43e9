// Runs the compiled tests with node's own runner: unit tests (`*.test.js`) in parallel, then the
// end-to-end tests (`*.e2e.test.js`) one file at a time, since they share the machine's two cores.
import { spawnSync } from 'node:child_process';
import { readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const which = process.argv[2] ?? 'all';

function testFiles() {
  const out = [];
  for (const group of ['packages', 'apps']) {
    for (const pkg of readdirSync(path.join(root, group))) {
      const dir = path.join(root, group, pkg, 'dist/test');
      if (!existsSync(dir)) continue;
      for (const f of readdirSync(dir, { recursive: true })) {
        if (String(f).endsWith('.test.js')) out.push(path.join(dir, String(f)));
      }
    }
  }
  return out.sort();
}

const files = testFiles();
const unit = files.filter((f) => !f.endsWith('.e2e.test.js'));
const e2e = files.filter((f) => f.endsWith('.e2e.test.js'));
const runs = [];
if (which === 'all' || which === 'unit') runs.push(['unit', unit, []]);
if (which === 'all' || which === 'e2e') runs.push(['e2e', e2e, ['--test-concurrency=1']]);

let failed = false;
for (const [name, list, extra] of runs) {
  if (list.length === 0) {
    console.error(`run-tests: no ${name} test files found: was the project built (npx tsc -b)?`);
    process.exit(1);
  }
  console.log(`run-tests: ${name}: ${list.length} files`);
  const r = spawnSync(process.execPath, ['--test', ...extra, ...list], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
