// migration_test: a version 1 file, built here with raw SQL the way the first release wrote it, is
// brought to the current version in place by Database::open: rows survive (but estimates, whose
// old key was wrong), the new columns and table work, and the result has the same structure as a
// freshly created file; a read-only open refuses an old file instead of migrating it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "costdb/costdb.h"
#include "costdb_test_support.h"

namespace pietune::costdb {
namespace {

using testing::RawDb;
using testing::ScratchDir;

// The schema of version 1 as released (no choices.detail_json, no measurements), frozen here on purpose:
// the migration must keep accepting exactly this, whatever later edits happen to costdb/migrations.cc.
constexpr const char* kVersion1Schema = R"sql(
CREATE TABLE pietune_meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) WITHOUT ROWID;
INSERT INTO pietune_meta (key, value) VALUES
  ('application', 'pietune-costdb'), ('created_at', '2024-01-01T00:00:00.000Z');
CREATE TABLE runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT, tool_version TEXT NOT NULL, git_commit TEXT NOT NULL,
  machine_hash TEXT NOT NULL, model TEXT NOT NULL, model_hash TEXT NOT NULL, options_json TEXT NOT NULL,
  started_at TEXT NOT NULL, ended_at TEXT, status TEXT NOT NULL);
CREATE TABLE layers (signature TEXT PRIMARY KEY NOT NULL, layer_json TEXT NOT NULL, stored_at TEXT NOT NULL)
  WITHOUT ROWID;
CREATE TABLE variants (
  name TEXT NOT NULL, generator_version INTEGER NOT NULL, family TEXT NOT NULL, params_json TEXT NOT NULL,
  stored_at TEXT NOT NULL, PRIMARY KEY (name, generator_version)) WITHOUT ROWID;
CREATE TABLE estimates (
  layer_signature TEXT NOT NULL, machine_hash TEXT NOT NULL, mode TEXT NOT NULL, placement TEXT NOT NULL,
  variant TEXT NOT NULL, generator_version INTEGER NOT NULL, cycles REAL NOT NULL, breakdown_json TEXT NOT NULL,
  stored_at TEXT NOT NULL,
  PRIMARY KEY (layer_signature, machine_hash, mode, placement, variant, generator_version)) WITHOUT ROWID;
CREATE TABLE verifications (
  layer_identity TEXT NOT NULL, variant TEXT NOT NULL, generator_version INTEGER NOT NULL, cases INTEGER NOT NULL,
  seed INTEGER NOT NULL, mismatches INTEGER NOT NULL, max_abs_diff INTEGER NOT NULL, detail TEXT NOT NULL,
  verified_at TEXT NOT NULL, PRIMARY KEY (layer_identity, variant, generator_version)) WITHOUT ROWID;
CREATE TABLE choices (
  run_id INTEGER NOT NULL REFERENCES runs (id), layer_index INTEGER NOT NULL, layer_signature TEXT NOT NULL,
  op TEXT NOT NULL, variant TEXT NOT NULL, family TEXT NOT NULL, cycles REAL NOT NULL,
  baseline_variant TEXT NOT NULL, baseline_cycles REAL NOT NULL, PRIMARY KEY (run_id, layer_index)) WITHOUT ROWID;
PRAGMA user_version = 1;
)sql";

constexpr const char* kVersion1Rows = R"sql(
INSERT INTO runs VALUES (1, '0.0.9', 'abc123', 'machine42', 'old.tflite', 'mh1', '{"budget":10}',
                         '2024-01-02T03:04:05.000Z', '2024-01-02T03:05:00.000Z', 'done');
INSERT INTO layers VALUES ('sig0', '{"op":"CONV_2D"}', '2024-01-02T03:04:06.000Z');
INSERT INTO variants VALUES ('conv_qacc_k16', 1, 'conv_qacc', '{"k":16}', '2024-01-02T03:04:06.000Z');
INSERT INTO estimates VALUES ('sig0', 'machine42', 'fast', 'act=sram,w=flash', 'conv_qacc_k16', 1, 777.5,
                              '{"issue":700}', '2024-01-02T03:04:07.000Z');
INSERT INTO estimates VALUES ('sig0', 'machine42', 'fast', 'act=sram,w=flash', 'conv_qacc_k8', 1, 900,
                              '{"issue":850}', '2024-01-02T03:04:07.000Z');
INSERT INTO verifications VALUES ('id0', 'conv_qacc_k16', 1, 8, -3, 0, 0, '', '2024-01-02T03:04:08.000Z');
INSERT INTO choices VALUES (1, 0, 'sig0', 'CONV_2D', 'conv_qacc_k16', 'conv_qacc', 777.5, 'conv_espnn', 2000);
)sql";

void write_version1_file(const std::string& path) {
  RawDb raw(path);
  raw.exec(kVersion1Schema);
  raw.exec(kVersion1Rows);
}

// Columns (name, type, not null, default, key position) of every table, then every index: structure, not SQL text.
std::string structure(const std::string& path) {
  RawDb raw(path);
  std::string out;
  const std::string tables =
      raw.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
  std::size_t start = 0;
  while (start < tables.size()) {
    const std::size_t end = std::min(tables.find('\n', start), tables.size());
    const std::string table = tables.substr(start, end - start);
    out += table + ": " + raw.query("SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info('" + table +
                                    "') ORDER BY cid") + "\n";
    start = end + 1;
  }
  out += raw.query("SELECT type, name, tbl_name FROM sqlite_master WHERE type = 'index' ORDER BY name");
  return out;
}

TEST(MigrationTest, Version1FileIsMigratedInPlaceKeepingItsRows) {
  ScratchDir scratch;
  const std::string path = scratch.file("v1.sqlite");
  write_version1_file(path);
  {
    RawDb raw(path);
    ASSERT_EQ(raw.query("PRAGMA user_version"), "1");
  }

  Database db = Database::open(path);
  EXPECT_EQ(db.schema_version(), 4);

  const auto run = db.run(1);
  ASSERT_TRUE(run);
  EXPECT_EQ(run->tool_version, "0.0.9");
  EXPECT_EQ(run->model, "old.tflite");
  EXPECT_EQ(run->status, "done");
  EXPECT_EQ(run->ended_at, "2024-01-02T03:05:00.000Z");
  EXPECT_EQ(db.layer_json("sig0"), R"({"op":"CONV_2D"})");
  // Version 3 drops estimates keyed by layer signature (a key that left out quantization values):
  // they are recomputed under program keys, never reused under a key that may be wrong.
  EXPECT_EQ(db.estimate_count(), 0);
  EXPECT_FALSE(db.find_estimate({"sig0", "conv_qacc_k16", 1, "machine42", "fast", "act=sram,w=flash"}));
  db.put_estimate({{"0123456789abcdef", "conv_qacc_k16", 1, "machine42", "fast", "act=sram,w=flash"}, 777.5,
                   R"({"issue":700})"});
  const auto estimate = db.find_estimate({"0123456789abcdef", "conv_qacc_k16", 1, "machine42", "fast", "act=sram,w=flash"});
  ASSERT_TRUE(estimate);
  EXPECT_DOUBLE_EQ(estimate->cycles, 777.5);
  EXPECT_EQ(run->owner, "");  // the column version 3 added, empty for runs older than it
  const auto verification = db.find_verification("id0", "conv_qacc_k16", 1);
  ASSERT_TRUE(verification);
  EXPECT_EQ(verification->seed, static_cast<std::uint64_t>(-3));
  const auto choices = db.choices(1);
  ASSERT_EQ(choices.size(), 1u);
  EXPECT_EQ(choices[0].variant, "conv_qacc_k16");
  EXPECT_EQ(choices[0].detail_json, "");  // the column version 2 added, empty for rows older than it

  // What version 2 adds works on the migrated file.
  ChoiceRecord choice = choices[0];
  choice.layer_index = 1;
  choice.detail_json = R"({"macs":42})";
  db.put_choice(choice);
  EXPECT_EQ(db.choices(1)[1].detail_json, R"({"macs":42})");
  db.add_measurement(testing::measurement("sig0", "conv_qacc_k16", "esp32s3-devkitc-1 @240MHz", 801, "board.json", ""));
  EXPECT_EQ(db.measurements("sig0").size(), 1u);
  // What version 4 adds: the old measurement has no bench and counts as correct; a bench and a
  // calibration can be stored.
  EXPECT_EQ(db.all_measurements()[0].bench_id, "");
  EXPECT_TRUE(db.all_measurements()[0].correct());
  db.put_bench({.id = "b1", .model = "m", .model_hash = "h", .machine_name = "esp32s3", .machine_hash = "mh",
                .machine_json = "{}", .placement = "act=sram,w=flash", .options_json = "{}", .created_at = ""},
               {{.bench_id = "b1", .instance = 0, .layer_index = 2, .layer_signature = "sig0", .layer_json = "{}",
                 .op = "CONV_2D", .family = "conv_qacc", .variant = "conv_qacc_k16", .rank = 0,
                 .predicted_cycles = 800, .expected_hash = "0123456789abcdef"}});
  EXPECT_EQ(db.bench_instances("b1").size(), 1u);
  EXPECT_GT(db.add_calibration({.id = 0, .calibrated_at = "", .machine_before_hash = "a", .machine_after_hash = "b",
                                .machine_after_json = "{}", .measurements = 1, .summary_json = "{}"}),
            0);
  // The run ids continue after the old ones.
  EXPECT_GT(db.begin_run(*run), 1);
}

TEST(MigrationTest, MigratedFileHasTheStructureOfAFreshOne) {
  ScratchDir scratch;
  write_version1_file(scratch.file("v1.sqlite"));
  Database::open(scratch.file("v1.sqlite"));
  Database::open(scratch.file("fresh.sqlite"));
  const std::string migrated = structure(scratch.file("v1.sqlite"));
  EXPECT_EQ(migrated, structure(scratch.file("fresh.sqlite")));
  EXPECT_THAT(migrated, ::testing::HasSubstr("choices: run_id|INTEGER|1|NULL|1"));
  EXPECT_THAT(migrated, ::testing::HasSubstr("detail_json|TEXT|1|''|0"));
  EXPECT_THAT(migrated, ::testing::HasSubstr("index|measurements_by_layer|measurements"));
  RawDb raw(scratch.file("v1.sqlite"));
  EXPECT_EQ(raw.query("PRAGMA user_version"), "4");
  EXPECT_THAT(migrated, ::testing::HasSubstr("index|measurements_by_bench|measurements"));
  EXPECT_EQ(raw.query("PRAGMA journal_mode"), "wal");
  EXPECT_THAT(migrated, ::testing::HasSubstr("program_key|TEXT|1|NULL|1"));
  EXPECT_THAT(migrated, ::testing::HasSubstr("owner|TEXT|1|''|0"));
}

TEST(MigrationTest, MigratingTwiceChangesNothing) {
  ScratchDir scratch;
  const std::string path = scratch.file("v1.sqlite");
  write_version1_file(path);
  Database::open(path);
  const std::string once = structure(path);
  Database db = Database::open(path);
  EXPECT_EQ(structure(path), once);
  EXPECT_EQ(db.estimate_count(), 0);
}

TEST(MigrationTest, ReadOnlyOpenRefusesAnOldFileAndLeavesItAlone) {
  ScratchDir scratch;
  const std::string path = scratch.file("v1.sqlite");
  write_version1_file(path);
  try {
    Database::open(path, Access::kReadOnly);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("schema version 1 is older than this pietune's (4)"));
  }
  RawDb raw(path);
  EXPECT_EQ(raw.query("PRAGMA user_version"), "1");
  EXPECT_EQ(raw.query("SELECT count(*) FROM estimates"), "2");
}

TEST(MigrationTest, FailedStepLeavesTheFileAtItsOldVersion) {
  ScratchDir scratch;
  const std::string path = scratch.file("v1.sqlite");
  write_version1_file(path);
  {
    RawDb raw(path);  // a table in the way of step 2, so it fails after adding choices.detail_json
    raw.exec("CREATE TABLE measurements (x INTEGER)");
  }
  try {
    Database::open(path);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), path + ": migrating to schema version 2: table measurements already exists");
  }
  RawDb raw(path);
  EXPECT_EQ(raw.query("PRAGMA user_version"), "1");
  EXPECT_EQ(raw.query("SELECT count(*) FROM pragma_table_info('choices') WHERE name = 'detail_json'"), "0");
  EXPECT_EQ(raw.query("SELECT count(*) FROM estimates"), "2");
}

}  // namespace
}  // namespace pietune::costdb
