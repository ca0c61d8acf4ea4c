// The output folder as an ESP-IDF component (issue 16 item 1): CMakeLists.txt and
// idf_component.yml next to the header and .S; the scratch buffer given by the caller; per-layer
// alignment and over-read; the model file's size and hash with a C check that recognises the file
// (compiled and run); a folder whose CMakeLists.txt pietune did not write is refused, untouched.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "tests/cli/cli_run_helpers.h"

namespace pietune {
namespace {

using testing::run_pietune;

const std::string kLayers = PIETUNE_SOURCE_DIR "/tests/data/layers/conv_dw_fc.json";

testing::CliResult tune_into(const std::string& out, const std::string& db) {
  return run_pietune({"tune", kLayers, "--out", out, "--db", db, "--verify-cases", "1", "--quiet"});
}

TEST(ComponentCli, OutputFolderIsAnEspIdfComponent) {
  const testing::ScratchDir scratch("pietune_component");
  const testing::CliResult r = tune_into(scratch.path("out"), scratch.path("db.sqlite"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string cmake = testing::read_file(scratch.path("out/CMakeLists.txt"));
  EXPECT_NE(cmake.find("idf_component_register(SRCS \"conv_dw_fc_pietune.S\""), std::string::npos) << cmake;
  EXPECT_NE(cmake.find("INCLUDE_DIRS \".\""), std::string::npos);
  const std::string manifest = testing::read_file(scratch.path("out/idf_component.yml"));
  EXPECT_NE(manifest.find("targets:\n  - esp32s3\n"), std::string::npos) << manifest;
  EXPECT_NE(manifest.find("version: \"1.0."), std::string::npos);

  const std::string header = testing::read_file(scratch.path("out/conv_dw_fc_pietune.h"));
  EXPECT_NE(header.find("#define PIETUNE_CONV_DW_FC_SCRATCH_ALIGN 16"), std::string::npos);
  EXPECT_NE(header.find("_INPUT_OVERREAD_BYTES "), std::string::npos);
  EXPECT_NE(header.find("_INPUT_ALIGN "), std::string::npos);
  EXPECT_NE(header.find("static inline void pietune_conv_dw_fc_set_scratch(void* scratch)"), std::string::npos);
  const std::uintmax_t size = std::filesystem::file_size(kLayers);
  EXPECT_NE(header.find("#define PIETUNE_CONV_DW_FC_MODEL_BYTES " + std::to_string(size) + "u"), std::string::npos);
  // The scratch is the caller's: no .bss buffer in the .S.
  const std::string assembly = testing::read_file(scratch.path("out/conv_dw_fc_pietune.S"));
  EXPECT_EQ(assembly.find(".bss"), std::string::npos);

  // The C check recognises the file and nothing else.
  if (std::system("command -v cc >/dev/null 2>&1") != 0) GTEST_SKIP() << "no C compiler";
  const std::string program = scratch.path("check.c");
  std::ofstream(program) << "#include <stdio.h>\n#include <stdlib.h>\n#include \"conv_dw_fc_pietune.h\"\n"
                            "int main(int argc, char** argv) {\n"
                            "  static unsigned char buf[1 << 20];\n"
                            "  FILE* f = fopen(argv[1], \"rb\");\n"
                            "  size_t n = fread(buf, 1, sizeof buf, f);\n"
                            "  fclose(f);\n"
                            "  if (!pietune_conv_dw_fc_model_matches(buf, n)) return 1;\n"
                            "  buf[n / 2] ^= 1;\n"
                            "  if (pietune_conv_dw_fc_model_matches(buf, n)) return 2;\n"
                            "  if (pietune_conv_dw_fc_model_matches(buf, n - 1)) return 3;\n"
                            "  return argc == 2 ? 0 : 4;\n}\n";
  const std::string binary = scratch.path("check");
  // -O2 drops the header's unused layer table, which names kernels only the S3 build links.
  ASSERT_EQ(std::system(("cc -std=c99 -O2 -Wall -Wextra -Werror -I" + scratch.path("out") + " -o " + binary + " " +
                         program)
                            .c_str()),
            0);
  EXPECT_EQ(std::system((binary + " " + kLayers).c_str()), 0);
}

TEST(ComponentCli, RefusesAFolderWhoseCMakeListsIsNotOurs) {
  const testing::ScratchDir scratch("pietune_component_refuse");
  std::filesystem::create_directories(scratch.path("project"));
  const std::string theirs = "cmake_minimum_required(VERSION 3.16)\nproject(app)\n";
  std::ofstream(scratch.path("project/CMakeLists.txt")) << theirs;
  const testing::CliResult r = tune_into(scratch.path("project"), scratch.path("db.sqlite"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("was not written by pietune"), std::string::npos) << r.err;
  EXPECT_EQ(testing::read_file(scratch.path("project/CMakeLists.txt")), theirs);
  EXPECT_FALSE(std::filesystem::exists(scratch.path("project/conv_dw_fc_pietune.h")));
  // Our own component files are replaced by the next run.
  ASSERT_EQ(tune_into(scratch.path("out"), scratch.path("db.sqlite")).exit_code, 0);
  EXPECT_EQ(tune_into(scratch.path("out"), scratch.path("db.sqlite")).exit_code, 0);
}

}  // namespace
}  // namespace pietune
