// TAHI's result labels, the exit codes behind them, the summary.html bucket each is counted in, and the
// lab verdict each becomes. autorun shows a label, not the code: the code is inferred from the label.
import type { Verdict } from '@testlab/core';

/** The buckets of summary.html. `N/A` lumps together everything that is not 0, 3, 32, 72 or 73. */
export type SummaryCategory = 'PASS' | 'FAIL' | 'WARN' | 'SKIP' | 'N/A' | 'TBD';

export interface LabelMeaning {
  /** The label without the `, Why` link autorun adds without -F. */
  label: string;
  /** The script's exit code; undefined when the label alone cannot tell (SKIP is 10 or 73). */
  exitCode: number | undefined;
  /** Where summary.html counts it; `SKIP|N/A` for the ambiguous SKIP label (10 counts N/A, 73 SKIP). */
  category: SummaryCategory | 'SKIP|N/A';
  verdict: Verdict;
  /** Why this verdict, in a lab engineer's words. */
  meaning: string;
}

interface Entry {
  code: number | undefined;
  category: SummaryCategory | 'SKIP|N/A';
  verdict: Verdict;
  meaning: string;
}

// Exit codes of V6evalTool (exitPass, exitIgnore, exitNS, exitWarn, exitHostOnly, ...) and autorun.
// 33, 34 and 64 are failures of the harness, not of the NUT: ERROR, although summary.html counts them N/A.
const FIXED: ReadonlyMap<string, Entry> = new Map<string, Entry>([
  ['PASS', { code: 0, category: 'PASS', verdict: 'PASS', meaning: 'the NUT behaved as the test requires' }],
  ['-', { code: 1, category: 'N/A', verdict: 'NA', meaning: 'the test asked to be ignored (exit 1)' }],
  ['Not yet supported', { code: 2, category: 'N/A', verdict: 'NA', meaning: 'the NUT or its remote-control scripts lack what this test needs (exit 2)' }],
  ['WARN', { code: 3, category: 'WARN', verdict: 'WARN', meaning: 'allowed but not recommended behaviour' }],
  ['Host Only', { code: 4, category: 'N/A', verdict: 'NA', meaning: 'the test applies to hosts only' }],
  ['Router Only', { code: 5, category: 'N/A', verdict: 'NA', meaning: 'the test applies to routers only' }],
  ['Special Only', { code: 6, category: 'N/A', verdict: 'NA', meaning: 'the test applies to special nodes only' }],
  ['Except Host', { code: 7, category: 'N/A', verdict: 'NA', meaning: 'the test does not apply to hosts' }],
  ['Except Router', { code: 8, category: 'N/A', verdict: 'NA', meaning: 'the test does not apply to routers' }],
  ['Except Special', { code: 9, category: 'N/A', verdict: 'NA', meaning: 'the test does not apply to special nodes' }],
  ['SKIP', { code: undefined, category: 'SKIP|N/A', verdict: 'NA', meaning: 'skipped (by the test, out of the -s/-e range, or a &# line)' }],
  ['Type Mismatch', { code: 11, category: 'N/A', verdict: 'NA', meaning: "the test does not match nut.def's Type" }],
  ['FAIL', { code: 32, category: 'FAIL', verdict: 'FAIL', meaning: 'the NUT did not behave as the test requires' }],
  ['Initialization Fail', { code: 33, category: 'N/A', verdict: 'ERROR', meaning: "the test's initialisation failed: the harness could not judge (exit 33)" }],
  ['Cleanup Fail', { code: 34, category: 'N/A', verdict: 'ERROR', meaning: "the test's cleanup failed: the harness could not judge (exit 34)" }],
  ['internal error', { code: 64, category: 'N/A', verdict: 'ERROR', meaning: 'internal error of the test tool; autorun stopped this INDEX here (exit 64)' }],
  ['TBD', { code: 72, category: 'TBD', verdict: 'ERROR', meaning: 'not run: autorun stopped before this test (internal error or interrupt)' }],
  ['no test sequence', { code: 255, category: 'N/A', verdict: 'ERROR', meaning: 'the test script is missing or could not start (exit 255)' }],
]);

const FAIL_N = /^FAIL \(([0-9]{1,3})\)$/;
const SIGNAL_N = /^SIGNAL \(([0-9]{1,3})\)$/;

/** What a Result cell label means; undefined for a label TAHI never writes. */
export function meaningOfLabel(shown: string): LabelMeaning | undefined {
  const label = shown.replace(/,\s*Why$/, '').trim();
  const fixed = FIXED.get(label);
  if (fixed) return { label, exitCode: fixed.code, category: fixed.category, verdict: fixed.verdict, meaning: fixed.meaning };
  let m = FAIL_N.exec(label);
  if (m) {
    const code = Number(m[1]);
    if (code > 255) return undefined;
    // An exit code no V6evalTool function returns: the script ended abnormally (143: killed, SIGTERM).
    return { label, exitCode: code, category: 'N/A', verdict: 'ERROR', meaning: `the test script ended abnormally with exit code ${code}${code > 128 ? ` (signal ${code - 128})` : ''}` };
  }
  m = SIGNAL_N.exec(label);
  if (m) {
    return { label, exitCode: undefined, category: 'N/A', verdict: 'ERROR', meaning: `the test script's shell was killed by signal ${Number(m[1])}` };
  }
  return undefined;
}

/** Every fixed label, for messages and documentation. */
export const KNOWN_LABELS: readonly string[] = [...FIXED.keys(), 'FAIL (n)', 'SIGNAL (n)'];
