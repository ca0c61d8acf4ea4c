// semantics/special_regs: every RSR/WSR/XSR row added for the loop registers, SAR, the MAC16 ACC
// halves and m0..m3, rsr.ccount; SSA8L/SSA8B; the barriers; MOVSP (Xtensa ISA RM), as literal tables.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "emu_bridge/asm/asm_parser.h"
#include "emu_test_support.h"

namespace pietune::emu::testing {
namespace {

// A case: one instruction on a8 (at) with the state set by `in`, checked by `out`.
struct RegCase {
  std::string name;
  Opcode opcode;
  std::uint32_t a8_in = 0;
  std::function<void(MachineState&)> in;
  std::uint32_t a8_out = 0;
  std::function<void(const MachineState&)> out;
};

SemCase to_sem(const RegCase& c) {
  return SemCase{c.name, c.opcode, {a(8)},
                 [c](Machine& mc) {
                   mc.a(8) = c.a8_in;
                   if (c.in) c.in(mc.st());
                 },
                 [c](Machine& mc) {
                   EXPECT_EQ(mc.a(8), c.a8_out) << "a8";
                   if (c.out) c.out(mc.st());
                 }};
}

// ACC values as 40-bit patterns: 0x12'3456'789A, and 0xFF'1234'5678 = -3989547400 sign-extended.
constexpr std::int64_t kAcc = 0x123456789A;

std::vector<SemCase> cases() {
  using O = Opcode;
  auto sar = [](std::uint32_t v) { return [v](MachineState& s) { s.sar = v; }; };
  auto sar_is = [](std::uint32_t v) { return [v](const MachineState& s) { EXPECT_EQ(s.sar, v); }; };
  auto acc = [](std::int64_t v) { return [v](MachineState& s) { s.acc = v; }; };
  auto acc_is = [](std::int64_t v) { return [v](const MachineState& s) { EXPECT_EQ(s.acc, v); }; };
  auto m_set = [](int i, std::uint32_t v) { return [i, v](MachineState& s) { s.m[static_cast<std::size_t>(i)] = v; }; };
  auto m_is = [](int i, std::uint32_t v) {
    return [i, v](const MachineState& s) { EXPECT_EQ(s.m[static_cast<std::size_t>(i)], v) << "m" << i; };
  };
  std::vector<RegCase> rows = {
      {"XsrSar", O::kXsrSar, 0x45, sar(40), 40, sar_is(5)},  // six bits written
      {"RsrLbeg", O::kRsrLbeg, 0, [](MachineState& s) { s.lbeg = 0x40378123; }, 0x40378123, {}},
      {"WsrLbeg", O::kWsrLbeg, 0x40370010, {}, 0x40370010, [](const MachineState& s) { EXPECT_EQ(s.lbeg, 0x40370010u); }},
      {"XsrLbeg", O::kXsrLbeg, 0x40370010, [](MachineState& s) { s.lbeg = 7; }, 7,
       [](const MachineState& s) { EXPECT_EQ(s.lbeg, 0x40370010u); }},
      {"RsrLend", O::kRsrLend, 0, [](MachineState& s) { s.lend = 0x40378200; }, 0x40378200, {}},
      {"WsrLend", O::kWsrLend, 0x40370020, {}, 0x40370020, [](const MachineState& s) { EXPECT_EQ(s.lend, 0x40370020u); }},
      {"XsrLend", O::kXsrLend, 0x40370020, [](MachineState& s) { s.lend = 9; }, 9,
       [](const MachineState& s) { EXPECT_EQ(s.lend, 0x40370020u); }},
      {"RsrLcount", O::kRsrLcount, 0, [](MachineState& s) { s.lcount = 41; }, 41, {}},
      {"WsrLcount", O::kWsrLcount, 12, {}, 12, [](const MachineState& s) { EXPECT_EQ(s.lcount, 12u); }},
      {"XsrLcount", O::kXsrLcount, 12, [](MachineState& s) { s.lcount = 3; }, 3,
       [](const MachineState& s) { EXPECT_EQ(s.lcount, 12u); }},
      {"RsrAcclo", O::kRsrAcclo, 0, acc(kAcc), 0x3456789A, acc_is(kAcc)},
      {"RsrAcclo_negative", O::kRsrAcclo, 0, acc(-2), 0xFFFFFFFE, {}},
      {"RsrAcchi", O::kRsrAcchi, 0, acc(kAcc), 0x12, acc_is(kAcc)},
      {"RsrAcchi_sign_extends", O::kRsrAcchi, 0, acc(-2), 0xFFFFFFFF, {}},
      {"RsrAcchi_most_negative", O::kRsrAcchi, 0, acc(-(std::int64_t{1} << 39)), 0xFFFFFF80, {}},
      {"WsrAcclo", O::kWsrAcclo, 0xCAFEBABE, acc(0x7F00000000), 0xCAFEBABE, acc_is(0x7FCAFEBABE)},
      {"WsrAcclo_keeps_negative_high", O::kWsrAcclo, 5, acc(-1), 5, acc_is(-(std::int64_t{1} << 32) + 5)},
      {"WsrAcchi", O::kWsrAcchi, 0x7F, acc(0x12345678), 0x7F, acc_is(0x7F12345678)},
      {"WsrAcchi_keeps_eight_bits", O::kWsrAcchi, 0x1FF, acc(0x12345678), 0x1FF, acc_is(-3989547400)},
      {"XsrAcclo", O::kXsrAcclo, 0x11, acc(kAcc), 0x3456789A, acc_is(0x1200000011)},
      {"XsrAcchi", O::kXsrAcchi, 0x80, acc(kAcc), 0x12, acc_is(-(std::int64_t{1} << 39) + 0x3456789A)},
      {"RsrM0", O::kRsrM0, 0, m_set(0, 0xA0), 0xA0, {}},
      {"WsrM0", O::kWsrM0, 0xB0, {}, 0xB0, m_is(0, 0xB0)},
      {"XsrM0", O::kXsrM0, 0xB0, m_set(0, 0xA0), 0xA0, m_is(0, 0xB0)},
      {"RsrM1", O::kRsrM1, 0, m_set(1, 0xA1), 0xA1, m_is(0, 0)},
      {"WsrM1", O::kWsrM1, 0xB1, {}, 0xB1, m_is(1, 0xB1)},
      {"XsrM1", O::kXsrM1, 0xB1, m_set(1, 0xA1), 0xA1, m_is(1, 0xB1)},
      {"RsrM2", O::kRsrM2, 0, m_set(2, 0xA2), 0xA2, {}},
      {"WsrM2", O::kWsrM2, 0xB2, {}, 0xB2, m_is(2, 0xB2)},
      {"XsrM2", O::kXsrM2, 0xB2, m_set(2, 0xA2), 0xA2, m_is(2, 0xB2)},
      {"RsrM3", O::kRsrM3, 0, m_set(3, 0xFFFFFFFF), 0xFFFFFFFF, {}},
      {"WsrM3", O::kWsrM3, 0xB3, {}, 0xB3, m_is(3, 0xB3)},
      {"XsrM3", O::kXsrM3, 0xB3, m_set(3, 0xA3), 0xA3, m_is(3, 0xB3)},
      // CCOUNT counts executed instructions: the entry before it, on top of what was there.
      {"RsrCcount", O::kRsrCcount, 0, {}, 1, {}},
      {"RsrCcount_continues", O::kRsrCcount, 0, [](MachineState& s) { s.ccount = 1000; }, 1001, {}},
      {"RsrCcount_wraps", O::kRsrCcount, 0, [](MachineState& s) { s.ccount = 0xFFFFFFFF; }, 0, {}},
      // SSA8L: SAR = 8 * as[1:0]; SSA8B: SAR = 32 - 8 * as[1:0].
      {"Ssa8l", O::kSsa8l, 0xFFFFFFF3, sar(1), 0xFFFFFFF3, sar_is(24)},
      {"Ssa8l_aligned", O::kSsa8l, 0x3FC90000, sar(7), 0x3FC90000, sar_is(0)},
      {"Ssa8b", O::kSsa8b, 1, sar(0), 1, sar_is(24)},
      {"Ssa8b_aligned_is_32", O::kSsa8b, 0x3FC90004, sar(0), 0x3FC90004, sar_is(32)},
      {"Ssa8b_three", O::kSsa8b, 7, sar(0), 7, sar_is(8)},
  };
  // The barriers change nothing (a8, SAR, ACC as they were).
  const std::vector<std::pair<const char*, Opcode>> barriers = {{"Memw", O::kMemw},   {"Extw", O::kExtw},
                                                                 {"Isync", O::kIsync}, {"Dsync", O::kDsync},
                                                                 {"Esync", O::kEsync}, {"Rsync", O::kRsync}};
  for (const auto& [name, opcode] : barriers) {
    rows.push_back({name, opcode, 0x1234, [](MachineState& s) {
                      s.sar = 17;
                      s.acc = 99;
                    },
                    0x1234, [](const MachineState& s) {
                      EXPECT_EQ(s.sar, 17u);
                      EXPECT_EQ(s.acc, 99);
                    }});
  }
  std::vector<SemCase> out;
  for (const RegCase& c : rows) {
    SemCase s = to_sem(c);
    if (c.opcode == O::kMemw || c.opcode == O::kExtw || c.opcode == O::kIsync || c.opcode == O::kDsync ||
        c.opcode == O::kEsync || c.opcode == O::kRsync)
      s.operands = {};
    out.push_back(s);
  }
  // movsp at, as: a plain move while the host's frame is live below the callee.
  out.push_back(SemCase{"Movsp", O::kMovsp, {a(8), a(9)}, [](Machine& mc) { mc.a(9) = 0x3FCA0000; },
                        [](Machine& mc) { EXPECT_EQ(mc.a(8), 0x3FCA0000u); }});
  out.push_back(SemCase{"Movsp_stack_pointer", O::kMovsp, {a(1), a(9)}, [](Machine& mc) { mc.a(9) = 0x3FCA0100; },
                        [](Machine& mc) { EXPECT_EQ(mc.a(1), 0x3FCA0100u); }});
  return out;
}

class SpecialRegs : public ::testing::TestWithParam<SemCase> {};
TEST_P(SpecialRegs, Runs) { run_case(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Table, SpecialRegs, ::testing::ValuesIn(cases()), SemCaseName());

// LBEG, LEND and LCOUNT written by WSR drive the zero-overhead loop as LOOP's would: with
// LCOUNT = 3 the one-instruction body runs 4 times.
TEST(SpecialRegs, WsrLend_WrittenLoopRegistersLoop) {
  Machine mc([](FunctionBuilder& b) {
    b.emit(Opcode::kWsrLcount, {a(2)});
    b.emit(Opcode::kWsrLbeg, {a(3)});
    b.emit(Opcode::kWsrLend, {a(4)});
    b.emit(Opcode::kIsync, {});
    b.emit(Opcode::kAddi, {a(5), a(5), imm(1)});  // the body (instruction 5)
    b.emit(Opcode::kNop, {});                     // LEND
  });
  mc.a(2) = 3;
  mc.a(3) = static_cast<std::uint32_t>(mc.emu().insn_address(0, 5));
  mc.a(4) = static_cast<std::uint32_t>(mc.emu().insn_address(0, 6));
  mc.a(5) = 0;
  const RunResult r = mc.run();
  EXPECT_EQ(mc.a(5), 4u);
  EXPECT_EQ(mc.st().lcount, 0u);
  EXPECT_EQ(r.instructions, 1u + 4u + 4u + 1u + 1u);
}

// A loop-back to an LBEG that is no instruction of the program faults instead of running off.
TEST(SpecialRegs, WsrLbeg_NotAnInstructionFaultsAtLoopBack) {
  Machine mc([](FunctionBuilder& b) {
    b.emit(Opcode::kWsrLcount, {a(2)});
    b.emit(Opcode::kWsrLbeg, {a(3)});
    b.emit(Opcode::kWsrLend, {a(4)});
    b.emit(Opcode::kNop, {});
    b.emit(Opcode::kNop, {});
  });
  mc.a(2) = 1;
  mc.a(3) = 0x40000000;
  mc.a(4) = static_cast<std::uint32_t>(mc.emu().insn_address(0, 5));
  try {
    mc.run();
    FAIL() << "expected a fault";
  } catch (const EmuFault& e) {
    EXPECT_NE(std::string(e.what()).find("loop back to LBEG 0x40000000"), std::string::npos) << e.what();
  }
}

// CCOUNT between two reads is the number of instructions between them, and it keeps counting
// across calls (entry, rsr, 3 nops, rsr, retw.n = 7 per call).
TEST(SpecialRegs, RsrCcount_CountsInstructions) {
  Machine mc([](FunctionBuilder& b) {
    b.emit(Opcode::kRsrCcount, {a(8)});
    b.emit(Opcode::kNop, {});
    b.emit(Opcode::kMemw, {});
    b.emit(Opcode::kNop, {});
    b.emit(Opcode::kRsrCcount, {a(9)});
  });
  mc.run();
  EXPECT_EQ(mc.a(8), 1u);
  EXPECT_EQ(mc.a(9) - mc.a(8), 4u);
  mc.run();
  EXPECT_EQ(mc.a(8), 7u + 1u);
  EXPECT_EQ(mc.st().ccount, 14u);
}

// MOVSP when the caller's frame was spilled (WindowStart clear in the three quads below): the
// Alloca exception, reported as a fault. f calls a chain of call12s deep enough to spill the
// host's frame, returns, and then moves its stack pointer.
TEST(SpecialRegs, Movsp_CallersFrameSpilledFaults) {
  std::string text = R"(    .section .iram1.f,"ax"
    .global f
    .align 4
f:
    entry a1, 32
    call12 g1
    movsp a1, a1
    retw.n
    .size f, .-f
)";
  for (int i = 1; i <= 5; ++i) {
    const std::string g = "g" + std::to_string(i);
    text += "    .section .iram1." + g + ",\"ax\"\n    .align 4\n" + g + ":\n    entry a1, 48\n";
    if (i < 5) text += "    call12 g" + std::to_string(i + 1) + "\n";
    text += "    retw.n\n    .size " + g + ", .-" + g + "\n";
  }
  Emulator emu(parse_assembly(text, "movsp.S"));
  try {
    emu.call("f", std::vector<std::uint32_t>{});
    FAIL() << "expected a fault";
  } catch (const EmuFault& e) {
    EXPECT_EQ(e.fault().kind, FaultKind::kUnsupported);
    EXPECT_NE(std::string(e.what()).find("Alloca exception is not emulated"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("movsp a1, a1"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace pietune::emu::testing
