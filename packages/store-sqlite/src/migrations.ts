// The schema, as an append-only history. A database records which versions it has applied
// (schema_migrations), so a shipped migration must never be edited: add a new one instead.
//
// The CHECK lists spell out verdicts, stages and statuses literally rather than building them from
// @testlab/core's constants: a migration is frozen text, and generating it would silently give new
// databases a different schema than old ones. test/schema.test.ts checks the lists still match core.

export interface Migration {
  /** Strictly increasing, starting at 1. */
  version: number;
  name: string;
  sql: string;
}

const initial = `
CREATE TABLE kernels (
  id            INTEGER PRIMARY KEY,
  version       TEXT NOT NULL CHECK (version <> ''),
  -- final, rc, stable, next, snapshot today; left open because core types it as a plain string.
  kind          TEXT NOT NULL,
  source_label  TEXT NOT NULL,
  source_hash   TEXT NOT NULL CHECK (source_hash <> ''),
  created_at    TEXT NOT NULL,
  UNIQUE (version, source_hash)
);

CREATE TABLE builds (
  id              INTEGER PRIMARY KEY,
  kernel_id       INTEGER NOT NULL REFERENCES kernels (id),
  cache_key       TEXT NOT NULL,
  kernel_release  TEXT NOT NULL,
  from_cache      INTEGER NOT NULL CHECK (from_cache IN (0, 1)),
  created_at      TEXT NOT NULL
);
CREATE INDEX builds_by_kernel ON builds (kernel_id);

-- One run: a kernel x a test set x a NUT. kernel/build stay NULL until the kernel is identified
-- (a run can fail while unpacking, before anything is known about it).
CREATE TABLE runs (
  id            INTEGER PRIMARY KEY,
  kernel_id     INTEGER REFERENCES kernels (id),
  build_id      INTEGER REFERENCES builds (id),
  testset       TEXT NOT NULL,
  nut           TEXT NOT NULL,
  status        TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed', 'unfinished')),
  failed_stage  TEXT CHECK (failed_stage IN ('unpack', 'configure', 'build', 'boot', 'test')),
  error         TEXT,
  source_label  TEXT NOT NULL,
  started_at    TEXT NOT NULL,
  finished_at   TEXT,
  owner_pid     INTEGER,
  -- A failed run always names its stage, and only a failed run does.
  CHECK ((status = 'failed') = (failed_stage IS NOT NULL)),
  -- done/failed have an end time; a running run has none. unfinished: the owner died at an unknown time.
  CHECK (status NOT IN ('done', 'failed') OR finished_at IS NOT NULL),
  CHECK (status <> 'running' OR (finished_at IS NULL AND owner_pid IS NOT NULL))
);
-- Ascending on purpose: scanned backwards it yields (started_at DESC, id DESC), the listRuns order,
-- without a sort. A DESC index would yield (started_at DESC, id ASC) and need one for ties.
CREATE INDEX runs_by_started_at ON runs (started_at);
-- The orphan scan at start-up only looks at running runs, a handful among thousands.
CREATE INDEX runs_running ON runs (status) WHERE status = 'running';

CREATE TABLE stages (
  id           INTEGER PRIMARY KEY,
  run_id       INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  stage        TEXT NOT NULL CHECK (stage IN ('unpack', 'configure', 'build', 'boot', 'test')),
  status       TEXT NOT NULL CHECK (status IN ('running', 'done', 'cached', 'failed', 'unfinished')),
  started_at   TEXT NOT NULL,
  finished_at  TEXT,
  duration_ms  INTEGER CHECK (duration_ms >= 0),
  log_path     TEXT,
  detail       TEXT,
  UNIQUE (run_id, stage)
);

CREATE TABLE results (
  id           INTEGER PRIMARY KEY,
  run_id       INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  case_id      TEXT NOT NULL CHECK (case_id <> ''),
  title        TEXT NOT NULL,
  verdict      TEXT NOT NULL CHECK (verdict IN ('PASS', 'FAIL', 'WARN', 'NA', 'ERROR')),
  reason       TEXT NOT NULL,
  -- REAL: callers time cases with performance.now(), which is fractional.
  duration_ms  REAL NOT NULL CHECK (duration_ms >= 0),
  log          TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  UNIQUE (run_id, case_id)
);
-- (run_id) carries the rowid, so "results of a run in insertion order" is an index range, no sort.
CREATE INDEX results_by_run ON results (run_id);

-- One capture file per link the case used; position keeps the order the caller gave.
CREATE TABLE result_pcaps (
  result_id  INTEGER NOT NULL REFERENCES results (id) ON DELETE CASCADE,
  position   INTEGER NOT NULL CHECK (position >= 0),
  path       TEXT NOT NULL CHECK (path <> ''),
  PRIMARY KEY (result_id, position)
) WITHOUT ROWID;

CREATE TABLE artifacts (
  id          INTEGER PRIMARY KEY,
  run_id      INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  kind        TEXT NOT NULL,
  path        TEXT NOT NULL CHECK (path <> ''),
  size_bytes  INTEGER NOT NULL CHECK (size_bytes >= 0),
  created_at  TEXT NOT NULL
);
CREATE INDEX artifacts_by_run ON artifacts (run_id);
`;

// Version 2 (issue 4, nightly lab): the job queue (packages/core/src/queue.ts). One row per job; a lease
// is (lease_owner, lease_expires_at). Group, requirement and prerequisite are columns because the lease
// query filters on them.
const jobQueue = `
CREATE TABLE jobs (
  id                INTEGER PRIMARY KEY,
  kind              TEXT NOT NULL CHECK (kind IN ('build', 'run')),
  key               TEXT NOT NULL UNIQUE CHECK (key <> ''),
  priority          INTEGER NOT NULL,
  payload           TEXT NOT NULL CHECK (json_type(payload) = 'object'),
  grp               TEXT NOT NULL,
  after_key         TEXT,
  req_profile       TEXT,
  req_mode          TEXT,
  status            TEXT NOT NULL CHECK (status IN ('queued', 'leased', 'done', 'failed')),
  attempts          INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  max_attempts      INTEGER NOT NULL CHECK (max_attempts >= 1),
  not_before        TEXT NOT NULL,
  lease_owner       TEXT,
  lease_expires_at  TEXT,
  nut               TEXT,
  progress          TEXT NOT NULL DEFAULT '{}' CHECK (json_type(progress) = 'object'),
  result            TEXT CHECK (result IS NULL OR json_type(result) = 'object'),
  error             TEXT,
  failure_owner     TEXT CHECK (failure_owner IN ('kernel', 'lab')),
  created_at        TEXT NOT NULL,
  updated_at        TEXT NOT NULL,
  -- Only a leased job has a lease, and a lease always has an owner and an expiry.
  CHECK ((status = 'leased') = (lease_owner IS NOT NULL)),
  CHECK ((lease_owner IS NULL) = (lease_expires_at IS NULL)),
  CHECK (status <> 'done' OR result IS NOT NULL),
  CHECK (status <> 'failed' OR (error IS NOT NULL AND failure_owner IS NOT NULL)),
  CHECK ((req_profile IS NULL) = (req_mode IS NULL))
);
-- One NUT never runs two jobs at once: the database refuses it, whatever the workers believe.
CREATE UNIQUE INDEX jobs_one_per_nut ON jobs (nut) WHERE status = 'leased' AND nut IS NOT NULL;
-- The lease scan reads queued jobs in priority order.
CREATE INDEX jobs_waiting ON jobs (priority, id) WHERE status = 'queued';
CREATE INDEX jobs_by_after ON jobs (after_key) WHERE after_key IS NOT NULL;
`;

// Version 4 (issue 5, results service): subscriptions with their daily-digest backlog, and the mail outbox.
// Lists (streams, test sets) are JSON arrays: they are only ever read whole, never queried by element.
const subscriptionsAndOutbox = `
CREATE TABLE subscriptions (
  id               INTEGER PRIMARY KEY,
  email            TEXT NOT NULL CHECK (email <> '' AND email = lower(email)),
  streams          TEXT NOT NULL CHECK (json_type(streams) = 'array'),
  testsets         TEXT NOT NULL CHECK (json_type(testsets) = 'array'),
  case_prefix      TEXT NOT NULL,
  scope            TEXT NOT NULL CHECK (scope IN ('regressions', 'every-run')),
  cadence          TEXT NOT NULL CHECK (cadence IN ('immediate', 'daily')),
  status           TEXT NOT NULL CHECK (status IN ('pending', 'active', 'unsubscribed')),
  created_at       TEXT NOT NULL,
  confirmed_at     TEXT,
  unsubscribed_at  TEXT,
  CHECK (status <> 'active' OR confirmed_at IS NOT NULL),
  CHECK ((status = 'unsubscribed') = (unsubscribed_at IS NOT NULL))
);
-- Every finished run asks for the active ones: a few among many pending or gone.
CREATE INDEX subscriptions_active ON subscriptions (id) WHERE status = 'active';

-- Runs owed to a daily-digest subscriber. The payload is self-contained (no REFERENCES runs): the digest
-- says what the subscriber was told about, even if the run is pruned before the digest goes out.
CREATE TABLE digest_entries (
  id               INTEGER PRIMARY KEY,
  subscription_id  INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
  day              TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  run_id           INTEGER NOT NULL,
  payload          TEXT NOT NULL CHECK (json_valid(payload)),
  created_at       TEXT NOT NULL,
  digested_at      TEXT,
  UNIQUE (subscription_id, run_id)
);
CREATE INDEX digest_entries_due ON digest_entries (day) WHERE digested_at IS NULL;

-- Emails waiting to leave. The Message-ID is fixed at enqueue time, before any attempt: a sender that dies
-- between SMTP's 250 and marking the row sent leaves it 'sending' with a lease that runs out, and whoever
-- claims it next resends the same Message-ID, which lets the receiving side see a duplicate for what it is.
CREATE TABLE outbox (
  id               INTEGER PRIMARY KEY,
  dedupe_key       TEXT NOT NULL UNIQUE CHECK (dedupe_key <> ''),
  message_id       TEXT NOT NULL UNIQUE CHECK (message_id GLOB '<?*@?*>'),
  recipient        TEXT NOT NULL CHECK (recipient <> ''),
  subject          TEXT NOT NULL,
  text_body        TEXT NOT NULL,
  html_body        TEXT NOT NULL,
  headers          TEXT NOT NULL CHECK (json_type(headers) = 'object'),
  status           TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'dead')),
  attempts         INTEGER NOT NULL CHECK (attempts >= 0),
  next_attempt_at  TEXT NOT NULL,
  lease_owner      TEXT,
  lease_until      TEXT,
  last_error       TEXT,
  created_at       TEXT NOT NULL,
  sent_at          TEXT,
  CHECK ((status = 'sending') = (lease_owner IS NOT NULL AND lease_until IS NOT NULL)),
  CHECK ((status = 'sent') = (sent_at IS NOT NULL))
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_leased ON outbox (lease_until) WHERE status = 'sending';
`;

// Results service: each run's diffs against its baselines, computed once when the run finished, and the
// indexes the dashboard needs to answer within 50 ms on a year of nightly history.
const resultsService = `
-- One row per (run, baseline run). roles: comma-separated baseline roles; counts: JSON per diff class.
CREATE TABLE run_diffs (
  id               INTEGER PRIMARY KEY,
  run_id           INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  baseline_run_id  INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  position         INTEGER NOT NULL CHECK (position >= 0),
  roles            TEXT NOT NULL CHECK (roles <> ''),
  wanted           TEXT,
  counts           TEXT NOT NULL,
  UNIQUE (run_id, baseline_run_id),
  CHECK (run_id <> baseline_run_id)
);
CREATE INDEX run_diffs_by_baseline ON run_diffs (baseline_run_id);

CREATE TABLE diff_entries (
  diff_id     INTEGER NOT NULL REFERENCES run_diffs (id) ON DELETE CASCADE,
  position    INTEGER NOT NULL CHECK (position >= 0),
  case_id     TEXT NOT NULL CHECK (case_id <> ''),
  title       TEXT NOT NULL,
  class       TEXT NOT NULL CHECK (class IN ('regression', 'fix', 'new', 'removed', 'still-failing', 'flaky', 'changed')),
  before      TEXT CHECK (before IN ('PASS', 'FAIL', 'WARN', 'NA', 'ERROR')),
  after       TEXT CHECK (after IN ('PASS', 'FAIL', 'WARN', 'NA', 'ERROR')),
  fail_count  INTEGER CHECK (fail_count >= 0),
  run_count   INTEGER CHECK (run_count >= 1 AND run_count >= fail_count),
  PRIMARY KEY (diff_id, position),
  CHECK (before IS NOT NULL OR after IS NOT NULL),
  CHECK ((fail_count IS NULL) = (run_count IS NULL))
) WITHOUT ROWID;
-- The feed and "changed only" look regressions up by case within a run's diffs.
CREATE INDEX diff_entries_by_class ON diff_entries (class, diff_id);

-- For each failing case of a run, the run where its current failing streak began (maybe the run itself).
CREATE TABLE failing_since (
  run_id        INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  case_id       TEXT NOT NULL,
  since_run_id  INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  PRIMARY KEY (run_id, case_id)
) WITHOUT ROWID;
CREATE INDEX failing_since_by_since ON failing_since (since_run_id);

-- Per-run figures stored with the diffs, so the matrix never counts 1.5 million results.
-- n_regression / n_fix: against the most specific baseline; n_regression_any: distinct cases, any baseline.
CREATE TABLE run_totals (
  run_id            INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
  n_pass            INTEGER NOT NULL,
  n_fail            INTEGER NOT NULL,
  n_warn            INTEGER NOT NULL,
  n_na              INTEGER NOT NULL,
  n_error           INTEGER NOT NULL,
  n_regression      INTEGER NOT NULL,
  n_regression_any  INTEGER NOT NULL,
  n_fix             INTEGER NOT NULL,
  n_flaky           INTEGER NOT NULL,
  computed_at       TEXT NOT NULL
);

-- Test history: one case across every run; covering, so the verdicts come from the index alone.
CREATE INDEX results_by_case ON results (case_id, run_id, verdict);
-- Baseline candidates and prior runs: the runs of one test set on one NUT kind, in start order.
CREATE INDEX runs_by_stream ON runs (testset, nut, started_at);
-- The matrix: the runs of the newest kernels.
CREATE INDEX runs_by_kernel ON runs (kernel_id, started_at);
-- The Atom feed: finished runs, newest first.
CREATE INDEX runs_by_finished_at ON runs (finished_at) WHERE finished_at IS NOT NULL;
`;

// Version 5: what a run tested besides its build (core's runSetupDigest), so a lab can tell that a kernel
// build, test set and NUT kind already has a finished run (LabStore.doneRunLike) and not run it again.
// Older runs keep NULL: they are never taken as the same experiment.
const runSetup = `
ALTER TABLE runs ADD COLUMN setup_digest TEXT;
CREATE INDEX builds_by_cache_key ON builds (cache_key);
CREATE INDEX runs_by_build ON runs (build_id) WHERE build_id IS NOT NULL;
`;

// Version 6 (issue 15): bisections, one per range of a tree and test set (key), and their steps with every
// attempt's verdicts: a lab process killed mid-way resumes at the step it was at, and a reader can check each
// conclusion against what was tested. Runs are never deleted, so a bisection and its steps reference theirs.
const bisections = `
CREATE TABLE bisections (
  id                INTEGER PRIMARY KEY,
  key               TEXT NOT NULL UNIQUE CHECK (key <> ''),
  tree              TEXT NOT NULL CHECK (tree <> ''),
  good_commit       TEXT NOT NULL CHECK (length(good_commit) IN (40, 64)),
  good_run_id       INTEGER REFERENCES runs (id),
  bad_commit        TEXT NOT NULL CHECK (length(bad_commit) IN (40, 64)),
  bad_run_id        INTEGER REFERENCES runs (id),
  testset           TEXT NOT NULL CHECK (testset <> ''),
  profile           TEXT NOT NULL CHECK (profile <> ''),
  cases             TEXT NOT NULL CHECK (json_type(cases) = 'array'),
  confirm_runs      INTEGER NOT NULL CHECK (confirm_runs >= 1),
  max_steps         INTEGER NOT NULL CHECK (max_steps >= 1),
  requested_by      TEXT NOT NULL CHECK (requested_by <> ''),
  status            TEXT NOT NULL CHECK (status IN ('queued', 'running', 'found', 'inconclusive', 'failed')),
  commits_in_range  INTEGER CHECK (commits_in_range >= 0),
  culprit_commit    TEXT CHECK (length(culprit_commit) IN (40, 64)),
  culprit_subject   TEXT,
  culprit_author    TEXT,
  reason            TEXT,
  created_at        TEXT NOT NULL,
  started_at        TEXT,
  ended_at          TEXT,
  -- A culprit is named whole, and only by a bisection that found one.
  CHECK ((status = 'found') = (culprit_commit IS NOT NULL)),
  CHECK ((culprit_commit IS NULL) = (culprit_subject IS NULL) AND (culprit_commit IS NULL) = (culprit_author IS NULL)),
  CHECK ((status IN ('found', 'inconclusive', 'failed')) = (ended_at IS NOT NULL)),
  CHECK (status <> 'running' OR started_at IS NOT NULL)
);
-- The run page asks which bisections a run started or ended.
CREATE INDEX bisections_by_good_run ON bisections (good_run_id) WHERE good_run_id IS NOT NULL;
CREATE INDEX bisections_by_bad_run ON bisections (bad_run_id) WHERE bad_run_id IS NOT NULL;
CREATE INDEX bisections_by_status ON bisections (status, id);

-- attempts: one JSON object per attempt, case id -> verdict, in the order they were recorded; logs: paths.
CREATE TABLE bisection_steps (
  bisection_id   INTEGER NOT NULL REFERENCES bisections (id) ON DELETE CASCADE,
  n              INTEGER NOT NULL CHECK (n >= 1),
  role           TEXT NOT NULL CHECK (role IN ('search', 'culprit', 'parent', 'revert')),
  tested_commit  TEXT NOT NULL CHECK (length(tested_commit) IN (40, 64)),
  attempts       TEXT NOT NULL CHECK (json_type(attempts) = 'array'),
  outcome        TEXT CHECK (outcome IN ('good', 'bad', 'skip', 'disagree')),
  reason         TEXT,
  build_ms       REAL CHECK (build_ms >= 0),
  boot_ms        REAL CHECK (boot_ms >= 0),
  test_ms        REAL CHECK (test_ms >= 0),
  run_id         INTEGER REFERENCES runs (id),
  logs           TEXT NOT NULL CHECK (json_type(logs) = 'array'),
  started_at     TEXT NOT NULL,
  ended_at       TEXT,
  PRIMARY KEY (bisection_id, n),
  CHECK ((outcome IS NULL) = (ended_at IS NULL))
) WITHOUT ROWID;
-- One step at a time: a second unfinished step is refused, whatever two workers believe.
CREATE UNIQUE INDEX bisection_steps_one_open ON bisection_steps (bisection_id) WHERE ended_at IS NULL;
`;

// Version 7 (issue 16, a lab on several hosts): each labd announces itself (roles, NUTs, heartbeat), and a run
// names the host whose process owns it, so that a pid is only ever judged on the host it belongs to.
const hosts = `
ALTER TABLE runs ADD COLUMN owner_host TEXT;
CREATE TABLE lab_hosts (
  name          TEXT PRIMARY KEY CHECK (name <> ''),
  roles         TEXT NOT NULL CHECK (json_type(roles) = 'array'),
  builds        INTEGER NOT NULL CHECK (builds IN (0, 1)),
  nuts          TEXT NOT NULL CHECK (json_type(nuts) = 'array'),
  owner         TEXT NOT NULL CHECK (owner <> ''),
  started_at    TEXT NOT NULL,
  last_seen_at  TEXT NOT NULL,
  left_at       TEXT
);
`;

// Version 8 (issue 15): a job may be a bisection (`bisect`). SQLite cannot change a CHECK in place: the table
// is made again with the same columns in the same order, its rows copied, and its indexes made again.
const bisectJobs = `
CREATE TABLE jobs_with_bisect (
  id                INTEGER PRIMARY KEY,
  kind              TEXT NOT NULL CHECK (kind IN ('build', 'run', 'bisect')),
  key               TEXT NOT NULL UNIQUE CHECK (key <> ''),
  priority          INTEGER NOT NULL,
  payload           TEXT NOT NULL CHECK (json_type(payload) = 'object'),
  grp               TEXT NOT NULL,
  after_key         TEXT,
  req_profile       TEXT,
  req_mode          TEXT,
  status            TEXT NOT NULL CHECK (status IN ('queued', 'leased', 'done', 'failed')),
  attempts          INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  max_attempts      INTEGER NOT NULL CHECK (max_attempts >= 1),
  not_before        TEXT NOT NULL,
  lease_owner       TEXT,
  lease_expires_at  TEXT,
  nut               TEXT,
  progress          TEXT NOT NULL DEFAULT '{}' CHECK (json_type(progress) = 'object'),
  result            TEXT CHECK (result IS NULL OR json_type(result) = 'object'),
  error             TEXT,
  failure_owner     TEXT CHECK (failure_owner IN ('kernel', 'lab')),
  created_at        TEXT NOT NULL,
  updated_at        TEXT NOT NULL,
  -- Only a leased job has a lease, and a lease always has an owner and an expiry.
  CHECK ((status = 'leased') = (lease_owner IS NOT NULL)),
  CHECK ((lease_owner IS NULL) = (lease_expires_at IS NULL)),
  CHECK (status <> 'done' OR result IS NOT NULL),
  CHECK (status <> 'failed' OR (error IS NOT NULL AND failure_owner IS NOT NULL)),
  CHECK ((req_profile IS NULL) = (req_mode IS NULL))
);
INSERT INTO jobs_with_bisect SELECT * FROM jobs;
DROP TABLE jobs;
ALTER TABLE jobs_with_bisect RENAME TO jobs;
-- One NUT never runs two jobs at once: the database refuses it, whatever the workers believe.
CREATE UNIQUE INDEX jobs_one_per_nut ON jobs (nut) WHERE status = 'leased' AND nut IS NOT NULL;
-- The lease scan reads queued jobs in priority order.
CREATE INDEX jobs_waiting ON jobs (priority, id) WHERE status = 'queued';
CREATE INDEX jobs_by_after ON jobs (after_key) WHERE after_key IS NOT NULL;
`;

export const migrations: readonly Migration[] = [
  { version: 1, name: 'initial schema', sql: initial },
  { version: 2, name: 'job queue', sql: jobQueue },
  { version: 3, name: 'results service: stored diffs, run totals, history indexes', sql: resultsService },
  { version: 4, name: 'subscriptions and outbox', sql: subscriptionsAndOutbox },
  { version: 5, name: 'run setup digest: a finished experiment is not run again', sql: runSetup },
  // 7 landed before 6 (each was written on its own branch): a database that has 7 without 6 gets 6 all the same,
  // as migrate.ts asks per version.
  { version: 6, name: 'bisections and their steps', sql: bisections },
  { version: 7, name: 'hosts: labd processes announce themselves; runs name their owner host', sql: hosts },
  { version: 8, name: 'bisect jobs', sql: bisectJobs },
];

/** The schema version this code writes and understands. */
export const LATEST_SCHEMA_VERSION: number = migrations[migrations.length - 1]?.version ?? 0;
