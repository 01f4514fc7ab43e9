// KTAP (and the TAP 13/14 kselftest's runner prints): version, plan, `ok`/`not ok` lines with directives,
// subtests indented two spaces per level, `#` diagnostics. Input is the NUT's output: untrusted, so
// lines are bounded, numbers checked, and whatever does not fit is reported as a problem, not guessed.
// Every pattern runs in linear time: no two quantifiers that can match the same characters meet (a
// lazy `.*?` before `\s*` backtracks quadratically over a run of spaces), so lines are split by hand.

export type KtapDirective = 'SKIP' | 'TODO' | 'XFAIL' | 'TIMEOUT' | 'ERROR';

export interface KtapResult {
  number: number;
  ok: boolean;
  description: string;
  directive: KtapDirective | null;
  /** Text after the directive (`# SKIP no tcpdump`), or after `#` when there is no directive (`# exit=1`). */
  diagnostic: string;
  /** Diagnostic lines (`# ...`, without the `# `) printed since the previous result at this level. */
  output: string[];
  subtests: KtapResult[];
}

export interface KtapDocument {
  version: string | null;
  plan: number | null;
  results: KtapResult[];
  /** Plan/numbering mismatches, `Bail out!`, lines cut for length: things a reader should see. */
  problems: string[];
}

const MAX_LINE = 4096;
const VERSION = /^(KTAP version 1|TAP version 1[34])$/;
const PLAN = /^1\.\.([0-9]{1,6})$/;
const RESULT_HEAD = /^(not ok|ok) ([0-9]{1,6})(?=$|[\s#])/;
const DIRECTIVE = /^(SKIP|TODO|XFAIL|TIMEOUT|ERROR)\b\s*(.*)$/i;

interface Level {
  indent: number;
  version: string | null;
  plan: number | null;
  results: KtapResult[];
  output: string[];
}

export function parseKtap(text: string): KtapDocument {
  const problems: string[] = [];
  const root: Level = { indent: 0, version: null, plan: null, results: [], output: [] };
  // Open subtest levels; the innermost last. A result line at a lower indent closes deeper levels and
  // takes their results as its subtests.
  const stack: Level[] = [root];
  const lines = text.split(/\r?\n/);
  for (const [i, full] of lines.entries()) {
    let raw = full;
    if (raw.length > MAX_LINE) {
      problems.push(`line ${i + 1}: ${raw.length} characters, cut to ${MAX_LINE}`);
      raw = raw.slice(0, MAX_LINE);
    }
    // Colour codes some tests print, then any other control character: neither belongs in a result.
    raw = raw.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
    if (raw.trim() === '') continue;
    const indent = raw.length - raw.trimStart().length;
    const line = raw.trim();
    if (VERSION.test(line)) {
      if (indent > stack.at(-1)!.indent || (indent > 0 && stack.at(-1)!.results.length > 0)) stack.push({ indent, version: line, plan: null, results: [], output: [] });
      else stack.at(-1)!.version ??= line;
      continue;
    }
    const plan = PLAN.exec(line);
    if (plan) {
      const level = levelAt(stack, indent);
      if (level.plan !== null) problems.push(`line ${i + 1}: a second plan`);
      level.plan = Number(plan[1]);
      continue;
    }
    const r = resultLine(line);
    if (r) {
      // Close levels deeper than this line: their results are this line's subtests.
      let subtests: KtapResult[] = [];
      while (stack.length > 1 && stack.at(-1)!.indent > indent) {
        const closed = stack.pop()!;
        checkPlan(closed, problems, `subtests before line ${i + 1}`);
        subtests = closed.results;
      }
      const level = stack.at(-1)!;
      const { number, rest } = r;
      const d = DIRECTIVE.exec(rest);
      if (number !== level.results.length + 1) problems.push(`line ${i + 1}: result ${number} after ${level.results.length}`);
      level.results.push({
        number,
        ok: r.ok,
        description: r.description,
        directive: d ? (d[1]!.toUpperCase() as KtapDirective) : null,
        diagnostic: (d ? d[2]! : rest).trim(),
        output: level.output,
        subtests,
      });
      level.output = [];
      continue;
    }
    if (line.startsWith('Bail out!')) {
      problems.push(`line ${i + 1}: ${line.slice(0, 200)}`);
      continue;
    }
    if (line.startsWith('#')) {
      levelAt(stack, indent).output.push(line.replace(/^#\s?/, ''));
      continue;
    }
    // Unknown lines are allowed by KTAP and change nothing.
  }
  while (stack.length > 1) {
    const closed = stack.pop()!;
    problems.push(`subtests at indent ${closed.indent} never got their parent's result line (output cut short?)`);
    stack.at(-1)!.output.push(...closed.output);
  }
  checkPlan(root, problems, 'the document');
  return { version: root.version, plan: root.plan, results: root.results, problems };
}

/** `ok 3 - description # directive`: the text after `#` is `rest`; null when the line is not a result. */
function resultLine(line: string): { ok: boolean; number: number; description: string; rest: string } | null {
  const head = RESULT_HEAD.exec(line);
  if (!head) return null;
  let tail = line.slice(head[0].length);
  // `ok 3 - description`: the dash is TAP's separator (`ok 3 -desc` keeps it: no space after).
  if (/^ -(\s|$)/.test(tail)) tail = tail.slice(2);
  const hash = tail.indexOf('#');
  return {
    ok: head[1] === 'ok',
    number: Number(head[2]),
    description: (hash === -1 ? tail : tail.slice(0, hash)).trim(),
    rest: hash === -1 ? '' : tail.slice(hash + 1).trimStart(),
  };
}

function levelAt(stack: Level[], indent: number): Level {
  for (let i = stack.length - 1; i >= 0; i--) if (stack[i]!.indent <= indent) return stack[i]!;
  return stack[0]!;
}

function checkPlan(level: Level, problems: string[], what: string): void {
  if (level.plan !== null && level.plan !== level.results.length) problems.push(`${what}: plan 1..${level.plan} but ${level.results.length} results`);
}

export interface NetCase {
  /** The headings printed before the case (fib_tests.sh: "Single path route test: Start point"), if any. */
  section: string | null;
  description: string;
  outcome: 'OK' | 'FAIL' | 'SKIP' | 'XFAIL';
}

const OUTCOME = /^(OK|FAIL|SKIP|XFAIL)$/;
const SEPARATOR = /^[-=#*\s]*$/;
// What commands print when they fail: never a heading, whatever its place.
const NOT_HEADING = /^(Error|RTNETLINK|Command line|Warning|Cannot|ping|SKIP|FAIL|selftest: |timeout set to |Tests (passed|failed))/i;

/**
 * The cases a net shell test reports on its own: `TEST: <description>  [ OK ]` lines in its output (the
 * runner's `# ` already removed). Headings give the cases their section: a line after a blank line at
 * column 0 (fib_tests.sh: "Single path route test"), and an indented line right before a TEST line
 * ("    Start point"); `TEST SECTION:` / `TEST SUBSECTION:` lines wherever they are. Error messages of the
 * commands the test runs are neither.
 */
/** `    TEST: <description>   [ OK ]`, or null. */
function testLine(line: string): { description: string; outcome: NetCase['outcome'] } | null {
  const text = line.trim();
  if (!text.startsWith('TEST: ') || !text.endsWith(']')) return null;
  const open = text.lastIndexOf('[');
  const outcome = text.slice(open + 1, -1).trim();
  if (open < 6 || !OUTCOME.test(outcome)) return null;
  return { description: text.slice(6, open).trim(), outcome: outcome as NetCase['outcome'] };
}

export function parseNetCases(output: readonly string[]): NetCase[] {
  const cases: NetCase[] = [];
  let top: string | null = null;
  let sub: string | null = null;
  let afterBlank = true;
  for (const [i, line] of output.entries()) {
    const m = testLine(line);
    if (m) {
      const section = [top, sub].filter((x) => x !== null).join(': ');
      cases.push({ section: section || null, description: m.description.replace(/\s+/g, ' ').slice(0, 300), outcome: m.outcome });
      afterBlank = false;
      continue;
    }
    // Blank lines, rules, and the runner's own header lines end what came before.
    if (SEPARATOR.test(line) || /^(selftest: |timeout set to )/.test(line)) {
      afterBlank = true;
      continue;
    }
    const text = line.trim().replace(/\s+/g, ' ').slice(0, 200);
    const indented = /^\s/.test(line);
    const beforeTest = testLine(output[i + 1] ?? '') !== null;
    const explicit = /^TEST (SUB)?SECTION: (.+)$/.exec(text);
    if (explicit) {
      // fib-onlink-tests.sh and others name their sections outright.
      if (explicit[1]) sub = explicit[2]!;
      else [top, sub] = [explicit[2]!, null];
    } else if (!NOT_HEADING.test(text)) {
      if (!indented && afterBlank) {
        top = text;
        sub = null;
      } else if (indented && beforeTest) {
        sub = text;
      }
    }
    afterBlank = false;
  }
  return cases;
}
