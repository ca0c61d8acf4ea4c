// runs_test: begin_run / end_run, the order of runs(), and per-run choices.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "costdb/costdb.h"
#include "costdb/process_owner.h"
#include "costdb_test_support.h"

namespace pietune::costdb {
namespace {

using testing::ScratchDir;

RunRecord sample_run(const std::string& model) {
  RunRecord run;
  run.tool_version = "0.1.0";
  run.git_commit = "5fd470b";
  run.machine_hash = "machine42";
  run.model = model;
  run.model_hash = "hash-of-" + model;
  run.options_json = R"({"budget":100,"seed":7})";
  return run;
}

ChoiceRecord sample_choice(std::int64_t run_id, int layer_index) {
  ChoiceRecord c;
  c.run_id = run_id;
  c.layer_index = layer_index;
  c.layer_signature = "sig" + std::to_string(layer_index);
  c.op = "CONV_2D";
  c.variant = "conv_qacc_k16";
  c.family = "conv_qacc";
  c.cycles = 1000.5 + layer_index;
  c.baseline_variant = "conv_espnn";
  c.baseline_cycles = 4000.25;
  c.detail_json = R"({"macs":294912})";
  return c;
}

class RunsTest : public ::testing::Test {
 protected:
  ScratchDir scratch_;
  Database db_ = Database::open(scratch_.file("cost.sqlite"));
};

TEST_F(RunsTest, BeginRunStoresTheRunAsRunning) {
  RunRecord given = sample_run("person_detect.tflite");
  given.id = 999;              // assigned by begin_run, not taken from the record
  given.status = "done";       // begin_run always starts "running"
  given.started_at = "1999";   // and stamps its own start time
  const std::int64_t id = db_.begin_run(given);
  EXPECT_GT(id, 0);
  const auto run = db_.run(id);
  ASSERT_TRUE(run);
  EXPECT_EQ(run->id, id);
  EXPECT_EQ(run->tool_version, "0.1.0");
  EXPECT_EQ(run->git_commit, "5fd470b");
  EXPECT_EQ(run->machine_hash, "machine42");
  EXPECT_EQ(run->model, "person_detect.tflite");
  EXPECT_EQ(run->model_hash, "hash-of-person_detect.tflite");
  EXPECT_EQ(run->options_json, R"({"budget":100,"seed":7})");
  EXPECT_THAT(run->started_at, ::testing::MatchesRegex(testing::kIsoUtcPattern));
  EXPECT_EQ(run->ended_at, "");
  EXPECT_EQ(run->status, "running");
  EXPECT_FALSE(db_.run(id + 1));
}

TEST_F(RunsTest, EndRunSetsStatusAndEndTime) {
  const std::int64_t done = db_.begin_run(sample_run("a.tflite"));
  const std::int64_t failed = db_.begin_run(sample_run("b.tflite"));
  db_.end_run(done, "done");
  db_.end_run(failed, "failed");
  const auto a = db_.run(done);
  const auto b = db_.run(failed);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->status, "done");
  EXPECT_EQ(b->status, "failed");
  EXPECT_THAT(a->ended_at, ::testing::MatchesRegex(testing::kIsoUtcPattern));
  EXPECT_GE(a->ended_at, a->started_at);  // ISO 8601 UTC text sorts by time
}

TEST_F(RunsTest, EndRunRefusesAnUnknownRunOrStatus) {
  const std::int64_t id = db_.begin_run(sample_run("a.tflite"));
  try {
    db_.end_run(id + 7, "done");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), db_.path() + ": end_run: no run " + std::to_string(id + 7));
  }
  try {
    db_.end_run(id, "finished");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), db_.path() + ": end_run: status 'finished' is neither 'done' nor 'failed'");
  }
  EXPECT_EQ(db_.run(id)->status, "running");
}

TEST_F(RunsTest, RunsAreOldestFirst) {
  std::vector<std::int64_t> ids;
  for (const char* model : {"c.tflite", "a.tflite", "b.tflite"}) ids.push_back(db_.begin_run(sample_run(model)));
  db_.end_run(ids[1], "done");
  const auto runs = db_.runs();
  ASSERT_EQ(runs.size(), 3u);
  EXPECT_EQ(runs[0].id, ids[0]);
  EXPECT_EQ(runs[0].model, "c.tflite");
  EXPECT_EQ(runs[1].model, "a.tflite");
  EXPECT_EQ(runs[1].status, "done");
  EXPECT_EQ(runs[2].model, "b.tflite");
  EXPECT_LT(runs[0].id, runs[1].id);
  EXPECT_LT(runs[1].id, runs[2].id);
  EXPECT_LE(runs[0].started_at, runs[2].started_at);
}

TEST_F(RunsTest, ChoiceRoundTripByLayerIndex) {
  const std::int64_t run = db_.begin_run(sample_run("a.tflite"));
  const std::int64_t other = db_.begin_run(sample_run("b.tflite"));
  db_.put_choice(sample_choice(run, 2));
  db_.put_choice(sample_choice(run, 0));
  db_.put_choice(sample_choice(other, 0));
  ChoiceRecord uncovered;  // a layer no family covers: empty variant, zero cycles
  uncovered.run_id = run;
  uncovered.layer_index = 1;
  uncovered.layer_signature = "sig1";
  uncovered.op = "SVDF";
  db_.put_choice(uncovered);

  const auto choices = db_.choices(run);
  ASSERT_EQ(choices.size(), 3u);
  EXPECT_EQ(choices[0].layer_index, 0);
  EXPECT_EQ(choices[1].layer_index, 1);
  EXPECT_EQ(choices[2].layer_index, 2);
  const ChoiceRecord& c = choices[2];
  EXPECT_EQ(c.run_id, run);
  EXPECT_EQ(c.layer_signature, "sig2");
  EXPECT_EQ(c.op, "CONV_2D");
  EXPECT_EQ(c.variant, "conv_qacc_k16");
  EXPECT_EQ(c.family, "conv_qacc");
  EXPECT_DOUBLE_EQ(c.cycles, 1002.5);
  EXPECT_EQ(c.baseline_variant, "conv_espnn");
  EXPECT_DOUBLE_EQ(c.baseline_cycles, 4000.25);
  EXPECT_EQ(c.detail_json, R"({"macs":294912})");
  EXPECT_EQ(choices[1].op, "SVDF");
  EXPECT_EQ(choices[1].variant, "");
  EXPECT_DOUBLE_EQ(choices[1].cycles, 0);
  EXPECT_EQ(db_.choices(other).size(), 1u);
  EXPECT_TRUE(db_.choices(other + 1).empty());
}

TEST_F(RunsTest, ChoiceInsertOrReplaceOnRunAndLayer) {
  const std::int64_t run = db_.begin_run(sample_run("a.tflite"));
  db_.put_choice(sample_choice(run, 0));
  ChoiceRecord better = sample_choice(run, 0);
  better.variant = "conv_qacc_k32";
  better.cycles = 500;
  db_.put_choice(better);
  const auto choices = db_.choices(run);
  ASSERT_EQ(choices.size(), 1u);
  EXPECT_EQ(choices[0].variant, "conv_qacc_k32");
  EXPECT_DOUBLE_EQ(choices[0].cycles, 500);
}

TEST_F(RunsTest, ChoiceOfAnUnknownRunIsRefused) {
  try {
    db_.put_choice(sample_choice(42, 0));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), db_.path() + ": put_choice: no run 42");
  }
  EXPECT_TRUE(db_.choices(42).empty());
}

TEST_F(RunsTest, RunsOfGoneProcessesAreMarkedInterruptedByTheNextRun) {
  const std::string me = current_process_owner();
  const std::string host = me.substr(0, me.find(':'));
  RunRecord killed = sample_run("killed.tflite");
  killed.owner = host + ":2147483646:12345";  // no such pid: the process was killed with -9
  RunRecord recycled = sample_run("recycled.tflite");
  recycled.owner = me.substr(0, me.rfind(':')) + ":1";  // our pid, but another start time
  RunRecord elsewhere = sample_run("elsewhere.tflite");
  elsewhere.owner = "another-host:1:1";  // cannot be checked from here: left alone
  RunRecord legacy = sample_run("legacy.tflite");
  legacy.owner = "unparsable";
  const std::int64_t killed_id = db_.begin_run(killed);
  const std::int64_t recycled_id = db_.begin_run(recycled);
  const std::int64_t elsewhere_id = db_.begin_run(elsewhere);
  const std::int64_t legacy_id = db_.begin_run(legacy);

  const std::int64_t live_id = db_.begin_run(sample_run("live.tflite"));
  EXPECT_EQ(db_.run(killed_id)->status, "interrupted");
  EXPECT_THAT(db_.run(killed_id)->ended_at, ::testing::MatchesRegex(testing::kIsoUtcPattern));
  EXPECT_EQ(db_.run(recycled_id)->status, "interrupted");
  EXPECT_EQ(db_.run(elsewhere_id)->status, "running");
  EXPECT_EQ(db_.run(legacy_id)->status, "running");
  EXPECT_EQ(db_.run(live_id)->owner, me);
  db_.begin_run(sample_run("next.tflite"));
  EXPECT_EQ(db_.run(live_id)->status, "running");  // this process is alive
}

}  // namespace
}  // namespace pietune::costdb
