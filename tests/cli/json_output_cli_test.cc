// `--json` on run, emu and calibrate: one JSON document on stdout saying what the text output
// says; and calibrate run from a folder outside the repository (it finds its manifest from the
// binary, not the current folder).
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_run_helpers.h"

namespace pietune::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

const std::string kHelloWorld = PIETUNE_SOURCE_DIR "/examples/models/hello_world_int8.tflite";
const std::string kDot = PIETUNE_SOURCE_DIR "/tests/data/asm/dot_s8.S";
const std::string kDotState = PIETUNE_SOURCE_DIR "/tests/data/asm/dot_s8_state.json";

class JsonOutputCli : public ::testing::Test {
 protected:
  std::string path(const std::string& name) const { return scratch_.path(name); }

  // The whole of stdout as one JSON document.
  static nlohmann::json json_of(const CliResult& r) {
    try {
      return nlohmann::json::parse(r.out);
    } catch (const nlohmann::json::exception&) {
      ADD_FAILURE() << "stdout is not one JSON document: " << r.out << "\nstderr: " << r.err;
      return {};
    }
  }

  testing::ScratchDir scratch_{"pietune_json_cli"};
};

TEST_F(JsonOutputCli, RunPrintsItsSummaryAsJson) {
  const CliResult text = run_pietune({"run", kHelloWorld, "--random-input", "7", "--output", path("text.bin")});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  const CliResult r = run_pietune({"run", kHelloWorld, "--random-input", "7", "--output", path("out.bin"), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = json_of(r);
  EXPECT_EQ(j["model"], "hello_world_int8");
  EXPECT_THAT(text.out, HasSubstr(fmt::format("hello_world_int8: {} layers, double rounding", j["layers"].get<int>())));
  EXPECT_EQ(j["rounding"], "double");
  EXPECT_TRUE(j["input_file"].is_null());
  EXPECT_EQ(j["random_seed"], 7);
  EXPECT_EQ(j["inputs"], nlohmann::json::parse(R"([{"shape": [1, 1], "type": "int8"}])"));
  EXPECT_EQ(j["outputs"], nlohmann::json::parse(R"([{"shape": [1, 1], "type": "int8"}])"));
  EXPECT_EQ(j["output_file"], path("out.bin"));
  EXPECT_EQ(j["output_bytes"], fs::file_size(path("out.bin")));

  std::ofstream(path("in.bin"), std::ios::binary) << '\x05';
  const CliResult from_file = run_pietune({"run", kHelloWorld, "--input", path("in.bin"), "--output", path("f.bin"),
                                           "--single-rounding", "--json"});
  ASSERT_EQ(from_file.exit_code, 0) << from_file.err;
  const nlohmann::json f = json_of(from_file);
  EXPECT_EQ(f["input_file"], path("in.bin"));
  EXPECT_TRUE(f["random_seed"].is_null());
  EXPECT_EQ(f["rounding"], "single");
}

TEST_F(JsonOutputCli, EmuPrintsItsSummaryAsJson) {
  // The README's example: "dot_s8: 13 instructions, a2 = -15136 (0xffffc4e0)".
  const CliResult r = run_pietune({"emu", kDot, "--entry", "dot_s8", "--state", kDotState, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json_of(r), nlohmann::json::parse(R"({"entry": "dot_s8", "instructions": 13, "a2": -15136,
      "a2_hex": "0xffffc4e0", "trace_file": null, "trace_lines": null, "state_file": null})"));

  const CliResult files = run_pietune({"emu", kDot, "--entry", "dot_s8", "--state", kDotState, "--trace",
                                       path("t.jsonl"), "--dump-state", path("dump.json"), "--json"});
  ASSERT_EQ(files.exit_code, 0) << files.err;
  const nlohmann::json j = json_of(files);
  EXPECT_EQ(j["trace_file"], path("t.jsonl"));
  EXPECT_EQ(j["trace_lines"], 13);  // one line per executed instruction
  EXPECT_EQ(j["state_file"], path("dump.json"));
  EXPECT_TRUE(fs::exists(path("dump.json")));
}

TEST_F(JsonOutputCli, JsonErrorsStayOnStderr) {
  const CliResult r = run_pietune({"emu", "/nonexistent/k.S", "--entry", "f", "--json"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "pietune: /nonexistent/k.S: cannot open assembly file\n");
}

// Run from a folder outside the repository: the default manifest is found from the binary.
TEST_F(JsonOutputCli, CalibrateRunsFromAnyFolderAndPrintsJson) {
  ChildLimits elsewhere;
  elsewhere.working_dir = scratch_.dir();
  const CliResult r = run_pietune({"calibrate", "--json", "--out", "table.json"}, elsewhere);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream written(path("table.json"));  // --out is relative to the current folder, as given
  const nlohmann::json j = nlohmann::json::parse(written);
  EXPECT_EQ(j["machine"], "esp32s3");
  ASSERT_GT(j["rows"].size(), 10u);
  int cycle_rows = 0;
  for (const nlohmann::json& row : j["rows"]) {
    EXPECT_TRUE(row.contains("name") && row.contains("kind") && row.contains("published")) << row.dump();
    if (row["kind"] == "cycles") {
      ++cycle_rows;
      EXPECT_TRUE(row.contains("predicted") && row.contains("error_percent")) << row.dump();
    } else if (row["kind"] == "stall") {
      EXPECT_TRUE(row.contains("predicted") && row.contains("difference")) << row.dump();
    } else {
      EXPECT_EQ(row["kind"], "not_run");
      EXPECT_TRUE(row.contains("reason")) << row.dump();
    }
  }
  EXPECT_EQ(j["cycle_rows"], cycle_rows);
  EXPECT_GT(j["mape_percent"].get<double>(), 0.0);
}

TEST_F(JsonOutputCli, CalibrateNamesAManifestItCannotOpen) {
  const CliResult r = run_pietune({"calibrate", "--manifest", path("missing.json")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "pietune: " + path("missing.json") + ": cannot open calibration manifest\n");
}

}  // namespace
}  // namespace pietune::testing
