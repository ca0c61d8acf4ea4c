// durability_test: what is stored stays stored: across close and reopen, across two open handles, when
// the writing process dies without closing, and through a move of the handle.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <utility>

#include "costdb/costdb.h"
#include "costdb_test_support.h"

namespace pietune::costdb {
namespace {

using testing::RawDb;
using testing::ScratchDir;

EstimateKey key(int i) {
  return EstimateKey{"layer" + std::to_string(i % 7), "variant" + std::to_string(i), 1, "machine42", "fast",
                     "act=sram,w=flash"};
}

RunRecord sample_run() {
  RunRecord run;
  run.tool_version = "0.1.0";
  run.machine_hash = "machine42";
  run.model = "m.tflite";
  run.model_hash = "mh";
  run.options_json = "{}";
  return run;
}

TEST(DurabilityTest, CloseAndReopenKeepsEverything) {
  ScratchDir scratch;
  const std::string path = scratch.file("cost.sqlite");
  std::int64_t run_id = 0;
  {
    Database db = Database::open(path);
    for (int i = 0; i < 50; ++i) db.put_estimate({key(i), 100.0 + i, "{}"});
    run_id = db.begin_run(sample_run());
    db.put_choice({run_id, 0, "layer0", "CONV_2D", "variant0", "fam", 100, "", 0, "{}"});
    db.end_run(run_id, "done");
    db.put_layer("layer0", "{}");
    db.put_verification({"id0", "variant0", 1, 4, 9, 0, 0, ""});
    db.add_measurement(testing::measurement("layer0", "variant0", "dev", 101, "src", ""));
  }
  Database db = Database::open(path);
  EXPECT_EQ(db.schema_version(), kSchemaVersion);
  EXPECT_EQ(db.estimate_count(), 50);
  ASSERT_TRUE(db.find_estimate(key(49)));
  EXPECT_DOUBLE_EQ(db.find_estimate(key(49))->cycles, 149);
  EXPECT_EQ(db.run(run_id)->status, "done");
  EXPECT_EQ(db.choices(run_id).size(), 1u);
  EXPECT_EQ(db.layer_json("layer0"), "{}");
  EXPECT_TRUE(db.find_verification("id0", "variant0", 1));
  EXPECT_EQ(db.measurements("layer0").size(), 1u);
}

TEST(DurabilityTest, FileIsInWalModeWithTheSchemaVersion) {
  ScratchDir scratch;
  const std::string path = scratch.file("cost.sqlite");
  Database db = Database::open(path);
  RawDb raw(path);
  EXPECT_EQ(raw.query("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(raw.query("PRAGMA user_version"), std::to_string(kSchemaVersion));
  EXPECT_EQ(raw.query("SELECT value FROM pietune_meta WHERE key = 'application'"), "pietune-costdb");
}

TEST(DurabilityTest, EveryPutIsCommittedBeforeItReturns) {
  ScratchDir scratch;
  const std::string path = scratch.file("cost.sqlite");
  Database db = Database::open(path);
  RawDb other(path);  // another connection sees only committed data
  db.put_estimate({key(1), 5, "{}"});
  EXPECT_EQ(other.query("SELECT count(*) FROM estimates"), "1");
  const std::int64_t run_id = db.begin_run(sample_run());
  EXPECT_EQ(other.query("SELECT status FROM runs WHERE id = " + std::to_string(run_id)), "running");
  db.put_choice({run_id, 3, "layer3", "ADD", "", "", 0, "", 0, ""});
  EXPECT_EQ(other.query("SELECT layer_index FROM choices"), "3");
  db.end_run(run_id, "failed");
  EXPECT_EQ(other.query("SELECT status FROM runs"), "failed");
  db.put_layer("layer3", "{}");
  db.put_variant("v", "f", "{}", 1);
  db.put_verification({"id", "v", 1, 1, 1, 0, 0, ""});
  db.add_measurement(testing::measurement("layer3", "v", "dev", 1, "src", ""));
  EXPECT_EQ(other.query("SELECT (SELECT count(*) FROM layers) || (SELECT count(*) FROM variants) || "
                        "(SELECT count(*) FROM verifications) || (SELECT count(*) FROM measurements)"),
            "1111");
}

TEST(DurabilityTest, ProcessDyingWithoutClosingLosesNothing) {
  ScratchDir scratch;
  const std::string path = scratch.file("cost.sqlite");
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // No destructor runs: the connection is never closed, the WAL never checkpointed.
    Database db = Database::open(path);
    for (int i = 0; i < 20; ++i) db.put_estimate({key(i), 1.0 * i, "{}"});
    db.begin_run(sample_run());
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  Database db = Database::open(path);
  EXPECT_EQ(db.estimate_count(), 20);
  ASSERT_EQ(db.runs().size(), 1u);
  EXPECT_EQ(db.runs()[0].status, "running");
}

TEST(DurabilityTest, TwoHandlesOnOneFileSeeEachOthersWrites) {
  ScratchDir scratch;
  const std::string path = scratch.file("cost.sqlite");
  Database a = Database::open(path);
  Database b = Database::open(path);
  a.put_estimate({key(1), 10, "{}"});
  ASSERT_TRUE(b.find_estimate(key(1)));  // a committed; b's cached statement takes a fresh snapshot
  b.put_estimate({key(1), 11, "{}"});
  b.put_estimate({key(2), 20, "{}"});
  EXPECT_DOUBLE_EQ(a.find_estimate(key(1))->cycles, 11);
  EXPECT_EQ(a.estimate_count(), 2);
  const std::int64_t run_a = a.begin_run(sample_run());
  const std::int64_t run_b = b.begin_run(sample_run());
  EXPECT_NE(run_a, run_b);
  EXPECT_EQ(a.runs().size(), 2u);
  EXPECT_EQ(b.runs().size(), 2u);
}

TEST(DurabilityTest, MovedHandleKeepsWorking) {
  ScratchDir scratch;
  Database first = Database::open(scratch.file("cost.sqlite"));
  first.put_estimate({key(1), 10, "{}"});
  Database second = std::move(first);
  EXPECT_EQ(second.estimate_count(), 1);
  Database third = Database::open(scratch.file("other.sqlite"));
  third = std::move(second);
  EXPECT_EQ(third.path(), scratch.file("cost.sqlite"));
  third.put_estimate({key(2), 20, "{}"});
  EXPECT_EQ(third.estimate_count(), 2);
}

TEST(DurabilityTest, EmptyFileIsCreatedFresh) {
  ScratchDir scratch;
  const std::string path = scratch.file("empty.sqlite");
  testing::write_bytes(path, "");
  Database db = Database::open(path);
  EXPECT_EQ(db.schema_version(), kSchemaVersion);
  db.put_estimate({key(1), 1, "{}"});
  EXPECT_EQ(db.estimate_count(), 1);
}

TEST(DurabilityTest, RelativePathInTheCurrentDirectory) {
  ScratchDir scratch;
  const auto previous = std::filesystem::current_path();
  std::filesystem::current_path(scratch.dir());
  {
    Database db = Database::open("cost.sqlite");
    db.put_estimate({key(1), 1, "{}"});
  }
  std::filesystem::current_path(previous);
  EXPECT_TRUE(std::filesystem::exists(scratch.dir() / "cost.sqlite"));
}

}  // namespace
}  // namespace pietune::costdb
