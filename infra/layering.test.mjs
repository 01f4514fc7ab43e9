// The repository's layering rule, checked: which of our packages each package may use. Every workspace
// package has a row below (a new package must be given one), its package.json may name only what its row
// allows, and its sources may import only what its package.json names (dependencies for src/, those and
// devDependencies for test/). Rows point inward: core at the bottom, the domain and config above it, then
// transports, drivers and engines, the registry and the test set loader, orchestration, and the apps on
// top, which may wire anything but are used by nothing. Run by `node infra/run-tests.mjs unit`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Package (folder under packages/) -> the packages of ours it may depend on. Apps are checked apart. */
const ALLOWED = {
  // the domain model and driver contracts; the tester's packet layer
  core: [],
  packet: [],
  // ESP and AH for the tester node, on the packet layer
  ipsec: ['packet'],
  // the domain's services and the lab's config file, on the model only
  diff: ['core'],
  notify: ['core'],
  // what a lab keeps on disk, decided from the store's facts
  retention: ['core'],
  'lab-config': ['core', 'notify'],
  'store-sqlite': ['core'],
  'store-postgres': ['core'],
  // the store contracts' test suite, run by every store backend's tests (a devDependency only)
  'store-contract': ['core'],
  // the one way a lab process opens its store, whichever backend the config names
  stores: ['core', 'store-sqlite', 'store-postgres'],
  links: ['core'],
  // how bytes reach the lab: the one SSH client, the one HTTP downloader
  transport: ['core'],
  // drivers: kernel sources (and the git mirror the watcher polls), the builder, NUTs, watch sources
  'kernel-sources': ['core', 'transport'],
  builder: ['core'],
  'nut-drivers': ['core', 'transport'],
  watcher: ['core', 'lab-config', 'kernel-sources', 'transport'],
  // engines, each its own folder, and the registry that knows them
  'engine-builtin': ['core', 'packet', 'ipsec', 'links'],
  'engine-tahi': ['core', 'transport'],
  'engine-kselftest': ['core'],
  engines: ['core', 'engine-builtin', 'engine-kselftest', 'engine-tahi'],
  testsets: ['core', 'engines'],
  // orchestration: one run through its stages; the nightly cycle
  pipeline: ['core'],
  // bisecting a regression: the search and its proof, over the git and step drivers core defines; each step
  // a lab run through the pipeline (pipeline-steps.ts), so labd and `testlab bisect` test a commit one way
  bisect: ['core', 'pipeline'],
  scheduler: ['core', 'testsets'],
};

function workspace() {
  const out = [];
  for (const group of ['packages', 'apps']) {
    for (const d of readdirSync(path.join(root, group))) {
      const file = path.join(root, group, d, 'package.json');
      if (!existsSync(file)) continue;
      const json = JSON.parse(readFileSync(file, 'utf8'));
      const ours = (deps) => Object.keys(deps ?? {}).filter((n) => n.startsWith('@testlab/')).map((n) => n.slice('@testlab/'.length));
      out.push({ folder: d, dir: `${group}/${d}`, app: group === 'apps', name: json.name, deps: ours(json.dependencies), devDeps: ours(json.devDependencies) });
    }
  }
  return out;
}

/** `@testlab/<name>` specifiers a source folder imports (static, dynamic and type-only imports alike). */
function importsOf(dir) {
  const found = new Map();
  if (!existsSync(dir)) return found;
  for (const f of readdirSync(dir, { recursive: true })) {
    if (!/\.(ts|mts)$/.test(String(f)) || String(f).endsWith('.d.ts')) continue;
    const text = readFileSync(path.join(dir, String(f)), 'utf8');
    for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"]@testlab\/([a-z0-9-]+)['"]/g)) {
      if (!found.has(m[1])) found.set(m[1], String(f));
    }
  }
  return found;
}

const pkgs = workspace();
const packageNames = new Set(pkgs.filter((p) => !p.app).map((p) => p.folder));

test('every package has a row in the table, and the table names only packages that exist', () => {
  assert.deepEqual([...packageNames].sort(), Object.keys(ALLOWED).sort());
  for (const [name, allowed] of Object.entries(ALLOWED)) for (const d of allowed) assert.ok(packageNames.has(d), `${name} may use ${d}, which is not a package`);
});

test('each package.json names in its dependencies only what its row allows (a test may use more, through devDependencies)', () => {
  for (const p of pkgs.filter((x) => !x.app)) {
    const allowed = new Set(ALLOWED[p.folder] ?? []);
    for (const d of p.deps) assert.ok(allowed.has(d), `${p.dir}/package.json depends on @testlab/${d}; its row allows ${[...allowed].join(', ') || 'nothing'}`);
    assert.equal(p.name, `@testlab/${p.folder}`, `${p.dir} is named after its folder`);
  }
});

test('sources import only what their package.json names: src/ its dependencies, test/ those and its devDependencies', () => {
  for (const p of pkgs) {
    const deps = new Set(p.deps);
    for (const [d, file] of importsOf(path.join(root, p.dir, 'src'))) {
      assert.ok(deps.has(d), `${p.dir}/src/${file} imports @testlab/${d}, which ${p.dir}/package.json does not list in dependencies`);
    }
    const testDeps = new Set([...p.deps, ...p.devDeps]);
    for (const [d, file] of importsOf(path.join(root, p.dir, 'test'))) {
      if (d === p.folder) continue;
      assert.ok(testDeps.has(d), `${p.dir}/test/${file} imports @testlab/${d}, which ${p.dir}/package.json does not list`);
    }
  }
});

test('no package depends on an app; no dependency cycles (dependencies and devDependencies)', () => {
  const apps = new Set(pkgs.filter((p) => p.app).map((p) => p.folder));
  const byFolder = new Map(pkgs.map((p) => [p.folder, p]));
  for (const p of pkgs) for (const d of [...p.deps, ...p.devDeps]) assert.ok(!apps.has(d), `${p.dir} depends on the app ${d}`);
  const state = new Map();
  const visit = (name, trail) => {
    if (state.get(name) === 'done') return;
    assert.notEqual(state.get(name), 'visiting', `cycle: ${[...trail, name].join(' -> ')}`);
    state.set(name, 'visiting');
    const p = byFolder.get(name);
    for (const d of [...(p?.deps ?? []), ...(p?.devDeps ?? [])]) visit(d, [...trail, name]);
    state.set(name, 'done');
  };
  for (const p of pkgs) visit(p.folder, []);
});

test('every workspace package is in the root build and in the package map of docs/architecture.md', () => {
  const rootTs = readFileSync(path.join(root, 'tsconfig.json'), 'utf8');
  const arch = readFileSync(path.join(root, 'docs/architecture.md'), 'utf8');
  for (const p of pkgs) {
    assert.ok(rootTs.includes(`"${p.dir}"`), `${p.dir} missing from tsconfig.json references`);
    assert.ok(arch.includes(`\`${p.dir}\``), `${p.dir} missing from docs/architecture.md`);
  }
});
