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

export const migrations: readonly Migration[] = [{ version: 1, name: 'initial schema', sql: initial }];

/** The schema version this code writes and understands. */
export const LATEST_SCHEMA_VERSION: number = migrations[migrations.length - 1]?.version ?? 0;
