// cli_test: the pietune executable as a user runs it: exit codes, stdout, and the one-line stderr
// message for bad input (no crash, no sanitizer report: any of those changes the exit or stderr).
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli_run_helpers.h"
#include "tuner/tflite/tflite_subset_generated.h"

namespace pietune {
namespace {

namespace fs = std::filesystem;
using testing::CliResult;  // tests/cli/cli_run_helpers.h (shared with the other CLI tests)
using ::testing::HasSubstr;
using ::testing::StartsWith;

const std::string kModels = std::string(PIETUNE_SOURCE_DIR) + "/examples/models/";

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(PIETUNE_BINARY_DIR) / "test-tmp" / "cli" /
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  CliResult run(const std::vector<std::string>& args) { return testing::run_pietune(args); }
  std::string write(const std::string& name, const std::string& content) {
    const fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << content;
    return path.string();
  }
  // Bad input: exit 2, nothing on stdout, exactly one stderr line "pietune: <expected>".
  void expect_input_error(const std::vector<std::string>& args, const std::string& expected) {
    const CliResult r = run(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;  // a crash would show as 128 + signal
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "pietune: " + expected + "\n");
  }
  fs::path dir_;
};

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST_F(CliTest, InspectPrintsTheTable) {
  const CliResult r = run({"inspect", kModels + "person_detect.tflite"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_THAT(r.out, StartsWith("person_detect: 31 layers\n"));
  EXPECT_THAT(r.out, HasSubstr("DEPTHWISE_CONV_2D  1x96x96x1"));
  EXPECT_THAT(r.out, HasSubstr("all                  31 layers        7,157,888"));
}

TEST_F(CliTest, InspectJsonCanBeInspectedAgain) {
  const CliResult json = run({"inspect", kModels + "kws_ref_model.tflite", "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_THAT(json.out, StartsWith("[\n"));
  EXPECT_THAT(json.out, HasSubstr("\"op\": \"CONV_2D\""));
  const std::string path = write("kws.json", json.out);
  const CliResult from_json = run({"inspect", path});
  const CliResult from_tflite = run({"inspect", kModels + "kws_ref_model.tflite"});
  ASSERT_EQ(from_json.exit_code, 0) << from_json.err;
  // Same table apart from the model name on the first line ("kws" vs "kws_ref_model").
  EXPECT_EQ(from_json.out.substr(from_json.out.find('\n')),
            from_tflite.out.substr(from_tflite.out.find('\n')));
}

TEST_F(CliTest, VersionAndHelp) {
  const CliResult version = run({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_THAT(version.out, StartsWith("pietune "));
  const CliResult help = run({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, HasSubstr("inspect"));
  const CliResult inspect_help = run({"inspect", "--help"});
  EXPECT_EQ(inspect_help.exit_code, 0);
  EXPECT_THAT(inspect_help.out, HasSubstr("--json"));
}

TEST_F(CliTest, UsageErrorsExitWith2) {
  // Before a subcommand is selected the hint is the top-level help; after, the subcommand's.
  for (const std::vector<std::string>& args : {std::vector<std::string>{}, {"frobnicate"}}) {
    const CliResult r = run(args);
    EXPECT_EQ(r.exit_code, 2) << (args.empty() ? "" : args[0]);
    EXPECT_THAT(r.err, StartsWith("pietune: "));
    EXPECT_THAT(r.err, HasSubstr("(run 'pietune --help')\n"));
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"inspect"}, {"inspect", "a", "b"}, {"inspect", kModels + "person_detect.tflite", "--bogus"}}) {
    const CliResult r = run(args);
    EXPECT_EQ(r.exit_code, 2) << args.size();
    EXPECT_THAT(r.err, StartsWith("pietune inspect: "));
    EXPECT_THAT(r.err, HasSubstr("(run 'pietune inspect --help')\n"));
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}

TEST_F(CliTest, MissingFile) {
  const std::string path = (dir_ / "missing.tflite").string();
  expect_input_error({"inspect", path}, path + ": cannot open: No such file or directory");
}

TEST_F(CliTest, EmptyFile) {
  const std::string path = write("empty.tflite", "");
  expect_input_error({"inspect", path}, path + ": empty file");
}

TEST_F(CliTest, TruncatedModel) {
  const std::string bytes = file_bytes(kModels + "vww_96_int8.tflite");
  const std::string path = write("vww_cut.tflite", bytes.substr(0, 100000));
  expect_input_error({"inspect", path}, path + ": flatbuffer verification failed (truncated or corrupt file)");
  const std::string tiny = write("tiny.tflite", bytes.substr(0, 6));
  expect_input_error({"inspect", tiny},
                     tiny + ": neither a .tflite model (no \"TFL3\" at bytes 4..7) nor a JSON layer file");
}

TEST_F(CliTest, RandomBytes) {
  std::string noise(4096, '\0');
  std::uint32_t x = 12345;
  for (char& c : noise) {
    x = x * 1664525u + 1013904223u;  // fixed LCG: the same bytes every run
    c = static_cast<char>(x >> 24);
  }
  noise[0] = '\x01';  // not '{' or '['
  const std::string path = write("noise.tflite", noise);
  expect_input_error({"inspect", path},
                     path + ": neither a .tflite model (no \"TFL3\" at bytes 4..7) nor a JSON layer file");
  noise.replace(4, 4, "TFL3");  // right identifier, garbage flatbuffer
  const std::string with_id = write("noise_id.tflite", noise);
  expect_input_error({"inspect", with_id},
                     with_id + ": flatbuffer verification failed (truncated or corrupt file)");
}

TEST_F(CliTest, OutOfRangeIndexPatchedIntoARealModel) {
  const std::string original = file_bytes(kModels + "person_detect.tflite");
  const tflite::SubGraph* graph =
      tflite::GetModel(reinterpret_cast<const std::uint8_t*>(original.data()))->subgraphs()->Get(0);
  // Operator 5's input list starts with tensor index 58 (the output of operator 4, read off the
  // file); overwrite it with 1000 (little-endian int32, 4-byte aligned) in a copy.
  const auto* inputs = graph->operators()->Get(5)->inputs();
  const auto at = static_cast<std::size_t>(reinterpret_cast<const char*>(inputs->Data()) - original.data());
  std::string bytes = original;
  bytes.replace(at, 4, std::string("\xe8\x03\x00\x00", 4));
  const std::string path = write("person_bad_index.tflite", bytes);
  expect_input_error({"inspect", path},
                     path + ": operator 5 (DEPTHWISE_CONV_2D): input 0: tensor index 1000 out of range (89 tensors)");
}

TEST_F(CliTest, JsonLayerWithImpossibleShapes) {
  const std::string conv = R"({"op": "CONV_2D", "weights": {"shape": [4, 3, 3, 3]}, )";
  const std::string negative = write("negative.json", "[" + conv + R"("inputs": [{"shape": [1, 8, -8, 3]}],
      "outputs": [{"shape": [1, 6, 6, 4]}]}])");
  expect_input_error({"inspect", negative}, negative + ": layer 0: inputs[0]: shape 1x8x-8x3: dimension 2 is -8");
  const std::string zero = write("zero.json", "[" + conv + R"("inputs": [{"shape": [1, 8, 8, 3]}],
      "outputs": [{"shape": [1, 6, 0, 4]}]}])");
  expect_input_error({"inspect", zero}, zero + ": layer 0: output 0: shape 1x6x0x4: dimension 2 is 0");
  const std::string big_kernel = write("kernel.json", "[" + conv + R"("inputs": [{"shape": [1, 8, 2, 3]}],
      "outputs": [{"shape": [1, 6, 1, 4]}]}])");
  expect_input_error({"inspect", big_kernel},
                     big_kernel + ": layer 0: kernel 3x3 larger than padded input 8x2 (VALID)");
  const std::string channels = write("channels.json", "[" + conv + R"("inputs": [{"shape": [1, 8, 8, 5]}],
      "outputs": [{"shape": [1, 6, 6, 4]}]}])");
  expect_input_error({"inspect", channels},
                     channels + ": layer 0: input channels 5 not a multiple of weights input channels 3");
  const std::string broken = write("broken.json", "[{\"op\": ");
  const CliResult r = run({"inspect", broken});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, StartsWith("pietune: " + broken + ": invalid JSON: parse error at line 1"));
}

}  // namespace
}  // namespace pietune
