// The kernel's net selftests as a suite of the lab: each chosen test runs on the NUT (a root file system
// with bash, iproute2 and the tools, and the selftests installed from the kernel tree under test) with a
// timeout of its own, its output is parsed as KTAP plus the `TEST: ... [ OK ]` lines of the shell tests,
// and every case becomes a result.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CaseResult, EngineRunContext, NutImage, PreparedEngine, Verdict } from '@testlab/core';
import { parseKtap, parseNetCases, type KtapResult, type NetCase } from './ktap.js';
import type { KselftestSection } from './section.js';

export class KselftestConfigError extends Error {
  override name = 'KselftestConfigError';
}

const INSTALL_DIR = /^\/[A-Za-z0-9_./-]{1,200}$/;

/** A test's output the lab takes (net selftests print a few hundred KiB at most); past it the test is stopped. */
export const MAX_TEST_OUTPUT_BYTES = 16 * 1024 * 1024;
/** `TEST:` lines of one program kept as cases (fib_tests.sh prints about 300): each becomes a stored result. */
export const MAX_CASES_PER_TEST = 5000;

// kselftest's runner.sh, for one test: the same TAP lines (so one parser reads both), but our timeout
// instead of net/settings' 1500 s. The script is a constant; the test and limit arrive as $2 and $3.
const RUN_ONE = [
  'dir=$1; test=$2; limit=$3',
  'echo "TAP version 13"; echo "1..1"; echo "# selftest: net: $test"',
  'cd "$dir" 2>/dev/null || { echo "# no folder $dir"; echo "not ok 1 selftests: net: $test # exit=127"; exit 0; }',
  '[ -x "./$test" ] || { echo "# Warning: file $test is missing or not executable"; echo "not ok 1 selftests: net: $test # exit=127"; exit 0; }',
  'rcf=$(mktemp)',
  '{ timeout --foreground "$limit" timeout "$limit" "./$test" 2>&1 < /dev/null; echo $? > "$rcf"; } | sed "s/^/# /"',
  'rc=$(cat "$rcf"); rm -f "$rcf"',
  'case $rc in',
  '  0) echo "ok 1 selftests: net: $test" ;;',
  '  4) echo "ok 1 selftests: net: $test # SKIP" ;;',
  '  124) echo "#"; echo "not ok 1 selftests: net: $test # TIMEOUT $limit seconds" ;;',
  '  *) echo "not ok 1 selftests: net: $test # exit=$rc" ;;',
  'esac',
].join('\n');

/**
 * The engine for one run: the section's programs on a NUT booted from `nut` (the root fs with the selftests
 * installed under `installDir`, default /opt/kselftest). Without `nut` (the kernel did not build, so the
 * pipeline fails the run at that stage first) the NUT is never booted.
 */
export function createKselftestEngine(section: KselftestSection, nut?: NutImage, installDir = '/opt/kselftest'): PreparedEngine {
  if (!INSTALL_DIR.test(installDir) || installDir.includes('..')) throw new KselftestConfigError(`install folder "${installDir.slice(0, 60)}" is not a plain absolute path`);
  return { id: 'kselftest', ...(nut ? { nut } : {}), run: (context) => runTests(section, installDir, context) };
}

async function runTests(config: KselftestSection, installDir: string, context: EngineRunContext): Promise<CaseResult[]> {
  const logDir = path.join(context.artifactsDir, 'kselftest');
  await mkdir(logDir, { recursive: true });
  const results: CaseResult[] = [];
  for (const [i, test] of config.tests.entries()) {
    context.progress.step(`net/${test} (${i + 1}/${config.tests.length}, at most ${config.timeoutS} s)`);
    context.progress.fraction(i / config.tests.length, `net/${test}`);
    const started = Date.now();
    let text: string;
    try {
      // The SSH limit is a backstop: the NUT's own `timeout` ends the test first.
      const r = await context.nut.exec(['sh', '-c', RUN_ONE, 'kselftest', path.posix.join(installDir, 'net'), test, String(config.timeoutS)], {
        timeoutMs: (config.timeoutS + 60) * 1000,
        maxOutputBytes: MAX_TEST_OUTPUT_BYTES,
      });
      text = r.stdout + (r.stderr ? `\n# stderr: ${r.stderr.replace(/\n/g, '\n# stderr: ')}` : '');
      // The wrapper's own result line never came: the lab's stands in for it, with the reason. (The test's
      // output is all behind `# `, so nothing it printed can pass for a result line.)
      if (r.cutAtBytes !== undefined) text += `\nnot ok 1 selftests: net: ${test} # ERROR printed more than ${r.cutAtBytes} bytes: stopped there (the log keeps the first ${r.cutAtBytes})`;
    } catch (error) {
      text = `TAP version 13\n1..1\nnot ok 1 selftests: net: ${test} # ERROR the lab lost the NUT: ${(error as Error).message.replace(/\n/g, ' ')}`;
    }
    const durationMs = Date.now() - started;
    const logFile = path.join(logDir, `${test}.log`);
    await writeFile(logFile, text);
    for (const result of resultsOfTest(test, text, durationMs)) {
      results.push(result);
      await context.onResult(result);
    }
  }
  context.progress.fraction(1, 'done');
  return results;
}

/** One result for the test program itself (`net/<test>`), then one per `TEST:` case it printed. */
export function resultsOfTest(test: string, text: string, durationMs: number): CaseResult[] {
  const doc = parseKtap(text);
  const top: KtapResult | undefined = doc.results[0];
  const output = top?.output ?? [];
  const log = output.join('\n');
  const program: CaseResult = {
    caseId: `net/${test}`,
    title: `kernel selftest net/${test}`,
    ...programVerdict(top, doc.problems),
    durationMs,
    log,
    pcaps: [],
  };
  const seen = new Map<string, number>();
  const printed = parseNetCases(output);
  if (printed.length > MAX_CASES_PER_TEST) program.reason += ` (${printed.length} TEST lines: only the first ${MAX_CASES_PER_TEST} kept as cases)`;
  const cases = printed.slice(0, MAX_CASES_PER_TEST).map((c): CaseResult => {
    const base = `net/${test}: ${c.section ? `${c.section}: ` : ''}${c.description}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return { caseId: n === 1 ? base : `${base} (${n})`, title: c.description, ...caseVerdict(c), durationMs: 0, log: '', pcaps: [] };
  });
  return [program, ...cases];
}

function programVerdict(r: KtapResult | undefined, problems: string[]): { verdict: Verdict; reason: string } {
  if (!r) return { verdict: 'ERROR', reason: `no result line in the output${problems.length ? ` (${problems.join('; ')})` : ''}` };
  if (r.directive === 'SKIP') return { verdict: 'NA', reason: 'the test skipped itself (exit 4): a tool or kernel option it needs is missing on the NUT' };
  if (r.directive === 'TIMEOUT') return { verdict: 'ERROR', reason: `still running after ${r.diagnostic}: stopped (a hang in the kernel, or too slow under emulation)` };
  if (r.directive === 'ERROR') return { verdict: 'ERROR', reason: r.diagnostic };
  if (r.ok) return { verdict: 'PASS', reason: 'exit 0' };
  if (r.diagnostic === 'exit=127') return { verdict: 'ERROR', reason: 'the test is not installed on the NUT (exit 127)' };
  return { verdict: 'FAIL', reason: `the test failed (${r.diagnostic || 'not ok'})` };
}

function caseVerdict(c: NetCase): { verdict: Verdict; reason: string } {
  switch (c.outcome) {
    case 'OK':
      return { verdict: 'PASS', reason: '[ OK ]' };
    case 'FAIL':
      return { verdict: 'FAIL', reason: '[FAIL]' };
    case 'SKIP':
      return { verdict: 'NA', reason: '[SKIP]: the test found something it needs missing' };
    case 'XFAIL':
      return { verdict: 'PASS', reason: '[XFAIL]: failed as the test expects' };
  }
}
