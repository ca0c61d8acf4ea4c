// asm_parser: the accepted syntax (comments, directives, expressions, labels, functions) and the exact
// error message for each kind of bad assembly.
#include <string>

#include <gtest/gtest.h>

#include "emu_bridge/asm/asm_parser.h"
#include "emu_bridge/asm/asm_printer.h"
#include "model/support/error.h"

namespace pietune::emu {
namespace {

using model::Opcode;

// The one function of a parsed text.
model::Function parse_one(const std::string& text) {
  model::Program p = parse_assembly(text, "t.S");
  EXPECT_EQ(p.functions.size(), 1u);
  return p.functions.at(0);
}

std::int32_t imm_of(const std::string& operand_text) {
  const model::Function f = parse_one("f:\n movi a2, " + operand_text + "\n");
  return f.insns.at(0).operand(1).value;
}

TEST(AsmParser, ReadsTheDirectivesTheCommentsAndTheLabels) {
  const std::string text =
      "/* dot product, hand-written\n"
      "   over two lines */\n"
      "    .file \"dot.c\"\n"
      "    .section .iram1.text, \"ax\"\n"
      "    .literal_position\n"
      "    .p2align 3\n"
      "    .globl dot  // exported\n"
      "    .type dot, %function\n"
      "dot:  ENTRY sp, 32     # a1 spelled sp\n"
      "    Ee.Zero.Accx\n"
      "    loopgtz a4, .Lend  # trips=12\n"
      "    ee.vld.128.ip q0, a2, 0x10\n"
      "    ee.vld.128.ip q1, a3, /* inline */ 16\n"
      "    ee.vmulas.s8.accx q0, q1\n"
      ".Lend: .Lalso:\n"
      "    rur.accx_0 a2\n"
      "    retw.n\n"
      "    .size dot, .-dot\n";
  const model::Function f = parse_one(text);
  EXPECT_EQ(f.name, "dot");
  EXPECT_TRUE(f.global);
  EXPECT_EQ(f.align_bytes, 8u);
  ASSERT_EQ(f.insns.size(), 8u);
  EXPECT_EQ(f.insns[0].opcode, Opcode::kEntry);
  EXPECT_EQ(f.insns[0].operand(0), model::a(1));
  EXPECT_EQ(f.insns[0].source_line, 9u);
  EXPECT_EQ(f.insns[2].source_line, 11u);
  EXPECT_EQ(f.insns[1].opcode, Opcode::kEeZeroAccx);
  EXPECT_EQ(f.insns[2].opcode, Opcode::kLoopgtz);
  EXPECT_EQ(f.insns[2].trip_count, 12);
  EXPECT_EQ(f.insns[1].trip_count, model::kUnknownTrips);
  EXPECT_EQ(f.insns[3].operand(2), model::imm(16));
  EXPECT_EQ(f.insns[4].operand(2), model::imm(16));
  ASSERT_EQ(f.label_defs.size(), 2u);
  EXPECT_EQ(f.label_names[f.label_defs[0].id], ".Lend");
  EXPECT_EQ(f.label_names[f.label_defs[1].id], ".Lalso");
  EXPECT_EQ(f.label_defs[0].position, 6u);
  EXPECT_EQ(f.label_defs[1].position, 6u);
  EXPECT_EQ(f.insns[2].operand(1).value, static_cast<std::int32_t>(f.label_defs[0].id));
}

TEST(AsmParser, EvaluatesConstantExpressionsLikeGnuAs) {
  EXPECT_EQ(imm_of("-16"), -16);
  EXPECT_EQ(imm_of("16*3"), 48);
  EXPECT_EQ(imm_of("0x7f"), 127);
  EXPECT_EQ(imm_of("0X7F"), 127);
  EXPECT_EQ(imm_of("0b101"), 5);
  EXPECT_EQ(imm_of("017"), 15);  // a leading 0 is octal in GNU as
  EXPECT_EQ(imm_of("0"), 0);
  EXPECT_EQ(imm_of("-(4 + 4) * 2"), -16);
  EXPECT_EQ(imm_of("1 + 2 * 3"), 7);
  EXPECT_EQ(imm_of("1 << 4 + 1"), 17);  // << binds like *, tighter than +
  EXPECT_EQ(imm_of("6 | 1 + 1"), 8);    // | binds tighter than + in GNU as
  EXPECT_EQ(imm_of("~0"), -1);
  EXPECT_EQ(imm_of("-7 / 2"), -3);
  EXPECT_EQ(imm_of("-7 % 2"), -1);
  EXPECT_EQ(imm_of("256 >> 2"), 64);
  EXPECT_EQ(imm_of("- -5"), 5);
  const model::Function f = parse_one(
      "    .set STEP, 16\n    .equ TWICE, STEP * 2\nf:\n    ee.vld.128.ip q0, a2, TWICE - STEP\n    addi a2, a2, -STEP\n");
  EXPECT_EQ(f.insns[0].operand(2), model::imm(16));
  EXPECT_EQ(f.insns[1].operand(2), model::imm(-16));
}

TEST(AsmParser, StartsFunctionsByTheDocumentedRule) {
  const std::string text =
      "first:\n"                  // no function open, not local: starts a function
      "    nop\n"
      "inner:\n"                  // a function is open and 'inner' is not declared: a label
      "    j inner\n"
      "    .type second, @function\n"
      "second:\n"                 // declared by .type: starts a function
      "    nop\n"
      "    .size second, .-second\n"
      "third:\n"                  // after .size nothing is open: starts a function
      "    nop\n"
      "    .global first, third\n";  // .global after the definition still makes it global
  const model::Program p = parse_assembly(text, "t.S");
  ASSERT_EQ(p.functions.size(), 3u);
  EXPECT_EQ(p.functions[0].name, "first");
  EXPECT_EQ(p.functions[0].insns.size(), 2u);
  EXPECT_EQ(p.functions[0].label_names, std::vector<std::string>{"inner"});
  EXPECT_EQ(p.functions[1].name, "second");
  EXPECT_EQ(p.functions[2].name, "third");
  EXPECT_TRUE(p.functions[0].global);
  EXPECT_FALSE(p.functions[1].global);
  EXPECT_TRUE(p.functions[2].global);
  EXPECT_EQ(p.functions[1].align_bytes, 4u);  // the default
}

TEST(AsmParser, KeepsLabelsAtTheEndAndForwardReferences) {
  const model::Function f = parse_one("f:\n  beqz a2, .Lout\n  addi a2, a2, -1\n.Lout:\n");
  ASSERT_EQ(f.label_defs.size(), 1u);
  EXPECT_EQ(f.label_defs[0].position, 2u);
  EXPECT_EQ(f.insns[0].operand(1).kind, model::OperandKind::kLabel);
}

TEST(AsmParser, AcceptsALoopBodyOfExactly256Bytes) {
  std::string text = "f:\n  loop a3, .Lend\n";
  for (int i = 0; i < 256 / 4; ++i) text += "  ee.vmulas.s8.accx.ld.ip q0, a2, 16, q0, q1\n";
  text += ".Lend:\n  retw\n";
  EXPECT_EQ(parse_one(text).insns.size(), 66u);
}

TEST(AsmParser, ReadsFiles) {
  const model::Program p = parse_assembly_file(PIETUNE_SOURCE_DIR "/tests/data/asm/dot_s8.S");
  ASSERT_NE(p.find("dot_s8"), nullptr);
  try {
    parse_assembly_file("/nonexistent/k.S");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "/nonexistent/k.S: cannot open assembly file");
  }
}

struct BadCase {
  const char* text;
  const char* message;
};

// Each line of assembly with the exact message it must produce. Columns are 1-based.
const BadCase kBadCases[] = {
    // Registers.
    {"f:\n    ee.vld.128.ip a3, a2, 16\n", "bad.S:2:19: expected a q register (q0-q7), got 'a3'"},
    {"f:\n    addi q1, a2, 1\n", "bad.S:2:10: expected an a register (a0-a15), got 'q1'"},
    {"f:\n    addi a16, a2, 1\n", "bad.S:2:10: expected an a register (a0-a15), got 'a16'"},
    {"f:\n    ee.zero.q q8\n", "bad.S:2:15: expected a q register (q0-q7), got 'q8'"},
    {"f:\n    addi A2, a2, 1\n", "bad.S:2:10: expected an a register (a0-a15), got 'A2' (register names are lower case)"},
    {"f:\n    addi a02, a2, 1\n", "bad.S:2:10: expected an a register (a0-a15), got 'a02'"},
    {"f:\n    addi a2, a2, a3\n", "bad.S:2:18: expected an immediate, got 'a3'"},
    // Instructions and operand counts.
    {"f:\n    ee.vld.128.iq q0, a2, 16\n", "bad.S:2:5: unknown instruction 'ee.vld.128.iq'"},
    {"f:\n    ee.vld.128.ip q0, a2\n", "bad.S:2:5: too few operands for 'ee.vld.128.ip': expected 3, got 2"},
    {"f:\n    ee.zero.accx a2\n", "bad.S:2:18: too many operands for 'ee.zero.accx': expected 0, got 1"},
    {"f:\n    addi a2, a2, 1, 2\n", "bad.S:2:21: too many operands for 'addi': expected 3, got 4"},
    {"f:\n    addi a2, , 1\n", "bad.S:2:14: expected operand 2 (as)"},
    {"f:\n    addi, a2, a2, 1\n", "bad.S:2:9: unexpected ',' after 'addi'"},
    // Immediates.
    {"f:\n    ee.vld.128.ip q0, a2, 2040\n", "bad.S:2:27: operand 3 (imm16): 2040 out of range -2048..2032 step 16"},
    {"f:\n    ee.vld.128.ip q0, a2, 2048\n", "bad.S:2:27: operand 3 (imm16): 2048 out of range -2048..2032 step 16"},
    {"f:\n    ee.vmulas.s8.accx.ld.ip q0, a2, 512, q0, q1\n",
     "bad.S:2:37: operand 3 (imm16): 512 out of range -512..496 step 16"},
    {"f:\n    beqi a2, 9, .L1\n.L1:\n", "bad.S:2:14: operand 2 (imm): 9 is not one of -1, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 16, 32, 64, 128, 256"},
    {"f:\n    movi a2, 0x100000000\n", "bad.S:2:14: value 4294967296 does not fit in 4 bytes (-2147483648..4294967295)"},
    {"f:\n    addi a2, a2, 0x100000000\n", "bad.S:2:18: operand 3 (imm8): 4294967296 does not fit in 32 bits"},
    {"f:\n    movi a2, 1/0\n", "bad.S:2:15: division by zero"},
    {"f:\n    movi a2, 08\n", "bad.S:2:14: bad number '08' (a leading 0 makes it octal, as in GNU as)"},
    {"f:\n    movi a2, 0x\n", "bad.S:2:14: bad number '0x'"},
    {"f:\n    movi a2, 1f\n", "bad.S:2:14: bad number '1f'"},
    {"f:\n    movi a2, (1 + 2\n", "bad.S:2:20: expected ')'"},
    {"f:\n    movi a2, 1 +\n", "bad.S:2:17: expected a number or symbol"},
    {"f:\n    movi a2, 3 4\n", "bad.S:2:16: unexpected '4' in expression"},
    {"f:\n    movi a2, STEP\n", "bad.S:2:14: undefined symbol 'STEP'"},
    {"f:\n    addi a2, a2, STEP\n", "bad.S:2:18: undefined symbol 'STEP' (only .set/.equ constants can be used here)"},
    {"f:\n    movi a2, 1 << 64\n", "bad.S:2:16: shift count 64 out of range 0..63"},
    {"f:\n    movi a2, 0x7fffffffffffffff + 1\n", "bad.S:2:33: expression overflows 64 bits"},
    {"f:\n    movi a2, 0x1ffffffffffffffff\n", "bad.S:2:14: number '0x1ffffffffffffffff' does not fit in 64 bits"},
    // Labels.
    {"f:\n    j .Lnowhere\n", "bad.S:2:7: undefined label '.Lnowhere'"},
    {"f:\n.L1:\n    nop\n.L1:\n", "bad.S:4:1: label '.L1' defined twice (first at line 2)"},
    {"f:\n    nop\nf:\n", "bad.S:3:1: label 'f' defined twice (first at line 1)"},
    {"f:\n    j a3\n", "bad.S:2:7: expected a label, got 'a3'"},
    {"f:\n    j 12\n", "bad.S:2:7: expected a label, got '12'"},
    {"f:\n1:  nop\n", "bad.S:2:1: numeric local label '1:' is not supported"},
    {"f:\na3: nop\n", "bad.S:2:1: 'a3' is a register name, not a label"},
    {"    .global g\nf:\n    j g\ng:\n    nop\n",
     "bad.S:3:7: 'g' is a function, not a label of function 'f' (no branches between functions)"},
    {"f:\n.Lf:\n    nop\n    .type g, @function\ng:\n    j .Lf\n",
     "bad.S:6:7: label '.Lf' belongs to function 'f', not 'g' (no branches between functions)"},
    // Functions.
    {"    nop\n",
     "bad.S:1:5: instruction 'nop' outside a function (a function starts at a label named by .global or .type, or at "
     "a non-local label outside any function)"},
    {".Lx:\n    nop\n",
     "bad.S:1:1: label '.Lx' outside a function (a function starts at a label named by .global or .type, or at a "
     "non-local label outside any function)"},
    {"f:\n    nop\n    .size f, .-f\n    nop\n",
     "bad.S:4:5: instruction 'nop' outside a function (a function starts at a label named by .global or .type, or at "
     "a non-local label outside any function)"},
    // Zero-overhead loops.
    {"f:\n    loop a3, .Le\n.Le:\n    nop\n", "bad.S:2:14: loop body is empty (end label '.Le')"},
    {"f:\n.Le:\n    nop\n    loop a3, .Le\n    nop\n", "bad.S:4:14: loop end label '.Le' is not after the loop instruction"},
    // Directives.
    {"    .word 5\n", "bad.S:1:5: unsupported directive '.word'"},
    {"    .section .comment\n",
     "bad.S:1:14: unsupported section '.comment' (code: .text*, .iram1*; data: .rodata*, .data*, .bss*, .sdata*, "
     ".sbss*, .dram*, .literal*)"},
    {"    .align 3\nf:\n", "bad.S:1:12: alignment 3 is not a power of two in 1..65536"},
    {"    .align\n", "bad.S:1:5: '.align' takes 1 argument, got 0"},
    {"    .p2align 17\n", "bad.S:1:14: '.p2align' 17 out of range 0..16"},
    {"f:\n    nop\n    .align 4\n    nop\n", "bad.S:3:5: '.align' inside a function body is not supported (only before a function label)"},
    {"    .type f, @notype\n", "bad.S:1:14: unsupported symbol type '@notype' (only @function, @object)"},
    {"    .size g, .-g\n", "bad.S:1:11: '.size' of unknown function 'g'"},
    {"    .global 12\n", "bad.S:1:13: '.global': expected a symbol name, got '12'"},
    {"    .set a2, 5\n", "bad.S:1:10: '.set': expected a symbol name, got 'a2'"},
    {"f:\n    .set f, 5\n", "bad.S:2:10: '.set': 'f' is already a label or function"},
    {"    .set K, 1\nK:\n", "bad.S:2:1: 'K' is already a .set constant"},
    // Lexical.
    {"f:\n    nop /* never closed\n", "bad.S:2:9: unterminated '/*' comment"},
    {"    .file \"x.c\n", "bad.S:1:11: unterminated string"},
    {"f:\n    = 5\n", "bad.S:2:5: expected an instruction, a directive or a label, got '= 5'"},
    // Trip-count annotations.
    {"f:\n    nop  # trips=abc\n", "bad.S:2:10: malformed trip count annotation 'trips=abc' (expected 'trips=N', N >= 0)"},
    {"f:\n    nop  # trips=-1\n", "bad.S:2:10: malformed trip count annotation 'trips=-1' (expected 'trips=N', N >= 0)"},
    {"f:\n# trips=3\n", "bad.S:2:1: trip count annotation without an instruction"},
    {"f:\n    nop; nop  # trips=3\n", "bad.S:2:15: trip count annotation on a line with 2 instructions"},
};

TEST(AsmParser, RejectsBadAssemblyWithExactMessages) {
  for (const BadCase& c : kBadCases) {
    try {
      parse_assembly(c.text, "bad.S");
      ADD_FAILURE() << "accepted:\n" << c.text;
    } catch (const InputError& e) {
      EXPECT_EQ(std::string(e.what()), c.message) << "for:\n" << c.text;
    }
  }
}

TEST(AsmParser, RejectsALoopBodyOver256Bytes) {
  std::string text = "f:\n    loopnez a3, .Lend\n";
  for (int i = 0; i < 256 / 4; ++i) text += "    ee.vmulas.s8.accx.ld.ip q0, a2, 16, q0, q1\n";
  text += "    nop.n\n.Lend:\n    retw\n";
  try {
    parse_assembly(text, "long.S");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "long.S:2:17: loop body is 258 bytes, more than 256 (end label '.Lend')");
  }
}

// Comments and strings do not confuse columns or statement splitting.
TEST(AsmParser, ColumnsCountFromTheLineStartThroughComments) {
  try {
    parse_assembly("f:\n/* c */ addi a2, a2, 999\n", "c.S");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "c.S:2:22: operand 3 (imm8): 999 out of range -128..127 step 1");
  }
  EXPECT_NO_THROW(parse_assembly("    .file \"a;b#c//d\"\nf:\n    nop\n", "s.S"));
}

}  // namespace
}  // namespace pietune::emu
