// Data in assembly files: the literal pool (.literal, l32r, movi relaxation) and the .rodata / .data /
// .bss / .dram* sections, their placement in the emulator, relocations, and the print/parse round trip.
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "emu_bridge/asm/asm_parser.h"
#include "emu_bridge/asm/asm_printer.h"
#include "emu_bridge/data_layout.h"
#include "emu_bridge/emulator.h"
#include "tests/emu_bridge/asm_random_helpers.h"

namespace pietune::emu {
namespace {

// Uses every data construct: a literal pool with a constant and an address, movi of a data label
// and of a large constant (both relaxed to l32r), .rodata with .byte/.short/.word/.align/.balign and
// a relocated word, .data written by the code, .bss, a .dram0 section, @object/.size on data.
constexpr std::string_view kTables = R"(
    .text
    .literal_position
    .literal .LC0, 0x12345678
    .literal .LC1, table + 4
    .align 4
    .global read_tables
    .type read_tables, @function
read_tables:
    entry a1, 32
    l32r a3, .LC0           # a3 = 0x12345678
    l32r a4, .LC1           # a4 = &table[4]
    l8ui a5, a4, 0          # 5
    movi a6, table          # relaxed: l32r of table's address
    l16si a7, a6, 8         # the .short -2
    l32i a8, a6, 12         # the .word: &counter
    l32i a9, a8, 0          # counter = 40
    addi a9, a9, 2
    s32i a9, a8, 0          # counter = 42
    movi a10, 100000        # out of imm12: relaxed too
    movi a11, zeros
    l32i a11, a11, 4        # 0 from .bss
    movi a12, dram_word
    l32i a12, a12, 0
    add a2, a3, a10
    add a2, a2, a5
    add a2, a2, a7
    add a2, a2, a11
    add a2, a2, a12
    retw.n
    .size read_tables, .-read_tables

    .section .rodata
    .balign 16
    .type table, @object
table:
    .byte 1, 2, 3, 4, 5, 6, 7, 8
    .short -2, 0xffff
    .align 4
    .word counter
    .size table, .-table

    .data
counter:
    .word 40

    .bss
zeros:
    .zero 16
    .space 4

    .section .dram0.data
dram_word:
    .long 7
)";

TEST(AsmData, L32r_loads_literals_and_data_sections_are_placed) {
  const model::Program program = parse_assembly(kTables, "tables.S");
  ASSERT_EQ(program.data.size(), 5u);  // .literal, .rodata, .data, .bss, .dram0.data
  EXPECT_EQ(program.data[0].name, ".literal");
  EXPECT_EQ(program.data[0].bytes.size(), 24u);  // .LC0, .LC1 and four relaxed movi literals
  Emulator emu(program);
  // The pool sits at the code base, the function after it.
  EXPECT_EQ(emu.symbol_address(".LC0"), kCodeBase);
  EXPECT_EQ(emu.function_address("read_tables"), kCodeBase + 24);
  EXPECT_EQ(emu.symbol_address("table"), kRodataBase);
  EXPECT_EQ(emu.symbol_address("counter"), kDataBase);
  EXPECT_EQ(emu.symbol_address("zeros"), kDataBase + 4);
  EXPECT_EQ(emu.symbol_address("dram_word"), kDataBase + 24);
  std::vector<MemAccess> l32r_reads;
  RunOptions options;
  options.trace = [&](const TraceEvent& e) {
    if (e.opcode == model::Opcode::kL32r) l32r_reads.insert(l32r_reads.end(), e.accesses.begin(), e.accesses.end());
  };
  const RunResult r = emu.call("read_tables", {}, options);
  EXPECT_EQ(r.return_value, 0x12345678u + 100000u + 5u - 2u + 0u + 7u);
  EXPECT_EQ(emu.memory().dump(kDataBase, 4), (std::vector<std::uint8_t>{42, 0, 0, 0}));
  ASSERT_EQ(l32r_reads.size(), 6u);
  EXPECT_EQ(l32r_reads[0].address, kCodeBase);
  EXPECT_EQ(l32r_reads[1].address, kCodeBase + 4);
  EXPECT_EQ(l32r_reads[0].bytes, 4);
  EXPECT_FALSE(l32r_reads[0].store);
}

TEST(AsmData, L32r_roundtrip_and_sections_print_back) {
  const model::Program parsed = parse_assembly(kTables, "tables.S");
  const std::string text = print_assembly(parsed);
  const model::Program again = parse_assembly(text, "printed.S");
  EXPECT_EQ(print_assembly(again), text);
  EXPECT_EQ(again.data, parsed.data);
  EXPECT_EQ(testing::describe(again), testing::describe(parsed));
  EXPECT_NE(text.find("    .literal .LC1, table + 4\n"), std::string::npos) << text;
  EXPECT_NE(text.find("    l32r a6, .Lpietune_lit0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("    .section .rodata\n    .balign 16\ntable:\n    .byte 1,2,3,4,5,6,7,8,254,255,255,255\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("    .word counter\n"), std::string::npos) << text;
  EXPECT_NE(text.find("    .section .bss\nzeros:\n    .zero 20\n"), std::string::npos) << text;
  // The printed file runs like the original.
  Emulator a(parsed), b(again);
  EXPECT_EQ(a.call("read_tables", {}).return_value, b.call("read_tables", {}).return_value);
}

TEST(AsmData, SpaceFillAndP2alignPad) {
  const model::Program p = parse_assembly(
      "    .section .rodata.cst\nx:\n    .byte 1\n    .p2align 2\ny:\n    .space 3, 0xAA\n    .balign 8\nz:\n    .2byte 258\n",
      "pad.S");
  ASSERT_EQ(p.data.size(), 1u);
  EXPECT_EQ(p.data[0].align_bytes, 8u);
  EXPECT_EQ(p.data[0].bytes, (std::vector<std::uint8_t>{1, 0, 0, 0, 0xAA, 0xAA, 0xAA, 0, 2, 1}));
  EXPECT_EQ(p.data[0].symbols, (std::vector<model::DataSymbol>{{"x", 0}, {"y", 4}, {"z", 8}}));
}

TEST(AsmData, RejectsBadDataWithExactMessages) {
  struct Case {
    std::string text, message;
  };
  const Case cases[] = {
      {"f:\n    entry a1, 32\n    l32r a2, .Lx\n.Lx:\n    retw.n\n",
       "bad.S:3:14: '.Lx' is not a literal (l32r loads a '.literal' entry)"},
      {"f:\n    l32r a2, .LC9\n", "bad.S:2:14: undefined literal '.LC9'"},
      {"    .data\nx:\n    .byte 256\n", "bad.S:3:11: value 256 does not fit in 1 byte (-128..255)"},
      {"    .data\n    .short table\n", "bad.S:2:12: a symbol's address needs 4 bytes ('.word'), not 2"},
      {"    .data\n    .word nowhere + 4\n", "bad.S:2:11: undefined symbol 'nowhere'"},
      {"    .section .rodata\n    movi a2, 1\n", "bad.S:2:5: instruction 'movi' in data section '.rodata'"},
      {"    .literal .LC0\n", "bad.S:1:5: '.literal' takes a label and at least one value"},
      {"    .data\n    .word x * 2\n", "bad.S:2:13: expected '+' or '-' after symbol 'x'"},
  };
  for (const Case& c : cases) {
    try {
      parse_assembly(c.text, "bad.S");
      ADD_FAILURE() << "accepted:\n" << c.text;
    } catch (const InputError& e) {
      EXPECT_EQ(std::string(e.what()), c.message) << "for:\n" << c.text;
    }
  }
}

TEST(AsmData, SectionPlacementByName) {
  EXPECT_EQ(placement_of(".rodata"), Placement::kFlash);
  EXPECT_EQ(placement_of(".rodata.str1.1"), Placement::kFlash);
  EXPECT_EQ(placement_of(".data"), Placement::kSram);
  EXPECT_EQ(placement_of(".bss.buffer"), Placement::kSram);
  EXPECT_EQ(placement_of(".dram0.data"), Placement::kSram);
  EXPECT_EQ(placement_of(".literal"), Placement::kLiteralPool);
  EXPECT_EQ(placement_of(".text"), std::nullopt);
  EXPECT_EQ(placement_of(".iram1.5"), std::nullopt);
  EXPECT_EQ(placement_of(".database"), std::nullopt);
}

TEST(AsmData, SramDataOverItsLimitIsAnError) {
  model::Program p;
  p.data.push_back(model::DataSection{".bss", 4, std::vector<std::uint8_t>(kDataLimit - kDataBase + 1), {}, {}});
  try {
    Emulator emu(p);
    FAIL() << "accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "section '.bss' (114689 bytes) does not fit: SRAM data (.data/.bss/.dram*) ends at 0x3fcfc000");
  }
}

// pietune's own emitted file (code in .iram1 sections, constants in .rodata) assembles and lays out.
TEST(AsmData, EmittedPersonDetectFileAssembles) {
  const std::filesystem::path file =
      std::filesystem::path(PIETUNE_SOURCE_DIR) / "results/person_detect/person_detect_pietune.S";
  if (!std::filesystem::exists(file)) GTEST_SKIP() << "no " << file;
  const model::Program program = parse_assembly_file(file.string());
  ASSERT_FALSE(program.data.empty());
  ASSERT_FALSE(program.functions.empty());
  EXPECT_TRUE(program.functions[0].iram);
  EXPECT_EQ(program.data[0].name, ".rodata");
  Emulator emu(program);
  EXPECT_EQ(emu.symbol_address(program.data[0].symbols[0].name), kRodataBase);
}

}  // namespace
}  // namespace pietune::emu
