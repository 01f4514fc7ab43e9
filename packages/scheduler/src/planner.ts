// The planner: for one new kernel, which builds and which runs the lab owes it. Pure: the same kernel,
// test sets and pool always give the same jobs with the same keys, so planning twice (two polls seeing one
// release, a restart after kill -9) enqueues nothing new.
import { createHash } from 'node:crypto';
import { parseKernelVersion, type JobSpec, type KernelProfile, type NutMode } from '@testlab/core';
import { priorityOf } from './priority.js';

/** Where the kernel's tree comes from, as the kernel source drivers take it. */
export interface SourceSpec {
  spec: string;
  ref?: string;
}

export interface PlannedKernel {
  /** Canonical kernel version (validated here): `6.12`, `6.13-rc1`, `v6.13-rc1-12-gabcdef0`. */
  version: string;
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

export interface BuildJobPayload {
  [key: string]: unknown;
  version: string;
  source: SourceSpec;
  profile: string;
  /** A test set whose fragment this build uses (every set sharing the build has the same fragment). */
  testset: string;
  configDigest: string;
}

export interface RunJobPayload {
  [key: string]: unknown;
  version: string;
  source: SourceSpec;
  profile: string;
  testset: string;
  mode: NutMode;
  extraCmdline: string[];
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
  const version = parseKernelVersion(kernel.version);
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
        const payload: BuildJobPayload = { version: version.text, source: kernel.source, profile: profile.name, testset: set.name, configDigest };
        jobs.push({ kind: 'build', key: buildKey, priority, payload, group });
      }
      const payload: RunJobPayload = {
        version: version.text, source: kernel.source, profile: profile.name, testset: set.name, mode: set.mode, extraCmdline: kernel.extraCmdline ?? [],
      };
      jobs.push({
        kind: 'run', key: `run:${version.text}:${digest(sourceId)}:${set.name}:${profile.name}${cmdlineKey}`, priority, payload, group, after: buildKey,
        requires: { profile: profile.name, mode: set.mode },
      });
    }
  }
  return { jobs, unplaceable };
}
