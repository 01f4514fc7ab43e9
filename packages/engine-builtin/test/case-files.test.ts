// Where a case lives, checked (docs/architecture.md, "Where a case lives"): every part of Ready Logo test
// v6LC.X.Y.Z is defined in src/cases/v6LC.X.Y.Z.ts, which exports `cases` (that test's parts, in part order)
// and nothing else; src/cases/ holds only such files; catalogue.ts imports each of them, in numeric id order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { caseCatalogue, sections, type CaseDefinition } from '../src/index.js';

// This file runs as dist/test/case-files.test.js: the sources are two folders up, the built cases beside it.
const pkg = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CASES_DIR = path.join(pkg, 'src', 'cases');

const CASE_FILE = /^(v6LC\.\d+\.\d+\.\d+)\.ts$/;
/** A case id: the test (`v6LC.5.1.2`) and, where the test has parts, the part letter (`-B`). */
const CASE_ID = /^(v6LC\.\d+\.\d+\.\d+)(?:-([A-Z]))?$/;

/**
 * Tests the INDEX files name both ways: Phase-1 lists TAHI's F_Stub.seq as v6LC.1.3.4 "Stub Fragment Header"
 * (no parts), Phase-2 as v6LC.1.3.4 Part A beside Part B. The part-less id then comes first in the file.
 */
const BOTH_NAMINGS = new Set(['v6LC.1.3.4']);

/** `v6LC.1.1.10` -> [1, 1, 10]: tests sort by number, so 1.1.9 comes before 1.1.10. */
const numbers = (testId: string): number[] => testId.replace('v6LC.', '').split('.').map(Number);
function byNumber(a: string, b: string): number {
  const [x, y] = [numbers(a), numbers(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? -1) !== (y[i] ?? -1)) return (x[i] ?? -1) - (y[i] ?? -1);
  return 0;
}

/** Ids in order: by test number, then part letter. */
function byId(a: string, b: string): number {
  const [x, y] = [CASE_ID.exec(a), CASE_ID.exec(b)];
  return byNumber(x?.[1] ?? a, y?.[1] ?? b) || (x?.[2] ?? '').localeCompare(y?.[2] ?? '');
}

const fileNames = readdirSync(CASES_DIR).filter((f) => !f.endsWith('.d.ts'));
const testFiles = fileNames.map((f) => CASE_FILE.exec(f)?.[1]).filter((t): t is string => t !== undefined).sort(byNumber);

/** Fails listing every problem, one a line. */
function none(problems: string[], what: string): void {
  assert.ok(problems.length === 0, `${what}:\n  ${problems.join('\n  ')}`);
}

async function exportsOf(testId: string): Promise<Record<string, unknown>> {
  return (await import(pathToFileURL(path.join(pkg, 'dist', 'src', 'cases', `${testId}.js`)).href)) as Record<string, unknown>;
}

test('src/cases/ holds only files named after one Ready Logo test, v6LC.X.Y.Z.ts', () => {
  const others = fileNames.filter((f) => !CASE_FILE.test(f));
  none(others, 'not case files (one test each, named v6LC.X.Y.Z.ts; what several tests share goes to src/vocabulary/)');
});

test('catalogue.ts imports every case file, one line each, in numeric id order', () => {
  const source = readFileSync(path.join(pkg, 'src', 'catalogue.ts'), 'utf8');
  const imported = [...source.matchAll(/from '\.\/cases\/([^']+)\.js'/g)].map((m) => m[1]!);
  const missing = testFiles.filter((t) => !imported.includes(t));
  const unknown = imported.filter((t) => !testFiles.includes(t));
  const twice = imported.filter((t, i) => imported.indexOf(t) !== i);
  none(missing, 'case files catalogue.ts does not import');
  none(unknown, 'catalogue.ts imports these, not in src/cases/');
  none(twice, 'catalogue.ts imports these twice');
  const misplaced = imported.findIndex((t, i) => i > 0 && byNumber(imported[i - 1]!, t) > 0);
  assert.equal(misplaced, -1, `catalogue.ts imports ${imported[misplaced]} after ${imported[misplaced - 1]}: keep the imports in numeric id order`);
  // `byTest` must follow the imports: then the catalogue is in id order, test by test, part by part.
  const ids = [...caseCatalogue.keys()];
  const outOfOrder = ids.findIndex((id, i) => i > 0 && byId(ids[i - 1]!, id) > 0);
  assert.equal(outOfOrder, -1, `the catalogue lists ${ids[outOfOrder]} after ${ids[outOfOrder - 1]}: keep byTest in the order of the imports`);
});

test("each case file exports only `cases`: its own test's parts, in part order", async () => {
  const problems: string[] = [];
  for (const testId of testFiles) {
    const mod = await exportsOf(testId);
    const names = Object.keys(mod);
    if (names.join() !== 'cases') problems.push(`${testId}.ts exports ${names.join(', ') || 'nothing'}, not just \`cases\``);
    const cases = mod['cases'];
    if (!Array.isArray(cases) || cases.length === 0) {
      problems.push(`${testId}.ts: \`cases\` is not a non-empty list of cases`);
      continue;
    }
    const ids = (cases as CaseDefinition[]).map((c) => c.id);
    for (const id of ids) if (CASE_ID.exec(id)?.[1] !== testId) problems.push(`${testId}.ts defines ${id}, a part of another test: it belongs in ${CASE_ID.exec(id)?.[1] ?? 'a file named after its test'}.ts`);
    const own = ids.filter((id) => CASE_ID.exec(id)?.[1] === testId);
    const letters = own.map((id) => CASE_ID.exec(id)?.[2]);
    if (letters.includes(undefined) && own.length > 1 && !(BOTH_NAMINGS.has(testId) && letters.indexOf(undefined) === 0 && letters.lastIndexOf(undefined) === 0)) problems.push(`${testId}.ts mixes the part-less id ${testId} with its parts: ${own.join(', ')}`);
    if (letters.some((l, i) => i > 0 && l !== undefined && letters[i - 1] !== undefined && l <= letters[i - 1]!)) problems.push(`${testId}.ts: parts not in part order: ${own.join(', ')}`);
  }
  none(problems, 'case files that break the rule');
});

test('every catalogue id is defined in the file its id names, and every case there is in the catalogue', async () => {
  const problems: string[] = [];
  const fileCases = new Map<string, CaseDefinition[]>();
  for (const testId of testFiles) {
    const cases = (await exportsOf(testId))['cases'];
    fileCases.set(testId, Array.isArray(cases) ? (cases as CaseDefinition[]) : []);
  }
  for (const [id, def] of caseCatalogue) {
    const home = CASE_ID.exec(id)?.[1];
    if (home === undefined) {
      problems.push(`${id} is not a Ready Logo id (v6LC.X.Y.Z or v6LC.X.Y.Z-<letter>)`);
      continue;
    }
    if (fileCases.get(home)?.includes(def)) continue;
    const where = [...fileCases].find(([, cs]) => cs.includes(def))?.[0];
    problems.push(`${id} is not defined in src/cases/${home}.ts${where ? ` but in ${where}.ts` : ''}`);
  }
  for (const [testId, cases] of fileCases) for (const c of cases) if (caseCatalogue.get(c.id) !== c) problems.push(`${c.id} of ${testId}.ts is not in the catalogue`);
  none(problems, 'cases not where their id says');
});

test('the sections hold every catalogue case once, each in the section its id names', () => {
  const inSections = sections.flatMap((s) => s.cases.map((c) => ({ section: s.number, c })));
  assert.deepEqual(inSections.map((x) => x.c.id), [...caseCatalogue.keys()]);
  for (const { section, c } of inSections) assert.ok(c.id.startsWith(`v6LC.${section}.`), `${c.id} listed under section ${section}`);
});
