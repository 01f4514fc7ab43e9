// The planner: for one new kernel, which builds and which runs the lab owes it. Pure: the same kernel,
// test sets and pool always give the same jobs with the same keys, so planning twice (two polls seeing one
// release, a restart after kill -9) enqueues nothing new.
import { createHash } from 'node:crypto';
import type { BuildJobPayload, JobSpec, KernelProfile, KernelVersion, NutMode, RunJobPayload, SourceSpec } from '@testlab/core';
import { priorityOf } from './priority.js';

export interface PlannedKernel {
  /** Parsed where it entered the lab (the watcher, the config, the trigger API). */
  version: KernelVersion;
  source: SourceSpec;
  /** Extra NUT kernel command-line words for every run of this kernel (debugging; tests break boots with it). */
  extraCmdline?: string[];
}

export interface PlannedTestSet {
  name: string;
  mode: NutMode;
  /** The set's kconfig fragment text: sets with equal fragments share one build. */
  kernelConfig: string;
}

export interface PoolEntry {
  name: string;
  profile: string;
  modes: readonly NutMode[];
}

export interface Plan {
  jobs: JobSpec[];
  /** Test sets no NUT of the pool can run, with why: the operator should hear about them. */
  unplaceable: { testset: string; reason: string }[];
}

const digest = (...parts: string[]) => createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 16);

/**
 * One build per (source, profile, resolved fragments) and one run per (test set, profile): each set runs
 * once on each kind of NUT that offers its mode; which NUT of that kind is decided when a NUT is free.
 */
export function planKernel(kernel: PlannedKernel, testsets: readonly PlannedTestSet[], profiles: readonly KernelProfile[], pool: readonly PoolEntry[]): Plan {
  const version = kernel.version;
  const priority = priorityOf(version.kind);
  const sourceId = kernel.source.ref === undefined ? kernel.source.spec : `${kernel.source.spec}@${kernel.source.ref}`;
  const group = `kernel:${version.text}:${digest(sourceId)}`;
  const jobs: JobSpec[] = [];
  const unplaceable: Plan['unplaceable'] = [];
  const builds = new Set<string>();
  // A run with extra command-line words is a different experiment from the plain one: a different job.
  const cmdlineKey = (kernel.extraCmdline ?? []).length === 0 ? '' : `:cmdline-${digest(...(kernel.extraCmdline ?? []))}`;
  for (const set of testsets) {
    const placed = profiles.filter((p) => pool.some((n) => n.profile === p.name && n.modes.includes(set.mode)));
    if (placed.length === 0) {
      unplaceable.push({ testset: set.name, reason: `no NUT in the pool offers mode ${set.mode}` });
      continue;
    }
    for (const profile of placed) {
      const configDigest = digest(profile.baseConfig, profile.labFragment.text, set.kernelConfig);
      const buildKey = `build:${version.text}:${digest(sourceId)}:${profile.name}:${configDigest}`;
      if (!builds.has(buildKey)) {
        builds.add(buildKey);
        const payload: BuildJobPayload = { version, source: kernel.source, profile: profile.name, testset: set.name, configDigest };
        jobs.push({ kind: 'build', key: buildKey, priority, payload, group });
      }
      const payload: RunJobPayload = {
        version, source: kernel.source, profile: profile.name, testset: set.name, mode: set.mode, extraCmdline: kernel.extraCmdline ?? [],
      };
      jobs.push({
        kind: 'run', key: `run:${version.text}:${digest(sourceId)}:${set.name}:${profile.name}${cmdlineKey}`, priority, payload, group, after: buildKey,
        requires: { profile: profile.name, mode: set.mode },
      });
    }
  }
  return { jobs, unplaceable };
}
