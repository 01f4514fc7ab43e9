// Bisections recorded as labd's search records them, in the fixture's lab: each step's kernel tested by a real
// run (test set bisect-<set>), so the pages' links to step runs and their logs point at real ones.
import path from 'node:path';
import type { BisectionSpec, StepOutcome, StepRole, Verdict } from '@testlab/core';
import { addRun, type Lab } from './fixture.js';

export const TREE = 'https://git.kernel.org/pub/scm/linux/kernel/git/netdev/net-next.git';
export const HOSTILE_SUBJECT = `ipv6: ndisc: <script>document.title='pwned'</script> relax the hop limit check`;
export const HOSTILE_AUTHOR = `Mallory <img src=x onerror="document.title='pwned'"> <mallory@example.org>`;

/** A full commit id made of one repeated hex digit (`sha('a')` = aaaa...). */
export const sha = (digit: string) => digit.repeat(40);

export function spec(over: Partial<BisectionSpec> & { goodRun: number; badRun: number }): BisectionSpec {
  const { goodRun, badRun, ...rest } = over;
  return {
    tree: TREE, good: { commit: sha('1'), runId: goodRun }, bad: { commit: sha('9'), runId: badRun },
    testset: 'phase2-host', profile: 'qemu', cases: ['v6LC.2.1.7-D'], confirmRuns: 2, maxSteps: 12, requestedBy: 'auto', ...rest,
  };
}

let snapshot = 0;

export interface StepPlan {
  role: StepRole;
  commit: string;
  attempts: Record<string, Verdict>[];
  /** Left out: the step is still running. */
  outcome?: StepOutcome;
  reason?: string;
  /** The build failed: the step's logs start with its run's build log. */
  buildFailed?: boolean;
  /** Without a run (as a step recorded before its run was). */
  noRun?: boolean;
}

/** One step as runBisection records it: begun, its run's facts with the first attempt, then ended. */
export async function recordStep(lab: Lab, id: number, plan: StepPlan): Promise<{ n: number; runId: number | null }> {
  const step = await lab.bisections.beginStep(id, { role: plan.role, commit: plan.commit });
  const runId = plan.noRun ? null : await addRun(lab, {
    version: `v6.11-${++snapshot}-g${plan.commit.slice(0, 12)}`, testset: 'bisect-phase2-host', verdicts: plan.attempts[0] ?? {},
    ...(plan.outcome === undefined ? { status: 'running' as const } : {}),
  });
  const facts = { buildMs: 312_000, bootMs: 14_500, testMs: 6_200, ...(runId !== null ? { runId } : {}) };
  for (const [i, verdicts] of plan.attempts.entries()) await lab.bisections.recordAttempt(id, step.n, verdicts, i === 0 ? facts : {});
  if (plan.outcome !== undefined) {
    const runDir = runId !== null ? path.join(lab.runsDir, `run-${runId}`) : undefined;
    const logs = runDir === undefined ? [] : plan.buildFailed ? [path.join(runDir, 'build.log'), runDir] : [runDir];
    await lab.bisections.finishStep(id, step.n, {
      outcome: plan.outcome, logs,
      ...(plan.reason !== undefined ? { reason: plan.reason } : {}),
      ...(plan.attempts.length === 0 ? { facts: { buildMs: 98_000, ...(runId !== null ? { runId } : {}) } } : {}),
    });
  }
  return { n: step.n, runId };
}

/** A bisection that found its culprit (the hostile subject and author) and proved it. */
export async function foundBisection(lab: Lab, goodRun: number, badRun: number, options: { noRuns?: boolean } = {}): Promise<{ id: number; stepRuns: (number | null)[] }> {
  const { bisection } = await lab.bisections.create(spec({ goodRun, badRun }));
  await lab.bisections.start(bisection.id, 8);
  const c = 'v6LC.2.1.7-D';
  const noRun = options.noRuns ?? false;
  const plans: StepPlan[] = [
    { role: 'search', commit: sha('5'), attempts: [{ [c]: 'FAIL' }, { [c]: 'FAIL' }], outcome: 'bad', reason: 'v6LC.2.1.7-D failed 2 of 2', noRun },
    { role: 'search', commit: sha('3'), attempts: [], outcome: 'skip', reason: 'build failed (run N): net/ipv6/ndisc.c:42: error', buildFailed: true, noRun },
    { role: 'search', commit: sha('2'), attempts: [{ [c]: 'PASS' }, { [c]: 'PASS' }], outcome: 'good', reason: 'every case passed 2 of 2', noRun },
    { role: 'search', commit: sha('4'), attempts: [{ [c]: 'FAIL' }, { [c]: 'FAIL' }], outcome: 'bad', reason: 'v6LC.2.1.7-D failed 2 of 2', noRun },
    { role: 'culprit', commit: sha('4'), attempts: [{ [c]: 'FAIL' }, { [c]: 'FAIL' }], outcome: 'bad', reason: 'v6LC.2.1.7-D failed 2 of 2', noRun },
    { role: 'parent', commit: sha('2'), attempts: [{ [c]: 'PASS' }, { [c]: 'PASS' }], outcome: 'good', reason: 'every case passed 2 of 2', noRun },
    { role: 'revert', commit: sha('9'), attempts: [{ [c]: 'PASS' }, { [c]: 'PASS' }], outcome: 'good', reason: 'every case passed 2 of 2', noRun },
  ];
  const stepRuns: (number | null)[] = [];
  for (const plan of plans) stepRuns.push((await recordStep(lab, bisection.id, plan)).runId);
  await lab.bisections.finish(bisection.id, {
    status: 'found',
    culprit: { commit: sha('4'), subject: HOSTILE_SUBJECT, author: HOSTILE_AUTHOR },
    reason: 'culprit 444444444444: v6LC.2.1.7-D failed 2 of 2 (step 5); parent 222222222222: every case passed 2 of 2 (step 6)',
  });
  return { id: bisection.id, stepRuns };
}

export interface SeededBisections {
  found: { id: number; stepRuns: (number | null)[] };
  /** Its one step's attempts disagreed; it bisected two cases. */
  inconclusive: number;
  /** One step ended, one running, with the run testing it. */
  running: number;
  runningStepRun: number;
}

/** Over seedHistory's runs: found (6.11..6.12-rc1), inconclusive (6.11..6.12) and running (6.12-rc2..6.12). */
export async function seedBisections(lab: Lab): Promise<SeededBisections> {
  const runOf = (v: string) => lab.runs.get(v)!;
  const found = await foundBisection(lab, runOf('6.11'), runOf('6.12-rc1'));

  const both = ['v6LC.2.1.7-D', 'v6LC.1.1.1'];
  const { bisection: b } = await lab.bisections.create(spec({ goodRun: runOf('6.11'), badRun: runOf('6.12'), bad: { commit: sha('8'), runId: runOf('6.12') }, cases: both, requestedBy: 'cli' }));
  await lab.bisections.start(b.id, 40);
  await recordStep(lab, b.id, {
    role: 'search', commit: sha('6'), outcome: 'disagree', reason: 'v6LC.2.1.7-D: FAIL then PASS',
    attempts: [{ 'v6LC.2.1.7-D': 'FAIL', 'v6LC.1.1.1': 'PASS' }, { 'v6LC.2.1.7-D': 'PASS', 'v6LC.1.1.1': 'PASS' }],
  });
  await lab.bisections.finish(b.id, { status: 'inconclusive', reason: 'step 1 (666666666666): the attempts disagree, so nobody is blamed' });

  const { bisection: r } = await lab.bisections.create(spec({ goodRun: runOf('6.12-rc2'), badRun: runOf('6.12'), good: { commit: sha('a'), runId: runOf('6.12-rc2') }, bad: { commit: sha('b'), runId: runOf('6.12') } }));
  await lab.bisections.start(r.id, 1000);
  await recordStep(lab, r.id, { role: 'search', commit: sha('c'), attempts: [{ 'v6LC.2.1.7-D': 'PASS' }, { 'v6LC.2.1.7-D': 'PASS' }], outcome: 'good', reason: 'every case passed 2 of 2' });
  const runningStepRun = (await recordStep(lab, r.id, { role: 'search', commit: sha('d'), attempts: [{ 'v6LC.2.1.7-D': 'FAIL' }] })).runId!;
  return { found, inconclusive: b.id, running: r.id, runningStepRun };
}

/** What every page showing the culprit must hold instead of the raw markup. */
export const ESCAPED_SUBJECT = 'ipv6: ndisc: &lt;script&gt;document.title&#x3D;&#x27;pwned&#x27;&lt;/script&gt; relax';
export const ESCAPED_AUTHOR = '(Mallory &lt;img src&#x3D;x onerror&#x3D;&quot;document.title&#x3D;&#x27;pwned&#x27;&quot;&gt; &lt;mallory@example.org&gt;)';
