// What a queued job asks for, per kind: a build (one kernel source x one config), a run (one kernel x one
// test set on one kind of NUT) or a bisection (its spec is the bisection's record: the job names it). On the wire (the queue's JSON column) the version is its canonical text;
// read back, every field is validated here, so a row written by an older lab or edited by hand is refused
// with the job and the field named instead of reaching a worker as something it is not.
import { z } from 'zod';
import { NUT_MODES, type NutMode } from './nuts.js';
import { kernelVersionSchema } from './version-schema.js';
import type { KernelVersion } from './versions.js';

/** Where the kernel's tree comes from, as the kernel source drivers take it. */
export interface SourceSpec {
  spec: string;
  ref?: string;
}

export interface BuildJobPayload {
  version: KernelVersion;
  source: SourceSpec;
  profile: string;
  /** A test set whose fragment this build uses (every set sharing the build has the same fragment). */
  testset: string;
  configDigest: string;
}

export interface RunJobPayload {
  version: KernelVersion;
  source: SourceSpec;
  profile: string;
  testset: string;
  mode: NutMode;
  /** Extra NUT kernel command-line words for this run (debugging; tests break boots with it). */
  extraCmdline: string[];
}

/** The bisection to run or resume (BisectionStore): its range, set and steps are there, not copied here. */
export interface BisectJobPayload {
  bisectionId: number;
}

/** The payload of each kind of job. */
export interface JobPayloads {
  build: BuildJobPayload;
  run: RunJobPayload;
  bisect: BisectJobPayload;
}

/** A kind with its payload: what JobSpec and JobRecord have in common. */
export type KindAndPayload = { [K in keyof JobPayloads]: { kind: K; payload: JobPayloads[K] } }[keyof JobPayloads];

const source = z.object({ spec: z.string().min(1), ref: z.string().min(1).optional() });
const buildSchema = z.object({
  version: kernelVersionSchema,
  source,
  profile: z.string().min(1),
  testset: z.string().min(1),
  configDigest: z.string().min(1),
}) satisfies z.ZodType<BuildJobPayload, unknown>;
const runSchema = z.object({
  version: kernelVersionSchema,
  source,
  profile: z.string().min(1),
  testset: z.string().min(1),
  mode: z.enum(NUT_MODES),
  extraCmdline: z.array(z.string()),
}) satisfies z.ZodType<RunJobPayload, unknown>;
const bisectSchema = z.object({ bisectionId: z.number().int().positive() }) satisfies z.ZodType<BisectJobPayload, unknown>;

/** A queued job's payload that does not validate: which job, which field, what is wrong. */
export class InvalidJobPayload extends Error {
  constructor(
    readonly job: { id: number; key: string },
    readonly problems: string[],
  ) {
    super(`job ${job.id} (${job.key}) cannot be read: ${problems.join('; ')}`);
    this.name = 'InvalidJobPayload';
  }
}

/** The payload as plain JSON data: the version as its canonical text, fields in the order labs always wrote. */
export function wireJobPayload(job: KindAndPayload): Record<string, unknown> {
  if (job.kind === 'bisect') return { bisectionId: job.payload.bisectionId };
  const { version, source: s, profile, testset } = job.payload;
  const common = { version: version.text, source: { spec: s.spec, ...(s.ref !== undefined ? { ref: s.ref } : {}) }, profile, testset };
  if (job.kind === 'build') return { ...common, configDigest: job.payload.configDigest };
  return { ...common, mode: job.payload.mode, extraCmdline: job.payload.extraCmdline };
}

/** The JSON the queue stores: the same text, field for field, as labs before typed payloads wrote. */
export function encodeJobPayload(job: KindAndPayload): string {
  return JSON.stringify(wireJobPayload(job));
}

/**
 * Reads a stored payload back. `job` names it in the error; each problem names its field, e.g.
 * `job 12 (run:6.12.0:...) cannot be read: payload.version: invalid kernel version "6.12.0": ...`.
 */
export function decodeJobPayload(kind: string, text: string, job: { id: number; key: string }): KindAndPayload {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InvalidJobPayload(job, [`payload: not JSON (${(error as Error).message})`]);
  }
  const problems = (error: z.ZodError) => error.issues.map((i) => `${['payload', ...i.path].join('.')}: ${i.message}`);
  if (kind === 'build') {
    const parsed = buildSchema.safeParse(json);
    if (parsed.success) return { kind, payload: parsed.data };
    throw new InvalidJobPayload(job, problems(parsed.error));
  }
  if (kind === 'run') {
    const parsed = runSchema.safeParse(json);
    if (parsed.success) return { kind, payload: parsed.data };
    throw new InvalidJobPayload(job, problems(parsed.error));
  }
  if (kind === 'bisect') {
    const parsed = bisectSchema.safeParse(json);
    if (parsed.success) return { kind, payload: parsed.data };
    throw new InvalidJobPayload(job, problems(parsed.error));
  }
  throw new InvalidJobPayload(job, [`kind: ${JSON.stringify(kind)} is not build, run or bisect`]);
}
