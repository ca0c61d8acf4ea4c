// asm round trip over the hand-written kernels of tests/data/asm: parse, print, parse, print again.
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "emu_bridge/asm/asm_parser.h"
#include "emu_bridge/asm/asm_printer.h"
#include "tests/emu_bridge/asm_random_helpers.h"

namespace pietune::emu {
namespace {

TEST(AsmRoundTripFiles, HandWrittenKernelsPrintAndParseBackIdentically) {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(PIETUNE_SOURCE_DIR "/tests/data/asm")) {
    if (entry.path().extension() != ".S") continue;
    ++files;
    const model::Program original = parse_assembly_file(entry.path().string());
    const std::string text = print_assembly(original);
    const model::Program again = parse_assembly(text, entry.path().filename().string());
    EXPECT_EQ(print_assembly(again), text) << entry.path();
    EXPECT_EQ(testing::describe(again), testing::describe(original)) << entry.path();
  }
  EXPECT_GE(files, 3);
}

TEST(AsmRoundTripFiles, PrintsTheCanonicalForm) {
  const model::Program p = parse_assembly_file(PIETUNE_SOURCE_DIR "/tests/data/asm/requant_clamp.S");
  // The file's code is in .iram1: the printed form keeps it there (ESP-IDF's IRAM placement).
  const std::string expected =
      "    .section .iram1.requant_clamp,\"ax\"\n"
      "    .align 4\n"
      "    .global requant_clamp\n"
      "    .type requant_clamp, @function\n"
      "requant_clamp:\n"
      "    entry a1, 48\n"
      "    beqz a4, .Lrq_done\n"
      "    movi a9, -128\n"
      "    movi a10, 127\n"
      "    ssr a6\n"
      ".Lrq_top:\n"
      "    l32i a7, a2, 0\n"
      "    mulsh a8, a7, a5\n"
      "    mull a7, a7, a5\n"
      "    src a7, a8, a7\n"
      "    addi a7, a7, 5\n"
      "    max a7, a7, a9\n"
      "    min a7, a7, a10\n"
      "    s8i a7, a3, 0\n"
      "    addi.n a2, a2, 4\n"
      "    addi.n a3, a3, 1\n"
      "    addi a4, a4, -1\n"
      "    bnez a4, .Lrq_top  # trips=64\n"
      ".Lrq_done:\n"
      "    retw.n\n"
      "    .size requant_clamp, .-requant_clamp\n";
  EXPECT_EQ(print_assembly(p), expected);
}

}  // namespace
}  // namespace pietune::emu
