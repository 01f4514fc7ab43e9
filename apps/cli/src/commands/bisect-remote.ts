// `testlab bisect --lab URL ...`: the bisection is asked of a running lab (POST /api/bisections with the lab
// token), which checks the request as `testlab bisect` here does (bisect's startBisection) and queues it for
// one of its NUTs. This then follows it through GET /api/bisections/:id every few seconds, telling each step
// as it starts and ends, and at the end prints what the local command prints, with its exit codes. Ctrl-C
// stops the following only: the bisection is the lab's, and the same command follows it again.
import { ENDED_BISECTION_STATUSES, estimatedSteps, type BisectionRecord, type BisectionStep } from '@testlab/core';
import { searchState } from '@testlab/bisect';
import { requestOf, type BisectOptions } from './bisect-request.js';
import { formatDuration } from '../format.js';
import { printBisection, stepLine } from './bisect-report.js';
import { EXIT, labClient, printJson, remote, RemoteError, type LabClient } from './remote.js';

/** POST /api/bisections's answer. */
interface Started {
  bisection: BisectionRecord;
  created: boolean;
  url: string;
  job: { id: number; created: boolean } | null;
}

/** GET /api/bisections/:id's answer. */
interface Seen {
  bisection: BisectionRecord;
  estimatedSteps: number | null;
  elapsedMs: number | null;
  steps: BisectionStep[];
}

/** The lab may fetch the tree inside the request, or clone it the first time it sees it (git's stall limit is 5 min). */
const START_TIMEOUT_MS = 30 * 60_000;
/** A dashboard restarting is not the end of a bisection: readings may fail this long before the command gives up. */
const UNANSWERED_MS = 2 * 60_000;

export interface FollowClock {
  sleep(ms: number): Promise<void>;
  now(): number;
}

const realClock: FollowClock = { sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)), now: () => Date.now() };

/** 0: the bisection ended found or inconclusive; 1: it failed (the lab's trouble) or the lab could not be read; 2: refused. */
export async function remoteBisectCommand(opts: BisectOptions, clock: FollowClock = realClock): Promise<number> {
  return remote(async () => {
    const client = labClient(opts);
    const started = await client.post<Started>('/api/bisections', requestOf(opts), START_TIMEOUT_MS);
    const b = started.bisection;
    const say = sayer(b.id);
    say(`${started.created ? 'started' : 'already asked for'} on ${client.base}: ${started.url}`);
    say(`${b.cases.join(', ')} on ${b.testset}@${b.profile}: ${b.commitsInRange ?? '?'} commits from ${b.good.commit.slice(0, 12)} to ${b.bad.commit.slice(0, 12)}, about ${estimatedSteps(b.commitsInRange ?? 0)} steps`);
    const end = await follow(client, started, (opts.poll ?? 5) * 1000, clock);
    if (opts.json) printJson({ bisection: end.bisection, steps: end.steps });
    else printBisection(end.bisection, end.steps);
    if (end.bisection.status !== 'failed') return EXIT.ok;
    process.stderr.write(`testlab bisect: the lab failed: ${end.bisection.reason ?? 'no reason given'}\n`);
    return EXIT.labFailed;
  });
}

/** Reads the bisection until it ends, telling what changed since the last reading. */
async function follow(client: LabClient, started: Started, pollMs: number, clock: FollowClock): Promise<Seen> {
  const id = started.bisection.id;
  const told = new Set<string>();
  let status: string | undefined;
  let answeredAt = clock.now();
  for (;;) {
    let seen: Seen;
    try {
      seen = await client.get<Seen>(`/api/bisections/${id}`);
      answeredAt = clock.now();
    } catch (error) {
      // Only an unreachable or failing lab is waited out; a refusal (404, 401) will not mend.
      if (!(error instanceof RemoteError) || error.exitCode !== EXIT.labFailed || clock.now() - answeredAt > UNANSWERED_MS) throw error;
      sayer(id)(`${error.message}; trying again`);
      await clock.sleep(pollMs);
      continue;
    }
    const { bisection, steps } = seen;
    const say = sayer(id, seen.elapsedMs);
    if (bisection.status !== status) {
      status = bisection.status;
      if (status === 'queued') say(`queued: waiting for a NUT of profile ${bisection.profile} on a lab host that builds`);
      if (status === 'running') say('running');
    }
    // The range's size is stored when a worker starts it; until then, the size the lab checked.
    const estimate = seen.estimatedSteps ?? estimatedSteps(bisection.commitsInRange ?? started.bisection.commitsInRange ?? 0);
    const left = Math.max(0, estimate - searchState(bisection, steps).searchSteps);
    for (const step of steps) {
      if (!told.has(`${step.n}:begun`)) {
        told.add(`${step.n}:begun`);
        if (step.outcome === null) say(`step ${step.n}: ${step.role} ${step.commit.slice(0, 12)} started`);
      }
      if (step.outcome !== null && !told.has(`${step.n}:ended`)) {
        told.add(`${step.n}:ended`);
        say(`${stepLine(step)}; ${step.role === 'search' ? `about ${left} search steps left` : 'proving the culprit'}`);
      }
    }
    if (ENDED_BISECTION_STATUSES.includes(bisection.status)) return seen;
    await clock.sleep(pollMs);
  }
}

/** Progress goes to stderr, as the local command's: stdout holds only the result. */
function sayer(id: number, elapsedMs?: number | null): (text: string) => void {
  const when = elapsedMs === undefined || elapsedMs === null ? '' : ` ${formatDuration(elapsedMs)}`;
  return (text) => void process.stderr.write(`[bisect ${id}${when}] ${text}\n`);
}
