// Options and input files refused the same way on every command: usage errors pointing at the
// subcommand's --help, explain's options that would do nothing, seeds and time limits out of range
// or nan, scale 0 in inspect as in tune, repeated keys in user JSON files, a UTF-8 byte order mark.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli_run_helpers.h"

namespace pietune::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::StartsWith;

const std::string kHelloWorld = PIETUNE_SOURCE_DIR "/examples/models/hello_world_int8.tflite";
const std::string kLayers = PIETUNE_SOURCE_DIR "/tests/data/layers/conv_dw_fc.json";
const std::string kDot = PIETUNE_SOURCE_DIR "/tests/data/asm/dot_s8.S";
const std::string kDotState = PIETUNE_SOURCE_DIR "/tests/data/asm/dot_s8_state.json";
const std::string kBom = "\xEF\xBB\xBF";

// A 1x1 CONV_2D whose output scale is `output_scale` (no fused activation, so no clamp needs it).
std::string conv_layer(const std::string& output_scale) {
  return fmt::format(R"([{{"op": "CONV_2D",
    "inputs": [{{"shape": [1, 8, 8, 16], "quantization": {{"scales": [0.5], "zero_points": [0]}}}}],
    "weights": {{"shape": [16, 1, 1, 16], "constant": true, "quantization": {{"scales": [0.02], "zero_points": [0]}}}},
    "bias": {{"shape": [16], "type": "int32", "constant": true}},
    "outputs": [{{"shape": [1, 8, 8, 16], "quantization": {{"scales": [{}], "zero_points": [0]}}}}]}}])",
                     output_scale);
}

class OptionChecksCli : public ::testing::Test {
 protected:
  std::string path(const std::string& name) const { return scratch_.path(name); }
  std::string write(const std::string& name, const std::string& text) const {
    fs::create_directories(fs::path(path(name)).parent_path());
    std::ofstream(path(name), std::ios::binary) << text;
    return path(name);
  }

  testing::ScratchDir scratch_{"pietune_option_cli"};
};

TEST_F(OptionChecksCli, UsageErrorsNameTheSubcommandsHelp) {
  CliResult r = run_pietune({"tune", kHelloWorld, "--bogus"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, StartsWith("pietune tune: "));
  EXPECT_THAT(r.err, HasSubstr("--bogus"));
  EXPECT_THAT(r.err, EndsWith(" (run 'pietune tune --help')\n"));
  r = run_pietune({"db", "show"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "pietune db show: RUN is required (run 'pietune db show --help')\n");
  r = run_pietune({"frobnicate"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, StartsWith("pietune: "));
  EXPECT_THAT(r.err, EndsWith(" (run 'pietune --help')\n"));
}

// explain searches one layer: it neither verifies nor runs workers nor stops on a deadline.
TEST_F(OptionChecksCli, ExplainRefusesOptionsThatDoNothingThere) {
  for (const std::vector<std::string>& option :
       {std::vector<std::string>{"--time-limit", "5"}, {"--jobs", "2"}, {"--verify-cases", "3"}}) {
    std::vector<std::string> args = {"explain", kLayers, "--layer", "0", "--no-db"};
    args.insert(args.end(), option.begin(), option.end());
    const CliResult r = run_pietune(args);
    EXPECT_EQ(r.exit_code, 2) << option[0];
    EXPECT_THAT(r.err, StartsWith("pietune explain: ")) << r.err;
    EXPECT_THAT(r.err, HasSubstr(option[0])) << r.err;
    EXPECT_EQ(r.out, "");
  }
  const CliResult both = run_pietune({"explain", kLayers, "--layer", "0", "--no-db", "--db", path("db.sqlite")});
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_EQ(both.err, "pietune explain: --no-db excludes --db (run 'pietune explain --help')\n");
  EXPECT_FALSE(fs::exists(path("db.sqlite")));

  const CliResult used = run_pietune({"explain", kLayers, "--layer", "0", "--no-db", "--budget", "4", "--seed", "3"});
  EXPECT_EQ(used.exit_code, 0) << used.err;
}

// Before the fix CLI11 wrapped "-1" to 2^64-1 and saturated overflow: every seed option takes
// only decimal integers that fit, on every command that has one.
TEST_F(OptionChecksCli, SeedsOutOfRangeOrNotIntegersAreRefused) {
  struct Command {
    std::vector<std::string> args;
    std::string option;
  };
  const std::vector<Command> commands = {
      {{"tune", kHelloWorld, "--db", path("db.sqlite"), "--out", path("out")}, "--seed"},
      {{"explain", kLayers, "--layer", "0", "--no-db"}, "--seed"},
      {{"query", "--layer", kLayers, "--index", "0"}, "--seed"},
      {{"serve"}, "--seed"},
      {{"verify", "--layer", kLayers, "--index", "0"}, "--seed"},
      {{"run", kHelloWorld, "--output", path("out.bin")}, "--random-input"},
  };
  for (const Command& c : commands) {
    for (const std::string value : {"-1", "nan", "18446744073709551616", "1.5", "0x10", "1e3"}) {
      std::vector<std::string> args = c.args;
      args.push_back(c.option);
      args.push_back(value);
      const CliResult r = run_pietune(args);
      EXPECT_EQ(r.exit_code, 2) << c.args[0] << " " << value;
      EXPECT_EQ(r.err, fmt::format("pietune {0}: {1}: {2}: expected an integer from 0 to 18446744073709551615 "
                                   "(run 'pietune {0} --help')\n",
                                   c.args[0], c.option, value));
    }
  }
  EXPECT_FALSE(fs::exists(path("db.sqlite")));
  EXPECT_FALSE(fs::exists(path("out.bin")));
}

TEST_F(OptionChecksCli, SeedsAreReadAsDecimalUpTo2To64Minus1) {
  const auto output_of = [&](const std::string& seed) {
    const CliResult r = run_pietune({"run", kHelloWorld, "--random-input", seed, "--output", path("out.bin")});
    EXPECT_EQ(r.exit_code, 0) << seed << ": " << r.err;
    std::ifstream in(path("out.bin"), std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  };
  EXPECT_EQ(output_of("010"), output_of("10")) << "a leading 0 is not octal";
  output_of("18446744073709551615");
}

TEST_F(OptionChecksCli, TimeLimitNanInfiniteOrOutOfRangeIsRefused) {
  for (const auto& [value, shown] : std::vector<std::pair<std::string, std::string>>{
           {"nan", "nan"}, {"-1", "-1"}, {"inf", "inf"}, {"1e999", "inf"}, {"604801", "604801"}}) {
    const CliResult r = run_pietune({"tune", kHelloWorld, "--db", path("db.sqlite"), "--out", path("out"),
                                     "--time-limit", value});
    EXPECT_EQ(r.exit_code, 2) << value;
    EXPECT_EQ(r.err, "pietune: --time-limit: " + shown + ": expected seconds from 0 (no limit) to 604800 (a week)\n");
  }
  EXPECT_FALSE(fs::exists(path("db.sqlite")));
}

TEST_F(OptionChecksCli, InspectRefusesScaleZeroAsTuneDoes) {
  const std::string file = write("zero_scale.json", conv_layer("0"));
  const CliResult inspect = run_pietune({"inspect", file});
  EXPECT_EQ(inspect.exit_code, 2);
  EXPECT_EQ(inspect.out, "");
  EXPECT_EQ(inspect.err, "pietune: " + file + ": layer 0: output 0: scale 0 is not a positive number\n");
  const CliResult tune = run_pietune({"tune", file, "--db", path("db.sqlite"), "--out", path("out")});
  EXPECT_EQ(tune.exit_code, 2);
  EXPECT_THAT(tune.err, HasSubstr("output 0: scale 0 is not a positive number\n"));

  const CliResult positive = run_pietune({"inspect", write("positive.json", conv_layer("0.25"))});
  EXPECT_EQ(positive.exit_code, 0) << positive.err;
}

// Which of two values wins is the parser's choice, not the user's: layer files, machine files and
// variant files refuse a repeated key as state files do.
TEST_F(OptionChecksCli, JsonFilesRefuseARepeatedKey) {
  const std::string layer = write("twice.json", R"({"op": "SOFTMAX", "op": "RESHAPE",
      "inputs": [{"shape": [1, 2]}], "outputs": [{"shape": [1, 2]}]})");
  CliResult r = run_pietune({"inspect", layer});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "pietune: " + layer + ": key 'op' given twice\n");

  const std::string machine = write("machine.json", R"({"name": "fast", "name": "slow"})");
  r = run_pietune({"time", kDot, "--entry", "dot_s8", "--state", kDotState, "--machine", machine});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "pietune: " + machine + ": key 'name' given twice\n");

  const std::string variant = write("variant.json", R"({"family": "conv_accx", "family": "conv_pw", "params": {}})");
  r = run_pietune({"verify", "--layer", kLayers, "--index", "0", "--variant", variant});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "pietune: " + variant + ": key 'family' given twice\n");
}

TEST_F(OptionChecksCli, LayerAndStateFilesMayStartWithAByteOrderMark) {
  const std::string layer = R"([{"op": "SOFTMAX", "inputs": [{"shape": [1, 2]}], "outputs": [{"shape": [1, 2]}]}])";
  const CliResult plain = run_pietune({"inspect", write("plain/layer.json", layer)});
  const CliResult bom = run_pietune({"inspect", write("bom/layer.json", kBom + layer)});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_EQ(bom.exit_code, 0) << bom.err;
  EXPECT_EQ(bom.out, plain.out);

  std::ifstream state_in(kDotState, std::ios::binary);
  const std::string state((std::istreambuf_iterator<char>(state_in)), std::istreambuf_iterator<char>());
  const CliResult emu_plain = run_pietune({"emu", kDot, "--entry", "dot_s8", "--state", kDotState});
  const CliResult emu_bom = run_pietune({"emu", kDot, "--entry", "dot_s8", "--state", write("state.json", kBom + state)});
  ASSERT_EQ(emu_plain.exit_code, 0) << emu_plain.err;
  EXPECT_EQ(emu_bom.exit_code, 0) << emu_bom.err;
  EXPECT_EQ(emu_bom.out, emu_plain.out);
}

}  // namespace
}  // namespace pietune::testing
