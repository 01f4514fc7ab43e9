// Talking to a running lab over its HTTP API (`--lab URL`): reads are open like the dashboard; anything
// that changes the lab sends the lab token, from TESTLAB_TOKEN or a file (--token-file).
import { readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import type { ResultLine, RunSummary, StageRecord, StoredArtifact, StoredDiff } from '@testlab/core';
import { writeArtifacts, writeRunTables } from './show.js';

/** Exit codes of the commands that talk to a lab; documented in `testlab --help` output of each command. */
export const EXIT = {
  ok: 0,
  /** The lab could not do it, or could not be reached. */
  labFailed: 1,
  /** The request was wrong (bad arguments, refused by the API as invalid). */
  usage: 2,
  notFound: 3,
  /** No token, or the lab refused it. */
  auth: 4,
  /** `diff`: the second run regressed against the first. */
  regressions: 5,
} as const;

export class RemoteError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    /** The API's list of what was wrong with the request, when it gave one. */
    readonly problems: string[] = [],
  ) {
    super(message);
    this.name = 'RemoteError';
  }
}

export interface LabOptions {
  lab?: string;
  tokenFile?: string;
}

/** Adds --lab (default $TESTLAB_LAB) and --token-file to a command; `orLocal`: without either it reads the local store. */
export function withLabOptions(command: Command, orLocal = false): Command {
  return command
    .option('--lab <url>', `base URL of the running lab (default: $TESTLAB_LAB${orLocal ? '; neither: the local store' : ''})`)
    .option('--token-file <path>', 'file holding the lab API token (default: $TESTLAB_TOKEN)');
}

export class LabClient {
  readonly base: string;

  constructor(
    lab: string,
    private readonly token: () => string,
  ) {
    let url: URL;
    try {
      url = new URL(lab);
    } catch {
      throw new RemoteError(`--lab must be an http(s) URL, got ${JSON.stringify(lab.slice(0, 100))}`, EXIT.usage);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RemoteError(`--lab must be an http(s) URL, got ${url.protocol}`, EXIT.usage);
    if (url.username || url.password) throw new RemoteError('--lab must not carry credentials; use TESTLAB_TOKEN or --token-file', EXIT.usage);
    this.base = url.href.replace(/\/+$/, '');
  }

  get<T>(path: string): Promise<T> {
    return this.#request<T>('GET', path);
  }

  /** Sends the token: every API that changes the lab requires it. `timeoutMs` for a request the lab works on a while (default 60 s). */
  post<T>(path: string, body: unknown, timeoutMs?: number): Promise<T> {
    return this.#request<T>('POST', path, body, this.token(), timeoutMs);
  }

  async #request<T>(method: string, path: string, body?: unknown, token?: string, timeoutMs = 60_000): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        redirect: 'error',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new RemoteError(`cannot reach the lab at ${this.base}: ${cause?.code ?? cause?.message ?? (e as Error).message}`, EXIT.labFailed);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      throw new RemoteError(`${this.base}${path} answered ${res.status} with something that is not JSON: is --lab the lab's address?`, EXIT.labFailed);
    }
    if (res.ok) return json as T;
    const answer = (json ?? {}) as { error?: unknown; problems?: unknown };
    const why = typeof answer.error === 'string' ? answer.error : `HTTP ${res.status}`;
    const problems = Array.isArray(answer.problems) ? answer.problems.filter((p): p is string => typeof p === 'string') : [];
    // 409: the request conflicts with what the lab holds (another bisection of the range): the asker's to change.
    const code = res.status === 400 || res.status === 409 ? EXIT.usage : res.status === 401 || res.status === 403 ? EXIT.auth : res.status === 404 ? EXIT.notFound : EXIT.labFailed;
    throw new RemoteError(`the lab refused: ${why}`, code, problems);
  }
}

/** Whether --lab or $TESTLAB_LAB names a lab (the read commands use the local store when neither does). */
export function labGiven(opts: LabOptions, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(opts.lab ?? env.TESTLAB_LAB);
}

/** The lab client from --lab / $TESTLAB_LAB; the token is read only when a request needs it. */
export function labClient(opts: LabOptions, env: NodeJS.ProcessEnv = process.env): LabClient {
  const lab = opts.lab ?? env.TESTLAB_LAB;
  if (!lab) throw new RemoteError('which lab? give --lab URL or set TESTLAB_LAB', EXIT.usage);
  return new LabClient(lab, () => readToken(opts.tokenFile, env));
}

function readToken(file: string | undefined, env: NodeJS.ProcessEnv): string {
  if (file) {
    let text: string;
    try {
      // A token readable by other users is a token others can use: refuse it as ssh refuses such keys.
      if ((statSync(file).mode & 0o077) !== 0) {
        throw new RemoteError(`token file ${file} is readable by other users; chmod 600 it`, EXIT.auth);
      }
      text = readFileSync(file, 'utf8');
    } catch (e) {
      if (e instanceof RemoteError) throw e;
      throw new RemoteError(`cannot read token file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, EXIT.auth);
    }
    const token = text.trim();
    if (!token) throw new RemoteError(`token file ${file} is empty`, EXIT.auth);
    return token;
  }
  const token = env.TESTLAB_TOKEN?.trim();
  if (!token) throw new RemoteError('this needs the lab token: set TESTLAB_TOKEN or give --token-file', EXIT.auth);
  return token;
}

/** Runs a remote command body: RemoteErrors become a message on stderr and their exit code. */
export async function remote(body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (!(e instanceof RemoteError)) throw e;
    process.stderr.write(`testlab: ${e.message}\n`);
    for (const p of e.problems) process.stderr.write(`  ${p}\n`);
    return e.exitCode;
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** `testlab run --lab URL`: queue the run on that lab instead of running it here. */
export async function remoteRunCommand(opts: LabOptions & { source: string; ref?: string; testset: string; version?: string; json?: boolean; cmdline?: string[]; sysctl?: string[]; bootDeadline?: number; reruns?: number }): Promise<number> {
  return remote(async () => {
    if (opts.cmdline || opts.sysctl || opts.bootDeadline !== undefined || opts.reruns !== undefined) {
      // A lab reruns as its own config says (diff.reruns).
      throw new RemoteError('--cmdline, --sysctl, --boot-deadline and --reruns apply to a local run only, not with --lab', EXIT.usage);
    }
    const queued = await labClient(opts).post<{ jobId: number; created: boolean; runId?: number }>('/api/runs', {
      source: opts.source,
      ...(opts.ref ? { ref: opts.ref } : {}),
      testset: opts.testset,
      // Without it the lab reads the version from the ref, the file name or a tarball's Makefile.
      ...(opts.version ? { version: opts.version } : {}),
    });
    if (opts.json) printJson(queued);
    else process.stdout.write(`${queued.created ? 'queued' : 'already queued'}: job ${queued.jobId}${queued.runId ? `, run ${queued.runId}` : ''}\n`);
    return EXIT.ok;
  });
}

/** `testlab show <run> --lab URL`: the run as the lab's API has it (results, diffs against its baselines). */
export async function remoteShowCommand(idText: string, opts: LabOptions & { json?: boolean; artifacts?: boolean }): Promise<number> {
  return remote(async () => {
    if (!/^[1-9][0-9]{0,9}$/.test(idText)) throw new RemoteError(`run id must be a positive number, got ${JSON.stringify(idText.slice(0, 40))}`, EXIT.usage);
    const client = labClient(opts);
    const [detail, results] = await Promise.all([
      client.get<{ run: RunSummary & { regressions: number | null }; stages: StageRecord[]; diffs: StoredDiff[]; artifacts: (StoredArtifact & { url: string })[] }>(`/api/runs/${idText}`),
      client.get<ResultLine[]>(`/api/runs/${idText}/results`),
    ]);
    if (opts.json) {
      printJson({ ...detail, results });
      return EXIT.ok;
    }
    const { run, stages, diffs, artifacts } = detail;
    const w = writeRunTables(run, stages, results);
    for (const d of diffs) {
      const counts = Object.entries(d.counts).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`);
      w(`\nagainst ${d.baselineKernel} (run ${d.baselineRunId}, ${d.roles.join(', ')}): ${counts.join(', ') || 'no difference'}`);
    }
    writeArtifacts(w, run.id, artifacts.map((a) => ({ kind: a.kind, where: `${client.base}${a.url}` })), opts.artifacts === true, undefined);
    return EXIT.ok;
  });
}
