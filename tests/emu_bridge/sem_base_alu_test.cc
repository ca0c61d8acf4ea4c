// semantics/base_alu + base_loads_stores: every base ALU, shift and scalar memory row, as literal
// tables of register values in and out (Xtensa ISA RM).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "emu_test_support.h"

namespace pietune::emu::testing {
namespace {

struct ScalarCase {
  std::string name;
  Opcode opcode;
  std::vector<Operand> operands;
  std::vector<std::pair<int, std::uint32_t>> in;   // callee a<i> before
  std::vector<std::pair<int, std::uint32_t>> out;  // callee a<i> after
  int sar_in = -1;                                 // SAR before (-1: leave)
  int sar_out = -1;                                // SAR after (-1: not checked)
  std::vector<std::uint8_t> mem_in = {};           // bytes at kData before
  std::vector<std::uint8_t> mem_out = {};          // bytes at kData after
};

constexpr std::uint32_t u(std::int64_t v) { return static_cast<std::uint32_t>(v); }

SemCase to_sem(const ScalarCase& c) {
  return SemCase{c.name, c.opcode, c.operands,
                 [c](Machine& m) {
                   for (auto [reg, value] : c.in) m.a(reg) = value;
                   if (c.sar_in >= 0) m.st().sar = static_cast<std::uint32_t>(c.sar_in);
                   if (!c.mem_in.empty()) m.poke(kData, c.mem_in);
                 },
                 [c](Machine& m) {
                   for (auto [reg, value] : c.out) EXPECT_EQ(m.a(reg), value) << "a" << reg;
                   if (c.sar_out >= 0) {
                     EXPECT_EQ(m.st().sar, static_cast<std::uint32_t>(c.sar_out));
                   }
                   if (!c.mem_out.empty()) {
                     EXPECT_EQ(m.peek(kData, static_cast<std::uint32_t>(c.mem_out.size())), c.mem_out);
                   }
                 }};
}

std::vector<SemCase> alu_cases() {
  using O = Opcode;
  const std::vector<ScalarCase> rows = {
      {"Addi", O::kAddi, {a(8), a(9), imm(-20)}, {{9, 10}}, {{8, u(-10)}}},
      {"AddiN", O::kAddiN, {a(8), a(9), imm(-1)}, {{9, 0}}, {{8, u(-1)}}},
      {"Addmi", O::kAddmi, {a(8), a(9), imm(-256)}, {{9, 0x1000}}, {{8, 0xF00}}},
      {"Add", O::kAdd, {a(8), a(9), a(10)}, {{9, 5}, {10, 7}}, {{8, 12}}},
      {"Add_wraps", O::kAdd, {a(8), a(9), a(10)}, {{9, 0xFFFFFFFF}, {10, 2}}, {{8, 1}}},
      {"AddN", O::kAddN, {a(8), a(9), a(10)}, {{9, 5}, {10, u(-7)}}, {{8, u(-2)}}},
      {"Addx2", O::kAddx2, {a(8), a(9), a(10)}, {{9, 3}, {10, 1}}, {{8, 7}}},
      {"Addx4", O::kAddx4, {a(8), a(9), a(10)}, {{9, 3}, {10, 1}}, {{8, 13}}},
      {"Addx8", O::kAddx8, {a(8), a(9), a(10)}, {{9, 3}, {10, 1}}, {{8, 25}}},
      {"Sub", O::kSub, {a(8), a(9), a(10)}, {{9, 5}, {10, 7}}, {{8, u(-2)}}},
      {"Subx2", O::kSubx2, {a(8), a(9), a(10)}, {{9, 3}, {10, 10}}, {{8, u(-4)}}},
      {"Subx4", O::kSubx4, {a(8), a(9), a(10)}, {{9, 3}, {10, 10}}, {{8, 2}}},
      {"Subx8", O::kSubx8, {a(8), a(9), a(10)}, {{9, 3}, {10, 10}}, {{8, 14}}},
      {"Neg", O::kNeg, {a(8), a(9)}, {{9, 5}}, {{8, u(-5)}}},
      {"Abs", O::kAbs, {a(8), a(9)}, {{9, u(-5)}}, {{8, 5}}},
      {"Abs_minimum_wraps", O::kAbs, {a(8), a(9)}, {{9, 0x80000000}}, {{8, 0x80000000}}},
      {"Mull", O::kMull, {a(8), a(9), a(10)}, {{9, 0x10000}, {10, 0x10001}}, {{8, 0x10000}}},
      {"Mulsh", O::kMulsh, {a(8), a(9), a(10)}, {{9, u(-2)}, {10, 0x40000000}}, {{8, 0xFFFFFFFF}}},
      {"Mulsh_positive", O::kMulsh, {a(8), a(9), a(10)}, {{9, 0x40000000}, {10, 8}}, {{8, 2}}},
      {"Muluh", O::kMuluh, {a(8), a(9), a(10)}, {{9, 0xFFFFFFFF}, {10, 0xFFFFFFFF}}, {{8, 0xFFFFFFFE}}},
      {"Mul16s", O::kMul16s, {a(8), a(9), a(10)}, {{9, 0x1234FFFF}, {10, 0x00050003}}, {{8, u(-3)}}},
      {"Mul16u", O::kMul16u, {a(8), a(9), a(10)}, {{9, 0x1234FFFF}, {10, 0x00050003}}, {{8, 0x2FFFD}}},
      // DIV32: quotient and remainder round toward zero; the remainder takes the dividend's sign.
      {"Quos", O::kQuos, {a(8), a(9), a(10)}, {{9, u(-7)}, {10, 2}}, {{8, u(-3)}}},
      {"Quos_overflow_wraps", O::kQuos, {a(8), a(9), a(10)}, {{9, 0x80000000}, {10, u(-1)}}, {{8, 0x80000000}}},
      {"Quou", O::kQuou, {a(8), a(9), a(10)}, {{9, 0xFFFFFFFE}, {10, 2}}, {{8, 0x7FFFFFFF}}},
      {"Rems", O::kRems, {a(8), a(9), a(10)}, {{9, u(-7)}, {10, 2}}, {{8, u(-1)}}},
      {"Rems_negative_divisor", O::kRems, {a(8), a(9), a(10)}, {{9, 7}, {10, u(-2)}}, {{8, 1}}},
      {"Rems_overflow_is_zero", O::kRems, {a(8), a(9), a(10)}, {{9, 0x80000000}, {10, u(-1)}}, {{8, 0}}},
      {"Remu", O::kRemu, {a(8), a(9), a(10)}, {{9, 0xFFFFFFFF}, {10, 10}}, {{8, 5}}},
      {"Salt", O::kSalt, {a(8), a(9), a(10)}, {{9, u(-1)}, {10, 1}}, {{8, 1}}},
      {"Salt_equal", O::kSalt, {a(8), a(9), a(10)}, {{9, 5}, {10, 5}}, {{8, 0}}},
      {"Saltu", O::kSaltu, {a(8), a(9), a(10)}, {{9, u(-1)}, {10, 1}}, {{8, 0}}},
      {"Saltu_less", O::kSaltu, {a(8), a(9), a(10)}, {{9, 1}, {10, u(-1)}}, {{8, 1}}},
      {"And", O::kAnd, {a(8), a(9), a(10)}, {{9, 0xF0F0}, {10, 0xFF00}}, {{8, 0xF000}}},
      {"Or", O::kOr, {a(8), a(9), a(10)}, {{9, 0xF0F0}, {10, 0xFF00}}, {{8, 0xFFF0}}},
      {"Xor", O::kXor, {a(8), a(9), a(10)}, {{9, 0xF0F0}, {10, 0xFF00}}, {{8, 0x0FF0}}},
      {"Mov", O::kMov, {a(8), a(9)}, {{9, 0xDEADBEEF}}, {{8, 0xDEADBEEF}}},
      {"MovN", O::kMovN, {a(8), a(9)}, {{9, 0xDEADBEEF}}, {{8, 0xDEADBEEF}}},
      {"Movi", O::kMovi, {a(8), imm(-2048)}, {}, {{8, u(-2048)}}},
      {"MoviN", O::kMoviN, {a(8), imm(95)}, {}, {{8, 95}}},
      {"MoviN_negative", O::kMoviN, {a(8), imm(-32)}, {}, {{8, u(-32)}}},
      {"Moveqz_moves", O::kMoveqz, {a(8), a(9), a(10)}, {{8, 1}, {9, 2}, {10, 0}}, {{8, 2}}},
      {"Moveqz_keeps", O::kMoveqz, {a(8), a(9), a(10)}, {{8, 1}, {9, 2}, {10, 5}}, {{8, 1}}},
      {"Movnez_moves", O::kMovnez, {a(8), a(9), a(10)}, {{8, 1}, {9, 2}, {10, 5}}, {{8, 2}}},
      {"Movnez_keeps", O::kMovnez, {a(8), a(9), a(10)}, {{8, 1}, {9, 2}, {10, 0}}, {{8, 1}}},
      {"Movltz_moves", O::kMovltz, {a(8), a(9), a(10)}, {{8, 1}, {9, 2}, {10, u(-1)}}, {{8, 2}}},
      {"Movltz_keeps", O::kMovltz, {a(8), a(9), a(10)}, {{8, 1}, {9, 2}, {10, 0}}, {{8, 1}}},
      {"Movgez_moves", O::kMovgez, {a(8), a(9), a(10)}, {{8, 1}, {9, 2}, {10, 0}}, {{8, 2}}},
      {"Movgez_keeps", O::kMovgez, {a(8), a(9), a(10)}, {{8, 1}, {9, 2}, {10, u(-3)}}, {{8, 1}}},
      {"Min", O::kMin, {a(8), a(9), a(10)}, {{9, u(-1)}, {10, 1}}, {{8, u(-1)}}},
      {"Max", O::kMax, {a(8), a(9), a(10)}, {{9, u(-1)}, {10, 1}}, {{8, 1}}},
      {"Minu", O::kMinu, {a(8), a(9), a(10)}, {{9, u(-1)}, {10, 1}}, {{8, 1}}},
      {"Maxu", O::kMaxu, {a(8), a(9), a(10)}, {{9, u(-1)}, {10, 1}}, {{8, 0xFFFFFFFF}}},
      {"Clamps_high", O::kClamps, {a(8), a(9), imm(7)}, {{9, 300}}, {{8, 127}}},
      {"Clamps_low", O::kClamps, {a(8), a(9), imm(7)}, {{9, u(-300)}}, {{8, u(-128)}}},
      {"Clamps_inside", O::kClamps, {a(8), a(9), imm(15)}, {{9, u(-300)}}, {{8, u(-300)}}},
      {"Sext_negative", O::kSext, {a(8), a(9), imm(7)}, {{9, 0x1280}}, {{8, u(-128)}}},
      {"Sext_positive", O::kSext, {a(8), a(9), imm(15)}, {{9, 0xFFFF7FFF}}, {{8, 0x7FFF}}},
      {"Extui", O::kExtui, {a(8), a(9), imm(8), imm(12)}, {{9, 0x12345678}}, {{8, 0x456}}},
      {"Extui_top", O::kExtui, {a(8), a(9), imm(31), imm(1)}, {{9, 0x80000000}}, {{8, 1}}},
      {"Nsa_one", O::kNsa, {a(8), a(9)}, {{9, 1}}, {{8, 30}}},
      {"Nsa_zero", O::kNsa, {a(8), a(9)}, {{9, 0}}, {{8, 31}}},
      {"Nsa_minus_one", O::kNsa, {a(8), a(9)}, {{9, 0xFFFFFFFF}}, {{8, 31}}},
      {"Nsa_negative", O::kNsa, {a(8), a(9)}, {{9, 0xC0000000}}, {{8, 1}}},
      {"Nsau_zero", O::kNsau, {a(8), a(9)}, {{9, 0}}, {{8, 32}}},
      {"Nsau_one", O::kNsau, {a(8), a(9)}, {{9, 1}}, {{8, 31}}},
      {"Nsau_top", O::kNsau, {a(8), a(9)}, {{9, 0x80000000}}, {{8, 0}}},
      // SAR writers and readers.
      {"Ssr_five_bits", O::kSsr, {a(9)}, {{9, 0x25}}, {}, 40, 5},
      {"Ssl", O::kSsl, {a(9)}, {{9, 3}}, {}, 0, 29},
      {"Ssl_zero_gives_32", O::kSsl, {a(9)}, {{9, 32}}, {}, 0, 32},
      {"Ssai", O::kSsai, {imm(17)}, {}, {}, 0, 17},
      {"WsrSar_six_bits", O::kWsrSar, {a(9)}, {{9, 0x7F}}, {}, 0, 63},
      {"RsrSar", O::kRsrSar, {a(8)}, {}, {{8, 33}}, 33},
      // Shifts through SAR: sll {as,0} >> SAR; srl/sra {0|sign, at} >> SAR; src {as, at} >> SAR.
      {"Sll", O::kSll, {a(8), a(9)}, {{9, 0x11}}, {{8, 0x88}}, 29},
      {"Sll_sar_32_keeps", O::kSll, {a(8), a(9)}, {{9, 0x11}}, {{8, 0x11}}, 32},
      {"Srl", O::kSrl, {a(8), a(9)}, {{9, 0x80000000}}, {{8, 0x08000000}}, 4},
      {"Srl_sar_40", O::kSrl, {a(8), a(9)}, {{9, 0x80000000}}, {{8, 0}}, 40},
      {"Sra", O::kSra, {a(8), a(9)}, {{9, 0x80000000}}, {{8, 0xF8000000}}, 4},
      {"Sra_sar_40", O::kSra, {a(8), a(9)}, {{9, 0x80000000}}, {{8, 0xFFFFFFFF}}, 40},
      {"Src", O::kSrc, {a(8), a(9), a(10)}, {{9, 0x11223344}, {10, 0x55667788}}, {{8, 0x44556677}}, 8},
      {"Src_sar_0", O::kSrc, {a(8), a(9), a(10)}, {{9, 0x11223344}, {10, 0x55667788}}, {{8, 0x55667788}}, 0},
      {"Slli", O::kSlli, {a(8), a(9), imm(4)}, {{9, 0x80000003}}, {{8, 0x30}}},
      {"Srli", O::kSrli, {a(8), a(9), imm(15)}, {{9, 0x80000000}}, {{8, 0x10000}}},
      {"Srai", O::kSrai, {a(8), a(9), imm(31)}, {{9, 0x80000000}}, {{8, 0xFFFFFFFF}}},
      {"Srai_positive", O::kSrai, {a(8), a(9), imm(4)}, {{9, 0x70000000}}, {{8, 0x07000000}}},
      {"Nop", O::kNop, {}, {{8, 7}}, {{8, 7}}},
      {"NopN", O::kNopN, {}, {{8, 7}}, {{8, 7}}},
      // Scalar loads: zero/sign extension, offsets; unaligned addresses are used as they are.
      {"L8ui", O::kL8ui, {a(8), a(9), imm(3)}, {{9, kData}}, {{8, 0xF3}}, -1, -1, {0xF0, 0xF1, 0xF2, 0xF3}},
      {"L16ui", O::kL16ui, {a(8), a(9), imm(2)}, {{9, kData}}, {{8, 0x8382}}, -1, -1, {0x80, 0x81, 0x82, 0x83}},
      {"L16si", O::kL16si, {a(8), a(9), imm(2)}, {{9, kData}}, {{8, 0xFFFF8382}}, -1, -1, {0x80, 0x81, 0x82, 0x83}},
      {"L16si_positive", O::kL16si, {a(8), a(9), imm(0)}, {{9, kData}}, {{8, 0x1234}}, -1, -1, {0x34, 0x12}},
      {"L32i", O::kL32i, {a(8), a(9), imm(4)}, {{9, kData}}, {{8, 0x07060504}}, -1, -1, {0, 1, 2, 3, 4, 5, 6, 7}},
      {"L32i_unaligned", O::kL32i, {a(8), a(9), imm(0)}, {{9, kData + 1}}, {{8, 0x04030201}}, -1, -1, {0, 1, 2, 3, 4, 5}},
      {"L32iN", O::kL32iN, {a(8), a(9), imm(60)}, {{9, kData - 56}}, {{8, 0x07060504}}, -1, -1, {0, 1, 2, 3, 4, 5, 6, 7}},
      {"S8i", O::kS8i, {a(8), a(9), imm(1)}, {{8, 0x1234}, {9, kData}}, {}, -1, -1, {0, 0, 0}, {0, 0x34, 0}},
      {"S16i", O::kS16i, {a(8), a(9), imm(2)}, {{8, 0xABCD1234}, {9, kData}}, {}, -1, -1, {0, 0, 0, 0}, {0, 0, 0x34, 0x12}},
      {"S32i", O::kS32i, {a(8), a(9), imm(4)}, {{8, 0x01020304}, {9, kData}}, {}, -1, -1, {}, {0, 0, 0, 0, 4, 3, 2, 1}},
      {"S32iN", O::kS32iN, {a(8), a(9), imm(0)}, {{8, 0x01020304}, {9, kData}}, {}, -1, -1, {}, {4, 3, 2, 1}},
  };
  std::vector<SemCase> out;
  for (const ScalarCase& c : rows) out.push_back(to_sem(c));
  return out;
}

class BaseAlu : public ::testing::TestWithParam<SemCase> {};
TEST_P(BaseAlu, Runs) { run_case(GetParam()); }

// A zero divisor is IntegerDivideByZero on silicon: the run stops with a fault naming the instruction.
TEST(BaseAluFaults, Quos_divide_by_zero_faults) {
  for (Opcode opcode : {Opcode::kQuos, Opcode::kQuou, Opcode::kRems, Opcode::kRemu}) {
    Machine m(opcode, {a(8), a(9), a(10)});
    m.a(9) = 5;
    m.a(10) = 0;
    try {
      m.run();
      FAIL() << "no fault for " << model::insn_desc(opcode).mnemonic;
    } catch (const EmuFault& e) {
      EXPECT_EQ(e.fault().kind, FaultKind::kDivideByZero);
      EXPECT_EQ(std::string(e.what()),
                fmt::format("pc 0x40378003 ({} a8, a9, a10): integer divide by zero (IntegerDivideByZero exception)",
                            model::insn_desc(opcode).mnemonic));
    }
  }
}
INSTANTIATE_TEST_SUITE_P(Table, BaseAlu, ::testing::ValuesIn(alu_cases()), SemCaseName());

}  // namespace
}  // namespace pietune::emu::testing
