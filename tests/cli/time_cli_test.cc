// `pietune time` and `pietune calibrate` as a user runs them: cycles derived by hand from the
// pipeline rules, the timeline's stall explanation, JSON output, bad input with exit code 2.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "cli_run_helpers.h"

namespace pietune::testing {
namespace {

const std::string kCopies = PIETUNE_SOURCE_DIR "/model/machines/calibration/x51_copies.S";

std::string state_file(int bytes) {
  const auto path = std::filesystem::temp_directory_path() / ("pietune_time_state_" + std::to_string(bytes) + ".json");
  std::ofstream(path) << R"({"ar": {"a2": "0x3fc90000", "a3": "0x3fca0000", "a4": )" << bytes << "}}";
  return path.string();
}

TEST(TimeCli, CopyLoopCyclesFollowFromThePipelineRules) {
  // copy_pie_32 on 3200 bytes: entry, srli, loopnez, 100 x (vld, vld, vst, vst) without stalls
  // (each store reads a register loaded two instructions earlier), retw.n, then the 2-cycle return
  // bubble: 3 + 400 + 1 + 2 cycles.
  CliResult r = run_pietune({"time", kCopies, "--entry", "copy_pie_32", "--state", state_file(3200), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_DOUBLE_EQ(doc["cycles"].get<double>(), 406);
  EXPECT_EQ(doc["instructions"].get<int>(), 404);
  EXPECT_DOUBLE_EQ(doc["breakdown"]["branch"].get<double>(), 2);
}

TEST(TimeCli, TimelineNamesTheStallAndItsCulprit) {
  // copy_pie_16: the store reads q0 one instruction after its load: one stall per iteration.
  CliResult r = run_pietune({"time", kCopies, "--entry", "copy_pie_16", "--state", state_file(3200), "--timeline"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("data stall         200.0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("hottest loop: one steady-state iteration, 3 cycles"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("waits 1 cycle for q0 written by ee.vld.128.ip at line 13"), std::string::npos) << r.out;
}

TEST(TimeCli, BadInputExitsTwoWithOneLine) {
  CliResult missing = run_pietune({"time", "no_such_kernel.S", "--entry", "f"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(missing.err, "pietune: no_such_kernel.S: cannot open assembly file\n");
  CliResult symbol = run_pietune({"time", kCopies, "--entry", "not_there"});
  EXPECT_EQ(symbol.exit_code, 2);
  EXPECT_NE(symbol.err.find("not_there"), std::string::npos) << symbol.err;
  const auto bad_state = std::filesystem::temp_directory_path() / "pietune_bad_time_state.json";
  std::ofstream(bad_state) << R"({"ar": {"a2": 1}, "warp": 9})";
  CliResult state = run_pietune({"time", kCopies, "--entry", "copy_pie_32", "--state", bad_state.string()});
  EXPECT_EQ(state.exit_code, 2);
  EXPECT_NE(state.err.find("warp"), std::string::npos) << state.err;
  const auto bad_machine = std::filesystem::temp_directory_path() / "pietune_bad_machine.json";
  std::ofstream(bad_machine) << R"({"name": "x", "parameters": {}})";
  CliResult machine = run_pietune({"time", kCopies, "--entry", "copy_pie_32", "--machine", bad_machine.string()});
  EXPECT_EQ(machine.exit_code, 2);
  EXPECT_NE(machine.err.find("missing parameter 'clock_hz'"), std::string::npos) << machine.err;
}

TEST(TimeCli, InstructionLimitIsAClearError) {
  CliResult r = run_pietune({"time", kCopies, "--entry", "copy_pie_16", "--state", state_file(3200), "--max-instr", "50"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("instruction limit 50"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace pietune::testing
