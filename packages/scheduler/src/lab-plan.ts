// What the planner needs to know about this lab, built from the config alone: the configured test sets
// (their modes and kconfig fragments), the kernel profiles (their lab fragments) and which NUTs offer which
// profile and modes. labd, the dashboard's trigger API and `testlab watch` all plan with it, so one kernel
// gets the same job keys whichever of them queued it.
import { readFile } from 'node:fs/promises';
import type { KernelProfile, NutMode, TestSet } from '@testlab/core';
import { loadTestSet } from '@testlab/testsets';
import type { LabPlanContext } from './enqueue.js';

/** The parts of the lab config a plan is made of (packages/lab-config's LabConfig has them). */
export interface LabPlanConfig {
  testsets: { dir: string; run: readonly string[] };
  /** Profile name -> base config and the path of the lab's fragment for that kind of NUT. */
  profiles: Readonly<Record<string, { baseConfig: KernelProfile['baseConfig']; labFragment: string }>>;
  nuts: readonly { name: string; profile: string; modes: readonly NutMode[] }[];
}

export interface LabPlan {
  /** The configured test sets by name (testsets.run), loaded and validated. */
  testsets: Map<string, TestSet>;
  profiles: KernelProfile[];
  context: LabPlanContext;
}

export async function loadLabPlan(config: LabPlanConfig): Promise<LabPlan> {
  const testsets = new Map<string, TestSet>();
  for (const name of config.testsets.run) testsets.set(name, await loadTestSet(config.testsets.dir, name));
  const profiles: KernelProfile[] = [];
  for (const [name, p] of Object.entries(config.profiles)) profiles.push({ name, baseConfig: p.baseConfig, labFragment: { origin: `lab profile ${name}`, text: await readFile(p.labFragment, 'utf8') } });
  return {
    testsets,
    profiles,
    context: {
      testsets: [...testsets.values()].map((s) => ({ name: s.name, mode: s.mode, kernelConfig: s.kernelConfig.text })),
      profiles,
      pool: config.nuts.map((n) => ({ name: n.name, profile: n.profile, modes: n.modes })),
    },
  };
}

/** The same context with only the named test sets (a triggered run asks for some, not all). */
export function onlyTestSets(context: LabPlanContext, names: readonly string[]): LabPlanContext {
  const unknown = names.filter((n) => !context.testsets.some((s) => s.name === n));
  if (unknown.length > 0) throw new Error(`test set ${unknown.join(', ')} is not configured on this lab (testsets.run: ${context.testsets.map((s) => s.name).join(', ')})`);
  return { ...context, testsets: context.testsets.filter((s) => names.includes(s.name)) };
}
