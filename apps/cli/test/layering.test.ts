// The package map of docs/architecture.md, checked: dependencies point inward and never form a cycle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../src/lab-paths.js';

interface Pkg { name: string; dir: string; deps: string[] }

function workspacePackages(): Pkg[] {
  const out: Pkg[] = [];
  for (const group of ['packages', 'apps']) {
    for (const d of readdirSync(path.join(repoRoot, group))) {
      const file = path.join(repoRoot, group, d, 'package.json');
      if (!existsSync(file)) continue;
      const json = JSON.parse(readFileSync(file, 'utf8')) as { name: string; dependencies?: Record<string, string> };
      out.push({ name: json.name, dir: `${group}/${d}`, deps: Object.keys(json.dependencies ?? {}).filter((n) => n.startsWith('@testlab/')) });
    }
  }
  return out;
}

const pkgs = workspacePackages();

test('core and packet import nothing of ours', () => {
  for (const name of ['@testlab/core', '@testlab/packet']) {
    assert.deepEqual(pkgs.find((p) => p.name === name)?.deps, [], name);
  }
});

test('no package depends on an app', () => {
  const apps = new Set(pkgs.filter((p) => p.dir.startsWith('apps/')).map((p) => p.name));
  for (const p of pkgs) for (const d of p.deps) assert.ok(!apps.has(d), `${p.name} depends on the app ${d}`);
});

test('drivers depend on core (and the transport that reaches their machines) only, never on each other', () => {
  const drivers = ['store-sqlite', 'kernel-sources', 'builder', 'nut-drivers', 'links', 'pipeline'];
  for (const d of drivers) {
    const deps = pkgs.find((p) => p.dir === `packages/${d}`)?.deps ?? [];
    assert.ok(deps.includes('@testlab/core'), d);
    assert.deepEqual(deps.filter((n) => n !== '@testlab/core' && n !== '@testlab/transport'), [], d);
  }
});

test('the transport depends on core only', () => {
  assert.deepEqual(pkgs.find((p) => p.name === '@testlab/transport')?.deps, ['@testlab/core']);
});

test('no dependency cycles', () => {
  const byName = new Map(pkgs.map((p) => [p.name, p]));
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, trail: string[]) => {
    if (state.get(name) === 'done') return;
    assert.notEqual(state.get(name), 'visiting', `cycle: ${[...trail, name].join(' -> ')}`);
    state.set(name, 'visiting');
    for (const d of byName.get(name)?.deps ?? []) visit(d, [...trail, name]);
    state.set(name, 'done');
  };
  for (const p of pkgs) visit(p.name, []);
});

test('every workspace package is in the root build and documented in the package map', () => {
  const rootTs = readFileSync(path.join(repoRoot, 'tsconfig.json'), 'utf8');
  const arch = readFileSync(path.join(repoRoot, 'docs/architecture.md'), 'utf8');
  for (const p of pkgs) {
    assert.ok(rootTs.includes(`"${p.dir}"`), `${p.dir} missing from tsconfig.json references`);
    assert.ok(arch.includes(`\`${p.dir}\``), `${p.dir} missing from docs/architecture.md`);
  }
});
