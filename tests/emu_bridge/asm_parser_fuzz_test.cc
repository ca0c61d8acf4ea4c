// asm_parser fuzzing: mutated kernels either parse (and then round-trip) or give an InputError with a
// "file:line:column: " prefix; never a crash, hang or sanitizer report.
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "emu_bridge/asm/asm_parser.h"
#include "emu_bridge/asm/asm_printer.h"
#include "model/support/error.h"
#include "tests/emu_bridge/asm_random_helpers.h"

namespace pietune::emu {
namespace {

constexpr int kMutants = 4000;

// "fuzz.S:<line>:<column>: <something>".
bool is_located(std::string_view message) {
  constexpr std::string_view kPrefix = "fuzz.S:";
  if (!message.starts_with(kPrefix)) return false;
  std::size_t i = kPrefix.size();
  for (int field = 0; field < 2; ++field) {
    const std::size_t start = i;
    while (i < message.size() && message[i] >= '0' && message[i] <= '9') ++i;
    if (i == start || i >= message.size() || message[i] != ':') return false;
    ++i;
  }
  return message.substr(i).starts_with(" ") && message.size() > i + 1;
}

std::string mutate(std::string text, std::mt19937& rng) {
  static const std::string kAlphabet = "aq0123456789,.:;#/*()-+x \n\t\"Lsp_=~<>|&^%!";
  std::uniform_int_distribution<std::size_t> where(0, text.size());
  for (int edits = std::uniform_int_distribution<int>(1, 4)(rng); edits > 0; --edits) {
    const std::size_t at = where(rng) % (text.size() + 1);
    const char c = kAlphabet[std::uniform_int_distribution<std::size_t>(0, kAlphabet.size() - 1)(rng)];
    switch (std::uniform_int_distribution<int>(0, 2)(rng)) {
      case 0: text.insert(at, 1, c); break;
      case 1: if (at < text.size()) text.erase(at, 1); break;
      default: if (at < text.size()) text[at] = c; break;
    }
  }
  return text;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(AsmParserFuzz, MutatedKernelsParseOrFailCleanly) {
  std::mt19937 rng(20240607);
  // Whole hand-written kernels, and windows of a long random program (mostly undefined labels then).
  const std::vector<std::string> kernels = {read_text(PIETUNE_SOURCE_DIR "/tests/data/asm/dot_s8.S"),
                                            read_text(PIETUNE_SOURCE_DIR "/tests/data/asm/requant_clamp.S"),
                                            read_text(PIETUNE_SOURCE_DIR "/tests/data/asm/dwconv_rows.S")};
  const std::string random_text = print_assembly(testing::random_program(7));
  int accepted = 0;
  for (int i = 0; i < kMutants; ++i) {
    std::string original;
    if (i % 2 == 0) {
      original = kernels[static_cast<std::size_t>(i / 2) % kernels.size()];
    } else {
      const std::size_t start = std::uniform_int_distribution<std::size_t>(0, random_text.size() - 600)(rng);
      original = "f:\n" + random_text.substr(start, 600);
    }
    const std::string text = mutate(original, rng);
    try {
      const model::Program p = parse_assembly(text, "fuzz.S");
      const std::string printed = print_assembly(p);
      ASSERT_EQ(print_assembly(parse_assembly(printed, "again.S")), printed) << text;
      ++accepted;
    } catch (const InputError& e) {
      ASSERT_TRUE(is_located(e.what())) << e.what() << "\nfor:\n" << text;
    }
  }
  EXPECT_GT(accepted, kMutants / 20);
}

}  // namespace
}  // namespace pietune::emu
