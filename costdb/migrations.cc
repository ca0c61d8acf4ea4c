// The schema steps (see migrations.h). Estimates, verifications, choices, layers and variants are
// WITHOUT ROWID tables keyed by their lookup: the primary key is the one b-tree the lookups walk, with
// no second index to keep in step.
#include "costdb/migrations.h"

#include <array>
#include <string>

namespace pietune::costdb {

namespace {

// Version 1: the first released schema. `pietune_meta` marks the file as ours.
constexpr std::string_view kVersion1 = R"sql(
CREATE TABLE pietune_meta (
  key TEXT PRIMARY KEY NOT NULL,
  value TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO pietune_meta (key, value) VALUES
  ('application', 'pietune-costdb'),
  ('created_at', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));

CREATE TABLE runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: choices refer to it
  tool_version TEXT NOT NULL,
  git_commit TEXT NOT NULL,
  machine_hash TEXT NOT NULL,
  model TEXT NOT NULL,
  model_hash TEXT NOT NULL,
  options_json TEXT NOT NULL,
  started_at TEXT NOT NULL,
  ended_at TEXT,                         -- NULL while running
  status TEXT NOT NULL
);

CREATE TABLE layers (
  signature TEXT PRIMARY KEY NOT NULL,
  layer_json TEXT NOT NULL,
  stored_at TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE variants (
  name TEXT NOT NULL,
  generator_version INTEGER NOT NULL,
  family TEXT NOT NULL,
  params_json TEXT NOT NULL,
  stored_at TEXT NOT NULL,
  PRIMARY KEY (name, generator_version)
) WITHOUT ROWID;

CREATE TABLE estimates (
  layer_signature TEXT NOT NULL,
  machine_hash TEXT NOT NULL,
  mode TEXT NOT NULL,
  placement TEXT NOT NULL,
  variant TEXT NOT NULL,
  generator_version INTEGER NOT NULL,
  cycles REAL NOT NULL,
  breakdown_json TEXT NOT NULL,
  stored_at TEXT NOT NULL,
  PRIMARY KEY (layer_signature, machine_hash, mode, placement, variant, generator_version)
) WITHOUT ROWID;

CREATE TABLE verifications (
  layer_identity TEXT NOT NULL,
  variant TEXT NOT NULL,
  generator_version INTEGER NOT NULL,
  cases INTEGER NOT NULL,
  seed INTEGER NOT NULL,                 -- the uint64 seed's bits as a signed 64-bit integer
  mismatches INTEGER NOT NULL,
  max_abs_diff INTEGER NOT NULL,
  detail TEXT NOT NULL,
  verified_at TEXT NOT NULL,
  PRIMARY KEY (layer_identity, variant, generator_version)
) WITHOUT ROWID;

CREATE TABLE choices (
  run_id INTEGER NOT NULL REFERENCES runs (id),
  layer_index INTEGER NOT NULL,
  layer_signature TEXT NOT NULL,
  op TEXT NOT NULL,
  variant TEXT NOT NULL,
  family TEXT NOT NULL,
  cycles REAL NOT NULL,
  baseline_variant TEXT NOT NULL,
  baseline_cycles REAL NOT NULL,
  PRIMARY KEY (run_id, layer_index)
) WITHOUT ROWID;
)sql";

// Version 2: free-form detail per choice, and device measurements imported from real boards.
constexpr std::string_view kVersion2 = R"sql(
ALTER TABLE choices ADD COLUMN detail_json TEXT NOT NULL DEFAULT '';

CREATE TABLE measurements (
  id INTEGER PRIMARY KEY,                -- insertion order
  layer_signature TEXT NOT NULL,
  variant TEXT NOT NULL,
  device TEXT NOT NULL,
  cycles REAL NOT NULL,
  source TEXT NOT NULL,
  measured_at TEXT NOT NULL
);
CREATE INDEX measurements_by_layer ON measurements (layer_signature);
)sql";

// Version 3: estimates keyed by the generated program instead of the layer's timing signature,
// which left out the quantization values some generators' code depends on (so two layers could
// share a wrong number): the old rows are dropped and recomputed on demand. Runs record their
// owner process, so a run killed mid-way can be marked interrupted; runs an older pietune left
// `running` have no owner to check and are marked now (one still alive sets its status when it ends).
constexpr std::string_view kVersion3 = R"sql(
DELETE FROM estimates;
ALTER TABLE estimates RENAME COLUMN layer_signature TO program_key;
ALTER TABLE runs ADD COLUMN owner TEXT NOT NULL DEFAULT '';
UPDATE runs SET status = 'interrupted', ended_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE status = 'running';
)sql";

// Version 4: the board loop. A bench is one generated device-bench project (its instances: which
// layer, variant and predicted cycles each measures, with the emulator's output hash); measurements
// link to the bench instance they measured and keep the protocol's spread and the board's output
// hash; calibrations keep the history of fitted machine descriptions.
constexpr std::string_view kVersion4 = R"sql(
CREATE TABLE benches (
  id TEXT PRIMARY KEY NOT NULL,          -- hex hash of what the bench runs (printed on the console)
  model TEXT NOT NULL,
  model_hash TEXT NOT NULL,
  machine_name TEXT NOT NULL,
  machine_hash TEXT NOT NULL,
  machine_json TEXT NOT NULL,            -- the machine description the predictions were made with
  placement TEXT NOT NULL,
  options_json TEXT NOT NULL,            -- placement fields, seed, warm-up and timed runs
  created_at TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE bench_instances (
  bench_id TEXT NOT NULL REFERENCES benches (id),
  instance INTEGER NOT NULL,
  layer_index INTEGER NOT NULL,
  layer_signature TEXT NOT NULL,
  layer_json TEXT NOT NULL,
  op TEXT NOT NULL,
  family TEXT NOT NULL,
  variant TEXT NOT NULL,
  rank INTEGER NOT NULL,                 -- 0: the variant tune chose
  predicted_cycles REAL NOT NULL,
  expected_hash TEXT NOT NULL,           -- the emulator's output hash on the bench input
  PRIMARY KEY (bench_id, instance)
) WITHOUT ROWID;

ALTER TABLE measurements ADD COLUMN bench_id TEXT NOT NULL DEFAULT '';
ALTER TABLE measurements ADD COLUMN instance INTEGER NOT NULL DEFAULT -1;
ALTER TABLE measurements ADD COLUMN runs INTEGER NOT NULL DEFAULT 0;
ALTER TABLE measurements ADD COLUMN q1 REAL NOT NULL DEFAULT 0;
ALTER TABLE measurements ADD COLUMN q3 REAL NOT NULL DEFAULT 0;
ALTER TABLE measurements ADD COLUMN output_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE measurements ADD COLUMN expected_hash TEXT NOT NULL DEFAULT '';
CREATE INDEX measurements_by_bench ON measurements (bench_id, instance);

CREATE TABLE calibrations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  calibrated_at TEXT NOT NULL,
  machine_before_hash TEXT NOT NULL,
  machine_after_hash TEXT NOT NULL,
  machine_after_json TEXT NOT NULL,
  measurements INTEGER NOT NULL,
  summary_json TEXT NOT NULL             -- MAPE, tau, regret before/after; fitted and unidentified parameters
);
)sql";

constexpr std::array kSteps = {
    MigrationStep{1, "runs, layers, variants, estimates, verifications, choices", kVersion1},
    MigrationStep{2, "choices.detail_json, measurements", kVersion2},
    MigrationStep{3, "estimates keyed by program, runs.owner", kVersion3},
    MigrationStep{4, "benches, bench_instances, measurements linked to them, calibrations", kVersion4},
};

constexpr bool steps_are_consecutive() {
  for (std::size_t i = 0; i < kSteps.size(); ++i) {
    if (kSteps[i].version != static_cast<int>(i) + 1) return false;
  }
  return true;
}
static_assert(steps_are_consecutive(), "migration step N must produce version N");
static_assert(kSteps.back().version == kSchemaVersion, "kSchemaVersion must be the last migration step");

}  // namespace

std::span<const MigrationStep> migration_steps() { return kSteps; }

int read_user_version(Connection& connection) {
  Statement statement(connection, "PRAGMA user_version", "reading the schema version");
  if (!statement.step()) throw Error(connection.path() + ": PRAGMA user_version returned no row");
  return static_cast<int>(statement.column_int(0));
}

Error newer_schema_error(const std::string& path, int version) {
  return Error(path + ": schema version " + std::to_string(version) + " is newer than this pietune supports (" +
               std::to_string(kSchemaVersion) + ")");
}

int migrate_to_latest(Connection& connection) {
  Transaction transaction(connection);
  const int found = read_user_version(connection);
  if (found > kSchemaVersion) {
    // Checked before, so a newer pietune migrated the file in between; leave it alone.
    throw newer_schema_error(connection.path(), found);
  }
  for (const MigrationStep& step : kSteps) {
    if (step.version <= found) continue;
    connection.exec(std::string(step.sql), "migrating to schema version " + std::to_string(step.version));
  }
  if (found < kSchemaVersion) {
    connection.exec("PRAGMA user_version = " + std::to_string(kSchemaVersion), "setting the schema version");
  }
  transaction.commit();
  return found;
}

}  // namespace pietune::costdb
