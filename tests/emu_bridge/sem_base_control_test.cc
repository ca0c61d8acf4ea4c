// semantics/base_control: every conditional branch taken and not taken (b4const immediates included),
// j, the three zero-overhead loops, entry and retw.
#include <gtest/gtest.h>

#include "emu_test_support.h"

namespace pietune::emu::testing {
namespace {

using model::Label;
using model::target;

struct BranchCase {
  std::string name;
  Opcode opcode;
  std::vector<Operand> operands;  // without the label
  std::uint32_t as;               // a9
  std::uint32_t at;               // a10 (register forms)
  bool taken;
};

constexpr std::uint32_t u(std::int64_t v) { return static_cast<std::uint32_t>(v); }

std::vector<BranchCase> branch_cases() {
  using O = Opcode;
  const std::vector<Operand> rr = {a(9), a(10)};
  const std::vector<Operand> z = {a(9)};
  auto i = [](std::int32_t value) { return std::vector<Operand>{a(9), imm(value)}; };
  return {
      {"Beq_taken", O::kBeq, rr, 5, 5, true},
      {"Beq_not_taken", O::kBeq, rr, 5, 6, false},
      {"Bne_taken", O::kBne, rr, 5, 6, true},
      {"Bne_not_taken", O::kBne, rr, 5, 5, false},
      {"Blt_taken_signed", O::kBlt, rr, u(-1), 1, true},
      {"Blt_not_taken", O::kBlt, rr, 1, u(-1), false},
      {"Bge_taken_equal", O::kBge, rr, 3, 3, true},
      {"Bge_not_taken", O::kBge, rr, u(-1), 1, false},
      {"Bltu_taken", O::kBltu, rr, 1, 0xFFFFFFFF, true},
      {"Bltu_not_taken_unsigned", O::kBltu, rr, 0xFFFFFFFF, 1, false},
      {"Bgeu_taken", O::kBgeu, rr, 0xFFFFFFFF, 1, true},
      {"Bgeu_not_taken", O::kBgeu, rr, 1, 2, false},
      {"Bany_taken", O::kBany, rr, 0x6, 0x2, true},
      {"Bany_not_taken", O::kBany, rr, 0x4, 0x2, false},
      {"Bnone_taken", O::kBnone, rr, 0x4, 0x2, true},
      {"Bnone_not_taken", O::kBnone, rr, 0x6, 0x2, false},
      {"Ball_taken", O::kBall, rr, 0x7, 0x5, true},
      {"Ball_not_taken", O::kBall, rr, 0x4, 0x5, false},
      {"Bnall_taken", O::kBnall, rr, 0x4, 0x5, true},
      {"Bnall_not_taken", O::kBnall, rr, 0x7, 0x5, false},
      {"Bbc_taken", O::kBbc, rr, 0x4, 1, true},
      {"Bbc_not_taken", O::kBbc, rr, 0x4, 2, false},
      {"Bbc_uses_low_five_bits", O::kBbc, rr, 0x80000000, 63, false},
      {"Bbs_taken", O::kBbs, rr, 0x80000000, 31, true},
      {"Bbs_not_taken", O::kBbs, rr, 0x4, 1, false},
      {"Beqz_taken", O::kBeqz, z, 0, 0, true},
      {"Beqz_not_taken", O::kBeqz, z, 1, 0, false},
      {"Bnez_taken", O::kBnez, z, 1, 0, true},
      {"Bnez_not_taken", O::kBnez, z, 0, 0, false},
      {"Bltz_taken", O::kBltz, z, u(-1), 0, true},
      {"Bltz_not_taken", O::kBltz, z, 0, 0, false},
      {"Bgez_taken", O::kBgez, z, 0, 0, true},
      {"Bgez_not_taken", O::kBgez, z, u(-5), 0, false},
      {"BeqzN_taken", O::kBeqzN, z, 0, 0, true},
      {"BeqzN_not_taken", O::kBeqzN, z, 9, 0, false},
      {"BnezN_taken", O::kBnezN, z, 9, 0, true},
      {"BnezN_not_taken", O::kBnezN, z, 0, 0, false},
      {"Beqi_taken_minus_one", O::kBeqi, i(-1), u(-1), 0, true},
      {"Beqi_not_taken", O::kBeqi, i(256), 255, 0, false},
      {"Bnei_taken", O::kBnei, i(12), 13, 0, true},
      {"Bnei_not_taken", O::kBnei, i(12), 12, 0, false},
      {"Blti_taken_signed", O::kBlti, i(-1), u(-2), 0, true},
      {"Blti_not_taken", O::kBlti, i(8), 8, 0, false},
      {"Bgei_taken", O::kBgei, i(256), 256, 0, true},
      {"Bgei_not_taken_signed", O::kBgei, i(1), u(-7), 0, false},
      {"Bltui_taken", O::kBltui, i(32768), 32767, 0, true},
      {"Bltui_not_taken_unsigned", O::kBltui, i(2), u(-1), 0, false},
      {"Bgeui_taken", O::kBgeui, i(65536), 65536, 0, true},
      {"Bgeui_not_taken", O::kBgeui, i(65536), 65535, 0, false},
      {"Bbci_taken", O::kBbci, i(31), 0x7FFFFFFF, 0, true},
      {"Bbci_not_taken", O::kBbci, i(0), 1, 0, false},
      {"Bbsi_taken", O::kBbsi, i(31), 0x80000000, 0, true},
      {"Bbsi_not_taken", O::kBbsi, i(3), 0xF7, 0, false},
  };
}

// <branch> ..., skip; movi a8, 1; skip: — a8 stays 0 only if the branch was taken.
class Branch : public ::testing::TestWithParam<BranchCase> {};

TEST_P(Branch, TakenOrNot) {
  const BranchCase& c = GetParam();
  Machine m([&](FunctionBuilder& b) {
    Label skip = b.new_label("skip");
    std::vector<Operand> ops = c.operands;
    ops.push_back(target(skip));
    model::Insn& insn = b.emit(Opcode::kNop, {});
    insn.opcode = c.opcode;
    insn.operand_count = static_cast<std::uint8_t>(ops.size());
    for (std::size_t k = 0; k < ops.size(); ++k) insn.operands[k] = ops[k];
    b.emit(Opcode::kMovi, {a(8), imm(1)});
    b.bind(skip);
  });
  m.a(8) = 0;
  m.a(9) = c.as;
  m.a(10) = c.at;
  std::vector<bool> taken;
  RunOptions options;
  options.trace = [&](const TraceEvent& e) {
    if (e.opcode == c.opcode) taken.push_back(e.branch_taken);
  };
  m.run(options);
  EXPECT_EQ(m.a(8), c.taken ? 0u : 1u);
  ASSERT_EQ(taken.size(), 1u);
  EXPECT_EQ(taken[0], c.taken);
}

INSTANTIATE_TEST_SUITE_P(Table, Branch, ::testing::ValuesIn(branch_cases()),
                         [](const ::testing::TestParamInfo<BranchCase>& info) { return info.param.name; });

TEST(BaseControl, J_JumpsForward) {
  Machine m([&](FunctionBuilder& b) {
    Label skip = b.new_label("skip");
    b.emit(Opcode::kJ, {target(skip)});
    b.emit(Opcode::kMovi, {a(8), imm(1)});
    b.bind(skip);
  });
  m.a(8) = 0;
  m.run();
  EXPECT_EQ(m.a(8), 0u);
}

// Sums 1..n in a zero-overhead loop of each kind; the loop registers follow the ISA.
std::uint32_t loop_sum(Opcode opcode, std::uint32_t n, MachineState* out = nullptr) {
  Machine m([&](FunctionBuilder& b) {
    b.emit(Opcode::kMovi, {a(8), imm(0)});
    b.emit(Opcode::kMovi, {a(9), imm(0)});
    b.zero_overhead_loop(opcode, a(2), -1, [&] {
      b.emit(Opcode::kAddi, {a(9), a(9), imm(1)});
      b.emit(Opcode::kAdd, {a(8), a(8), a(9)});
    });
    b.emit(Opcode::kMov, {a(2), a(8)});
  });
  m.a(2) = n;
  const std::uint32_t sum = m.run().return_value;
  if (out != nullptr) *out = m.st();
  return sum;
}

TEST(BaseControl, Loop_RunsTheBodyCountTimes) {
  MachineState st;
  EXPECT_EQ(loop_sum(Opcode::kLoop, 10, &st), 55u);
  EXPECT_EQ(st.lcount, 0u);
  EXPECT_EQ(st.lbeg, kCodeBase + 12);  // entry, movi, movi, loop
  EXPECT_EQ(st.lend, kCodeBase + 18);
}

TEST(BaseControl, Loopnez_SkipsForZeroAndRunsOtherwise) {
  MachineState st;
  EXPECT_EQ(loop_sum(Opcode::kLoopnez, 0, &st), 0u);
  EXPECT_EQ(st.lcount, 0xFFFFFFFFu);  // LCOUNT = as - 1 even when the body is skipped (ISA RM)
  EXPECT_EQ(loop_sum(Opcode::kLoopnez, 4), 10u);
}

TEST(BaseControl, Loopgtz_SkipsForNonPositive) {
  EXPECT_EQ(loop_sum(Opcode::kLoopgtz, static_cast<std::uint32_t>(-5)), 0u);
  EXPECT_EQ(loop_sum(Opcode::kLoopgtz, 0), 0u);
  EXPECT_EQ(loop_sum(Opcode::kLoopgtz, 3), 6u);
}

TEST(BaseControl, Entry_RotatesTheWindowAndAllocatesTheFrame) {
  Machine m([&](FunctionBuilder& b) {
    b.emit(Opcode::kMov, {a(8), a(1)});  // the frame pointer as the callee sees it
    b.emit(Opcode::kMov, {a(9), a(2)});
  });
  m.a(2) = 77;
  std::vector<std::uint32_t> window_bases;
  RunOptions options;
  options.stack_top = kSramBase + 0x1000;
  options.trace = [&](const TraceEvent&) { window_bases.push_back(m.st().window_base); };
  m.run(options);
  EXPECT_EQ(m.a(8), kSramBase + 0x1000 - 32);
  EXPECT_EQ(m.a(9), 77u);
  ASSERT_EQ(window_bases.size(), 4u);
  EXPECT_EQ(window_bases[0], 2u);  // after entry
  EXPECT_EQ(window_bases[3], 0u);  // after retw.n
  EXPECT_EQ(m.st().callinc, 0u);
}

TEST(BaseControl, Retw_ReturnsToTheHostAndRestoresTheWindow) {
  FunctionBuilder b("g");
  b.emit(Opcode::kEntry, {a(1), imm(48)});
  b.emit(Opcode::kMovi, {a(2), imm(5)});
  b.emit(Opcode::kRetw, {});
  model::Program p;
  p.functions.push_back(std::move(b).finish());
  Emulator emu(p);
  const RunResult r = emu.call("g", {});
  EXPECT_EQ(r.return_value, 5u);
  EXPECT_EQ(r.instructions, 3u);
  EXPECT_EQ(emu.state().window_base, 0u);
  EXPECT_EQ(emu.state().ar(10), 5u);  // the host's a10 is the callee's a2
}

TEST(BaseControl, RetwN_ReturnsToTheHost) {
  Machine m([&](FunctionBuilder& b) { b.emit(Opcode::kMovi, {a(2), imm(-9)}); });
  EXPECT_EQ(m.run().return_value, static_cast<std::uint32_t>(-9));
}

}  // namespace
}  // namespace pietune::emu::testing
