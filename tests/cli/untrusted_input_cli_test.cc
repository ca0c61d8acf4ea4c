// Untrusted input through the real `pietune` (issue 12 items 4 and 9): a number that overflows a
// double, or a document nested too deep, in a layer file or a state file is an input error for
// every command that reads one (exit 2, one "pietune: FILE: ..." line), not an abort; /dev/zero
// and files over the size limits are refused at once, not read until memory runs out.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cli_run_helpers.h"

namespace pietune::testing {
namespace {

namespace fs = std::filesystem;

const std::string kDot = PIETUNE_SOURCE_DIR "/tests/data/asm/dot_s8.S";

class UntrustedInputCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("pietune_untrusted_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "_" +
            std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_ / name, std::ios::binary) << text;
    return (dir_ / name).string();
  }
  // A file of `bytes` zero bytes that takes no disk space.
  std::string sparse(const std::string& name, std::uintmax_t bytes) const {
    std::ofstream(dir_ / name).close();
    fs::resize_file(dir_ / name, bytes);
    return (dir_ / name).string();
  }
  // Every command that reads a model, on `file`.
  std::vector<std::vector<std::string>> model_commands(const std::string& file) const {
    return {{"inspect", file},
            {"inspect", "--json", file},
            {"query", "--layer", file},
            {"explain", file, "--layer", "0", "--no-db"},
            {"variants", file},
            {"verify", "--layer", file},
            {"run", file, "--random-input", "1", "--output", (dir_ / "out.bin").string()},
            {"tune", file, "--out", (dir_ / "out").string(), "--db", (dir_ / "tune.db").string()}};
  }
  void expect_input_error(const std::vector<std::string>& args, const std::string& message) const {
    const CliResult r = run_pietune(args);
    EXPECT_EQ(r.exit_code, 2) << args[0] << ": " << r.err;
    EXPECT_EQ(r.err, "pietune: " + message + "\n") << args[0];
  }

  fs::path dir_;
};

const std::string kLayer = R"({"op": "RESHAPE", "inputs": [{"shape": [1, 2]}], "outputs": [{"shape": [2]}]})";

TEST_F(UntrustedInputCli, ALayerFileNumberThatOverflowsADoubleIsAnInputError) {
  std::string text = kLayer;
  text.replace(text.find("[1, 2]"), 6, "[1, 1e999]");
  const std::string file = write("overflow.json", text);
  for (const std::vector<std::string>& args : model_commands(file))
    expect_input_error(args, file + ": invalid JSON: number overflow parsing '1e999'");
}

TEST_F(UntrustedInputCli, ALayerFileNestedTooDeepIsAnInputError) {
  const std::string file = write("deep.json", std::string(100000, '[') + std::string(100000, ']'));
  for (const std::vector<std::string>& args : model_commands(file))
    expect_input_error(args, file + ": invalid JSON: nested deeper than 128 levels");
}

TEST_F(UntrustedInputCli, AStateFileNumberThatOverflowsADoubleIsAnInputError) {
  const std::string state = write("state.json", R"({"ar": {"a2": 1e999}})");
  expect_input_error({"emu", kDot, "--entry", "dot_s8", "--state", state},
                     state + ": invalid JSON: number overflow parsing '1e999'");
  const std::string negative = write("negative.json", R"({"accx": -1e999})");
  expect_input_error({"emu", kDot, "--entry", "dot_s8", "--state", negative},
                     negative + ": invalid JSON: number overflow parsing '-1e999'");
}

TEST_F(UntrustedInputCli, ModelsAreRefusedByTheirSizeBeforeReading) {
  const std::string big = sparse("big.tflite", std::uintmax_t{3} << 30);
  expect_input_error({"inspect", big},
                     big + ": 3221225472 bytes, more than 2147483646 (models of 2 GiB and more are not supported)");
  expect_input_error({"inspect", "/dev/zero"}, "/dev/zero: not a regular file or pipe");
}

TEST_F(UntrustedInputCli, StateFileBlocksAreBoundedByTheirRegion) {
  sparse("big.bin", std::uintmax_t{1} << 30);
  const std::string big = write("big.json", R"({"memory": [{"addr": "0x3d000000", "file": "big.bin"}]})");
  expect_input_error({"emu", kDot, "--entry", "dot_s8", "--state", big},
                     big + ": memory[0].file: '" + (dir_ / "big.bin").string() +
                         "': 1073741824 bytes, more than 16777216 (the bytes from 0x3d000000 to the end of its region)");
  const std::string zero = write("zero.json", R"({"memory": [{"addr": "0x3fc90000", "file": "/dev/zero"}]})");
  expect_input_error({"emu", kDot, "--entry", "dot_s8", "--state", zero},
                     zero + ": memory[0].file: cannot read '/dev/zero': not a regular file or pipe");
  expect_input_error({"emu", kDot, "--entry", "dot_s8", "--state", "/dev/zero"},
                     "/dev/zero: cannot open state file: not a regular file or pipe");
  expect_input_error({"emu", "/dev/zero", "--entry", "dot_s8"}, "/dev/zero: cannot open assembly file");
}

}  // namespace
}  // namespace pietune::testing
