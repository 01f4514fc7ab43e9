// The lab's one config file (YAML), validated with zod; labd, the dashboard (apps/web) and `testlab watch`
// read the same file. Every error names the key and the line it is on, e.g.
// `labd.yaml:14: nuts.1.ssh.port: expected a number`, so an operator fixes it in one go.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import cron from 'node-cron';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { kernelVersionSchema, postgresLocation, publicKeyBlob, type StoreLocation } from '@testlab/core';
import { InvalidConfigError, parseMailSettings, type MailSettings } from '@testlab/notify';
import { bisectSection } from './bisect-section.js';
import { watchConfig } from './watch-section.js';

const MODES = ['host', 'router', 'ipsec-end-node', 'security-gateway'] as const;
const name = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes');
const absolute = z.string().refine((p) => path.isAbsolute(p), 'an absolute path');
const argv = z.array(z.string().min(1)).min(1, 'a non-empty argv array');
const cronExpr = z.string().refine((e) => cron.validate(e), 'a valid cron expression (5 or 6 fields)');
const seconds = z.number().int().positive();

const qemuNut = z.strictObject({
  name,
  driver: z.literal('qemu'),
  profile: name,
  modes: z.array(z.enum(MODES)).min(1),
  memoryMiB: z.number().int().min(64).max(65536).default(256),
  /** The VM's nice value; absent: the driver's (-10, ahead of builds: nut-drivers' qemu/priority.ts). */
  nice: z.number().int().min(-20).max(19).optional(),
  /** The kernel the NUT checks itself with between kernels under test. */
  knownGood: z.strictObject({ bzImage: absolute, kernelRelease: z.string().min(1) }),
});

const sshNut = z.strictObject({
  name,
  driver: z.literal('ssh'),
  profile: name,
  modes: z.array(z.enum(MODES)).min(1),
  ssh: z.strictObject({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(22),
    user: z.string().min(1).default('root'),
    privateKey: absolute,
    /** The machine's host key as an OpenSSH public key line (`ssh-ed25519 AAAA...`): pinned. */
    hostKey: z.string().refine((line) => {
      try {
        publicKeyBlob(line);
        return true;
      } catch {
        return false;
      }
    }, 'an OpenSSH public key line (`ssh-ed25519 AAAA...`) whose key matches its type'),
  }),
  remoteDir: absolute.default('/var/tmp/testlab'),
  install: argv,
  oneTimeBoot: z.discriminatedUnion('method', [
    z.strictObject({ method: z.literal('grub-reboot'), entry: argv }),
    z.strictObject({ method: z.literal('kexec'), extraArgs: z.array(z.string()).optional() }),
    z.strictObject({ method: z.literal('command'), command: argv, reboots: z.boolean().default(true) }),
  ]),
  reboot: argv.optional(),
  powerCycle: argv.optional(),
  knownGoodRelease: z.string().min(1),
  rebootDeadlineSeconds: seconds.default(300),
});

/**
 * The mail settings are notify's own (parseMailSettings): validated by it so both apps refuse the same
 * mistakes; its `smtp.port: ...` problems are turned back into zod issues so they get their line too.
 * Without `secret`, mailConfigOf (mail-secret.ts) supplies the lab's own.
 */
const mailSection = z.unknown().transform((value, ctx): MailSettings => {
  try {
    return parseMailSettings(value);
  } catch (error) {
    if (!(error instanceof InvalidConfigError)) throw error;
    for (const problem of error.problems) {
      const colon = problem.indexOf(': ');
      const key = colon > 0 ? problem.slice(0, colon) : '(top)';
      ctx.addIssue({ code: 'custom', message: colon > 0 ? problem.slice(colon + 2) : problem, path: key === '(top)' ? [] : key.split('.') });
    }
    return z.NEVER;
  }
});

/**
 * `store: postgres://testlab@db.lab:5432/testlab` or `store: { url, passwordFile | passwordEnv }`: the lab's
 * database on PostgreSQL (labd on every host, the dashboard and the CLI then share it). Absent: SQLite in
 * `<home>/lab.db`. A password never sits in the config itself.
 */
const storeSection = z
  .union([
    z.string().min(1),
    z.strictObject({
      url: z.string().min(1),
      passwordFile: absolute.optional(),
      passwordEnv: z.string().min(1).optional(),
    }),
  ])
  .transform((value, ctx): StoreLocation => {
    const { url, passwordFile, passwordEnv } = typeof value === 'string' ? { url: value, passwordFile: undefined, passwordEnv: undefined } : value;
    try {
      return postgresLocation(url, { ...(passwordFile !== undefined ? { file: passwordFile } : {}), ...(passwordEnv !== undefined ? { env: passwordEnv } : {}) });
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message, path: typeof value === 'string' ? [] : ['url'] });
      return z.NEVER;
    }
  });

const webSection = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(1).max(65535).default(8080),
  /** Where visitors reach the dashboard (links in feeds and pages); defaults to http://host:port. */
  publicUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** The lab API token (POST /api/runs, /api/subscriptions): a file readable by its owner only. */
  tokenFile: absolute.optional(),
  /** Dashboard processes sharing the port (node's cluster): `auto` for one per core. */
  workers: z.union([z.literal('auto'), z.number().int().min(1).max(64)]).default(1),
});

/**
 * This labd's part in a lab spread over several hosts (one config file for all of them, each host its own
 * `host:`). `all` is one process doing everything (a lab on one machine); `scheduler` plans (watcher, poll,
 * snapshot), sends the mail and queues it for runs the workers finished; `worker` builds (unless `builds:
 * false`) and runs jobs on the NUTs it owns (`nuts`, names from `nuts:`; default all of them).
 */
const hostSection = z.strictObject({
  /** This host's name in the lab (status page, leases, the runs it owns); default: the machine's host name. */
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9.-]{0,62}$/, 'a host name: letters, digits, dots and dashes').optional(),
  role: z.enum(['all', 'scheduler', 'worker']).default('all'),
  builds: z.boolean().default(true),
  nuts: z.array(name).optional(),
  /**
   * A worker on another host than the dashboard: the results service (the dashboard's URL) its built kernels
   * and run files are uploaded to, and kernels built elsewhere are fetched from (with web.tokenFile's token).
   */
  resultsUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** How often this labd tells the lab it is there (the dashboard calls a host silent after 2 minutes). */
  heartbeatSeconds: z.number().int().min(1).max(60).default(30),
});

const diffSection = z.strictObject({
  /** Key releases every run is also compared with, e.g. ['6.1'] for the LTS line's final (parsed here). */
  pinned: z.array(kernelVersionSchema).default([]),
  /** Reruns of a newly failing case (on the NUT that ran it, before its known-good restore) before it counts as a regression. */
  reruns: z.number().int().min(0).max(5).default(0),
});

export const labConfigSchema = z.strictObject({
  /** Database (unless `store` names one), run artifacts, NUT state. */
  home: absolute,
  /** The lab's database on PostgreSQL; without it, SQLite in `<home>/lab.db`. */
  store: storeSection.optional(),
  /** Downloads, trees, built kernels. */
  cache: absolute,
  testsets: z.strictObject({ dir: absolute, run: z.array(name).min(1) }),
  /** The NUT base initramfs (infra/nut-image/build-initramfs.sh), for QEMU NUTs. */
  nutImage: absolute.optional(),
  /** The Debian root file system kselftest sets boot (infra/nut-rootfs/build.sh); default `<cache>/nut-rootfs/rootfs.cpio.gz`. */
  nutRootfs: absolute.optional(),
  /** TAHI sets' tester host: a file in the format of infra/tahi/tester.example.yaml (checked at labd's start). */
  tahi: z.strictObject({ testerFile: absolute }).optional(),
  schedule: z
    .strictObject({ poll: cronExpr.default('*/15 * * * *'), snapshot: cronExpr.default('0 2 * * *'), timezone: z.string().default('UTC') })
    .prefault({}),
  queue: z.strictObject({ leaseSeconds: seconds.default(1800), retryBackoffSeconds: seconds.default(300), idlePollSeconds: seconds.default(30) }).prefault({}),
  watchdog: z.strictObject({ bootDeadlineSeconds: seconds.default(120), caseDeadlineSeconds: seconds.default(300), outOfServiceRetrySeconds: seconds.default(300) }).prefault({}),
  shutdownGraceSeconds: seconds.default(60),
  /** Unpacked trees (1.3-1.6 GB each) kept in the cache, the most recently used; built kernels are all kept. */
  prune: z.strictObject({ keepTrees: z.number().int().min(1).default(6), minIdleHours: z.number().positive().default(6) }).prefault({}),
  profiles: z.record(name, z.strictObject({ baseConfig: z.enum(['tinyconfig', 'defconfig', 'allnoconfig']), labFragment: absolute })),
  nuts: z.array(z.discriminatedUnion('driver', [qemuNut, sshNut])).min(1),
  /** Kernels the lab tests without a watcher (a local tarball, a pinned tag); planned at every poll, queued once. */
  kernels: z
    .array(
      z.strictObject({
        /** Parsed here: a version the lab cannot plan is the config's mistake, named with its line. */
        version: kernelVersionSchema,
        source: z.string().min(1),
        ref: z.string().optional(),
        extraCmdline: z.array(z.string().regex(/^[^\s'"]+$/, 'one word, no quotes')).optional(),
      }),
    )
    .default([]),
  /** What the watcher polls on the poll schedule (packages/watcher's own settings: releases.json, git trees). */
  watch: watchConfig.optional(),
  /** The nightly git snapshot: a repository and branch, described by `git describe` when it is taken. */
  snapshot: z.strictObject({ repo: z.string().min(1), ref: z.string().default('master') }).optional(),
  /**
   * What the lab keeps on disk (packages/retention), applied by every labd to its own home and cache on the
   * schedule, and by `testlab gc`. Without it nothing is removed (unpacked trees are pruned either way).
   */
  retention: z
    .strictObject({
      keepLast: z.number().int().min(1).default(30),
      keepRegressions: z.boolean().default(true),
      keepBaselines: z.boolean().default(true),
      graceDays: z.number().min(0).default(7),
      schedule: cronExpr.default('30 3 * * *'),
    })
    .optional(),
  /** This labd's role and host in a lab on several hosts; default: one process doing everything. */
  host: hostSection.prefault({}),
  /** The dashboard and JSON API (apps/web --config). */
  web: webSection.prefault({}),
  /** Regression emails and subscriptions; without it the lab sends no mail and the dashboard offers no subscribing. */
  mail: mailSection.optional(),
  /** How finished runs are compared with their baselines (packages/diff). */
  diff: diffSection.prefault({}),
  /** Bisecting regressions of kernels from git trees by itself (off unless enabled). */
  bisect: bisectSection.prefault({}),
});

export type LabConfig = z.infer<typeof labConfigSchema>;
export type NutConfig = LabConfig['nuts'][number];

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses and validates config text; `file` is only for messages. */
export function parseLabConfig(text: string, file: string): LabConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const where = (offset: number | undefined) => (offset === undefined ? file : `${file}:${lineCounter.linePos(offset).line}`);
  if (doc.errors.length > 0) throw new ConfigError(file, doc.errors.map((e) => `${where(e.pos[0])}: YAML: ${e.message.split('\n')[0]}`));
  const parsed = labConfigSchema.safeParse(doc.toJS());
  if (parsed.success) {
    checkReferences(parsed.data, doc, where, file);
    return parsed.data;
  }
  const problems = parsed.error.issues.map((issue) => {
    // The deepest node that exists: a missing key is reported at its parent.
    let offset: number | undefined;
    for (let n = issue.path.length; n >= 0 && offset === undefined; n--) {
      const node = doc.getIn(issue.path.slice(0, n) as (string | number)[], true) as { range?: [number, number, number] } | undefined;
      offset = node?.range?.[0];
    }
    const key = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
    const extra = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
    return `${where(offset)}: ${key}: ${issue.message}${extra}`;
  });
  throw new ConfigError(file, problems);
}

/** What zod cannot see: names that must be unique, profiles that must exist. */
function checkReferences(config: LabConfig, doc: ReturnType<typeof parseDocument>, where: (o: number | undefined) => string, file: string): void {
  const problems: string[] = [];
  const at = (p: (string | number)[]) => where((doc.getIn(p, true) as { range?: [number] } | undefined)?.range?.[0]);
  const seen = new Set<string>();
  config.nuts.forEach((nut, i) => {
    if (seen.has(nut.name)) problems.push(`${at(['nuts', i, 'name'])}: nuts.${i}.name: ${nut.name} is used twice`);
    seen.add(nut.name);
    if (!(nut.profile in config.profiles)) problems.push(`${at(['nuts', i, 'profile'])}: nuts.${i}.profile: no profile ${nut.profile} under profiles`);
  });
  if (config.nuts.some((n) => n.driver === 'qemu') && config.nutImage === undefined) problems.push(`${file}: nutImage: required when a NUT uses the qemu driver`);
  config.host.nuts?.forEach((n, i) => {
    if (!seen.has(n)) problems.push(`${at(['host', 'nuts', i])}: host.nuts.${i}: no NUT ${n} under nuts`);
  });
  if (config.host.resultsUrl !== undefined && config.web.tokenFile === undefined) {
    problems.push(`${at(['host', 'resultsUrl'])}: host.resultsUrl: needs web.tokenFile (the lab token the uploads carry)`);
  }
  if (config.host.role === 'worker' && config.store === undefined) {
    problems.push(`${at(['host', 'role'])}: host.role: a worker shares the lab's database with the scheduler: set store (postgres://...)`);
  }
  config.bisect.testsets?.forEach((set, i) => {
    if (!config.testsets.run.includes(set)) problems.push(`${at(['bisect', 'testsets', i])}: bisect.testsets.${i}: ${set} is not a configured test set (testsets.run)`);
  });
  if (problems.length > 0) throw new ConfigError(file, problems);
}

/** Where the lab's database is: the config's `store`, else SQLite in `<home>/lab.db`. */
export function labStoreLocation(config: Pick<LabConfig, 'home' | 'store'>): StoreLocation {
  return config.store ?? { backend: 'sqlite', file: path.join(config.home, 'lab.db') };
}

export async function loadLabConfig(file: string): Promise<LabConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(file, [`cannot read: ${(error as Error).message}`]);
  }
  const config = parseLabConfig(text, file);
  // The file may hold what the lab must keep to itself: then only its owner may read it (as the token file).
  const secrets = [...(config.mail?.smtp.auth ? ['the SMTP password'] : []), ...(config.mail?.secret !== undefined ? ['the mail secret'] : [])];
  const { mode } = await stat(file);
  if (secrets.length > 0 && (mode & 0o077) !== 0) {
    throw new ConfigError(file, [`holds ${secrets.join(' and ')} but group or others can read it (mode ${(mode & 0o777).toString(8)}): chmod 600 it`]);
  }
  return config;
}
