// semantics/mac16: every MAC16 row (MUL/UMUL/MULA/MULS in the AA/AD/DA/DD forms, the MULA.DA/DD
// .LDINC/.LDDEC forms, LDINC/LDDEC) as literal tables (Xtensa ISA RM, MAC16 option); the assembler
// round trip of every new base construct; the timing of a MAC16 dot product in detailed mode.
#include <array>
#include <cctype>
#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "emu_bridge/asm/asm_parser.h"
#include "emu_bridge/asm/asm_printer.h"
#include "emu_bridge/timed_run.h"
#include "emu_test_support.h"
#include "model/timing/machine.h"

namespace pietune::emu::testing {
namespace {

// A MAC16 register operand (m0..m3) is held as its number.
Operand m(int i) { return imm(i); }

// "mula.dd.ll.ldinc" -> "MulaDdLlLdinc", the row's Opcode id.
std::string id_of(std::string_view mnemonic) {
  std::string id;
  bool upper = true;
  for (char c : mnemonic) {
    if (c == '.') {
      upper = true;
      continue;
    }
    id += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return id;
}

Opcode opcode_of(const std::string& mnemonic) { return model::find_opcode(mnemonic).value(); }

// Sources of every product case: x = 0x8001'7FFF (halves: low 32767, high -32767 signed or 32769
// unsigned), y = 0xFFFE'0003 (low 3, high -2 signed or 65534 unsigned).
constexpr std::uint32_t kX = 0x80017FFF;
constexpr std::uint32_t kY = 0xFFFE0003;
constexpr const char* kHalves[] = {"ll", "hl", "lh", "hh"};
// ACC after each half (ll, hl, lh, hh), worked out by hand from the halves above:
//   MUL:  32767 * 3, -32767 * 3, 32767 * -2, -32767 * -2 (ACC before: anything, overwritten)
//   UMUL: 32767 * 3, 32769 * 3, 32767 * 65534, 32769 * 65534
//   MULA: from 2^39 - 16: the first and last wrap past 2^39 - 1 to negative values
//   MULS: from -2^39 + 16: likewise past -2^39
constexpr std::int64_t kMul[] = {98301, -98301, -65534, 65534};
constexpr std::int64_t kUmul[] = {98301, 98307, 2147352578, 2147483646};
constexpr std::int64_t kMulaFrom = (std::int64_t{1} << 39) - 16;
constexpr std::int64_t kMula[] = {-549755715603, 549755715571, 549755748338, -549755748370};
constexpr std::int64_t kMulsFrom = -(std::int64_t{1} << 39) + 16;
constexpr std::int64_t kMuls[] = {549755715603, -549755715571, -549755748338, 549755748370};

struct MacCase {
  std::string name;
  Opcode opcode;
  std::vector<Operand> operands;
  std::vector<std::pair<int, std::uint32_t>> a_in;   // callee a<i> before
  std::vector<std::pair<int, std::uint32_t>> m_in;   // m<i> before
  std::int64_t acc_in = 0;
  std::int64_t acc_out = 0;
  std::vector<std::pair<int, std::uint32_t>> a_out;  // callee a<i> after
  std::vector<std::pair<int, std::uint32_t>> m_out;  // m<i> after
  std::vector<std::uint8_t> mem_in = {};             // bytes at kData before
};

SemCase to_sem(const MacCase& c) {
  return SemCase{c.name, c.opcode, c.operands,
                 [c](Machine& mc) {
                   for (auto [reg, value] : c.a_in) mc.a(reg) = value;
                   for (auto [reg, value] : c.m_in) mc.st().m[static_cast<std::size_t>(reg)] = value;
                   mc.st().acc = c.acc_in;
                   if (!c.mem_in.empty()) mc.poke(kData, c.mem_in);
                 },
                 [c](Machine& mc) {
                   EXPECT_EQ(mc.st().acc, c.acc_out);
                   for (auto [reg, value] : c.a_out) EXPECT_EQ(mc.a(reg), value) << "a" << reg;
                   for (auto [reg, value] : c.m_out) EXPECT_EQ(mc.st().m[static_cast<std::size_t>(reg)], value) << "m" << reg;
                 }};
}

// One case per MUL/UMUL/MULA/MULS row: x and y placed where the form reads them.
std::vector<MacCase> product_cases() {
  std::vector<MacCase> out;
  struct Op {
    const char* name;
    const std::int64_t* expected;
    std::int64_t acc_in;
  };
  const Op ops[] = {{"mul", kMul, 0x123456789A}, {"umul", kUmul, -5}, {"mula", kMula, kMulaFrom}, {"muls", kMuls, kMulsFrom}};
  for (const Op& op : ops) {
    for (const char* form : {"aa", "ad", "da", "dd"}) {
      if (std::string(op.name) == "umul" && std::string(form) != "aa") continue;
      for (int h = 0; h < 4; ++h) {
        MacCase c;
        const std::string mnemonic = std::string(op.name) + "." + form + "." + kHalves[h];
        c.name = id_of(mnemonic);
        c.opcode = opcode_of(mnemonic);
        const std::string f = form;
        if (f == "aa") {
          c.operands = {a(8), a(9)};
          c.a_in = {{8, kX}, {9, kY}};
        } else if (f == "ad") {
          c.operands = {a(8), m(3)};
          c.a_in = {{8, kX}};
          c.m_in = {{3, kY}};
        } else if (f == "da") {
          c.operands = {m(1), a(9)};
          c.m_in = {{1, kX}};
          c.a_in = {{9, kY}};
        } else {
          c.operands = {m(0), m(2)};
          c.m_in = {{0, kX}, {2, kY}};
        }
        c.a_out = c.a_in;  // sources unchanged
        c.m_out = c.m_in;
        c.acc_in = op.acc_in;
        c.acc_out = op.expected[h];
        out.push_back(c);
      }
    }
  }
  return out;
}

// Words at kData, kData + 4, kData + 8 (little-endian bytes).
const std::vector<std::uint8_t> kWords = {0x04, 0x03, 0x02, 0x01, 0x44, 0x33, 0x22, 0x11, 0x88, 0x77, 0x66, 0x55};
// ACC = 1000 + the signed product of each half of x and y (see kMul).
constexpr std::int64_t kMulaFrom1000[] = {1000 + 98301, 1000 - 98301, 1000 - 65534, 1000 + 65534};

// MULA.DA/DD.*.LDINC/LDDEC: LDINC from kData, LDDEC from kData + 8: both load the word at kData + 4
// (0x11223344) and leave a10 = kData + 4. The DD forms load into mx itself (m0): the MAC must use
// m0's value from before the load.
std::vector<MacCase> load_cases() {
  std::vector<MacCase> out;
  for (const char* form : {"da", "dd"}) {
    for (const char* step : {"ldinc", "lddec"}) {
      for (int h = 0; h < 4; ++h) {
        MacCase c;
        const std::string mnemonic = std::string("mula.") + form + "." + kHalves[h] + "." + step;
        c.name = id_of(mnemonic);
        c.opcode = opcode_of(mnemonic);
        const std::uint32_t base = std::string(step) == "ldinc" ? kData : kData + 8;
        c.mem_in = kWords;
        if (std::string(form) == "da") {
          c.operands = {m(3), a(10), m(1), a(9)};
          c.a_in = {{10, base}, {9, kY}};
          c.m_in = {{1, kX}, {3, 0xDEADBEEF}};
          c.a_out = {{10, kData + 4}, {9, kY}};
          c.m_out = {{1, kX}, {3, 0x11223344}};
        } else {
          c.operands = {m(0), a(10), m(0), m(2)};
          c.a_in = {{10, base}};
          c.m_in = {{0, kX}, {2, kY}};
          c.a_out = {{10, kData + 4}};
          c.m_out = {{0, 0x11223344}, {2, kY}};
        }
        c.acc_in = 1000;
        c.acc_out = kMulaFrom1000[h];
        out.push_back(c);
      }
    }
  }
  return out;
}

std::vector<SemCase> mac16_cases() {
  using O = Opcode;
  std::vector<MacCase> rows = product_cases();
  for (const MacCase& c : load_cases()) rows.push_back(c);
  const std::vector<MacCase> more = {
      {"Ldinc", O::kLdinc, {m(2), a(10)}, {{10, kData}}, {}, 7, 7, {{10, kData + 4}}, {{2, 0x11223344}}, kWords},
      {"Ldinc_any_m_register", O::kLdinc, {m(3), a(10)}, {{10, kData + 4}}, {}, 0, 0, {{10, kData + 8}}, {{3, 0x55667788}}, kWords},
      {"Lddec", O::kLddec, {m(1), a(10)}, {{10, kData + 8}}, {}, 7, 7, {{10, kData + 4}}, {{1, 0x11223344}}, kWords},
      {"Lddec_to_first_word", O::kLddec, {m(0), a(10)}, {{10, kData + 4}}, {}, 0, 0, {{10, kData}}, {{0, 0x01020304}}, kWords},
      // One register as both sources: x = y = 0xFFFF'FFFF, (-1) * (-1).
      {"MulAaHh_same_register", O::kMulAaHh, {a(8), a(8)}, {{8, 0xFFFFFFFF}}, {}, 99, 1, {{8, 0xFFFFFFFF}}, {}},
      // UMUL's largest product 65535 * 65535 = 4294836225 stays positive in 40 bits.
      {"UmulAaLl_largest", O::kUmulAaLl, {a(8), a(9)}, {{8, 0xFFFF}, {9, 0xFFFF}}, {}, 0, 4294836225, {}, {}},
      // -32768 * -32768 = 2^30 (the one signed product that needs all 31 bits).
      {"MulaDdLl_most_negative", O::kMulaDdLl, {m(1), m(2)}, {}, {{1, 0x8000}, {2, 0x8000}}, -1, (std::int64_t{1} << 30) - 1, {}, {}},
      {"MulsAdHl_from_zero", O::kMulsAdHl, {a(8), m(2)}, {{8, 0x00050000}}, {{2, 0x7}}, 0, -35, {}, {}},
  };
  for (const MacCase& c : more) rows.push_back(c);
  std::vector<SemCase> out;
  for (const MacCase& c : rows) out.push_back(to_sem(c));
  return out;
}

class Mac16 : public ::testing::TestWithParam<SemCase> {};
TEST_P(Mac16, Runs) { run_case(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Table, Mac16, ::testing::ValuesIn(mac16_cases()), SemCaseName());

// Every MAC16 row is 3 bytes; none counts toward PIE's MAC utilisation (macs = 0, see base_rows.def).
TEST(Mac16Rows, EveryFormIsThreeBytesAndCountsNoPieMac) {
  int rows = 0;
  for (const model::InsnDesc& d : model::all_insns()) {
    const std::string_view mn = d.mnemonic;
    const bool mac = mn.starts_with("mul.") || mn.starts_with("umul.") || mn.starts_with("mula.") || mn.starts_with("muls.");
    if (!mac && mn != "ldinc" && mn != "lddec") continue;
    ++rows;
    EXPECT_EQ(d.size_bytes, 3) << mn;
    EXPECT_EQ(d.macs, 0) << mn;
  }
  EXPECT_EQ(rows, 70);  // 16 MUL + 4 UMUL + 16 MULA + 16 MULS + 16 MULA.*.LDINC/LDDEC + LDINC, LDDEC
}

TEST(Mac16Rows, AFaultingLoadChangesNothing) {
  Machine mc(Opcode::kMulaDdLlLdinc, {m(0), a(10), m(0), m(2)});
  mc.a(10) = 0x10;  // unmapped
  mc.st().m[0] = kX;
  mc.st().m[2] = kY;
  mc.st().acc = 5;
  EXPECT_THROW(mc.run(), EmuFault);
  EXPECT_EQ(mc.a(10), 0x10u);
  EXPECT_EQ(mc.st().m[0], kX);
  EXPECT_EQ(mc.st().acc, 5);
}

// Every construct this change added, in GNU as syntax: parse, print, parse gives the same program.
constexpr const char* kEveryNewConstruct = R"(    .section .iram1.every_new,"ax"
    .global every_new
    .align 4
every_new:
    mul.aa.ll a2, a3
    mul.aa.hl a2, a3
    mul.aa.lh a2, a3
    mul.aa.hh a2, a3
    mul.ad.ll a4, m2
    mul.ad.hl a4, m2
    mul.ad.lh a4, m2
    mul.ad.hh a4, m2
    mul.da.ll m1, a5
    mul.da.hl m1, a5
    mul.da.lh m1, a5
    mul.da.hh m1, a5
    mul.dd.ll m0, m3
    mul.dd.hl m0, m3
    mul.dd.lh m0, m3
    mul.dd.hh m0, m3
    umul.aa.ll a2, a3
    umul.aa.hl a2, a3
    umul.aa.lh a2, a3
    umul.aa.hh a2, a3
    mula.aa.ll a2, a3
    mula.aa.hl a2, a3
    mula.aa.lh a2, a3
    mula.aa.hh a2, a3
    mula.ad.ll a4, m2
    mula.ad.hl a4, m2
    mula.ad.lh a4, m2
    mula.ad.hh a4, m2
    mula.da.ll m1, a5
    mula.da.hl m1, a5
    mula.da.lh m1, a5
    mula.da.hh m1, a5
    mula.dd.ll m0, m3
    mula.dd.hl m0, m3
    mula.dd.lh m0, m3
    mula.dd.hh m0, m3
    muls.aa.ll a2, a3
    muls.aa.hl a2, a3
    muls.aa.lh a2, a3
    muls.aa.hh a2, a3
    muls.ad.ll a4, m2
    muls.ad.hl a4, m2
    muls.ad.lh a4, m2
    muls.ad.hh a4, m2
    muls.da.ll m1, a5
    muls.da.hl m1, a5
    muls.da.lh m1, a5
    muls.da.hh m1, a5
    muls.dd.ll m0, m3
    muls.dd.hl m0, m3
    muls.dd.lh m0, m3
    muls.dd.hh m0, m3
    mula.da.ll.ldinc m3, a6, m1, a7
    mula.da.hl.ldinc m3, a6, m1, a7
    mula.da.lh.ldinc m3, a6, m1, a7
    mula.da.hh.ldinc m3, a6, m1, a7
    mula.da.ll.lddec m3, a6, m1, a7
    mula.da.hl.lddec m3, a6, m1, a7
    mula.da.lh.lddec m3, a6, m1, a7
    mula.da.hh.lddec m3, a6, m1, a7
    mula.dd.ll.ldinc m2, a8, m0, m2
    mula.dd.hl.ldinc m2, a8, m0, m2
    mula.dd.lh.ldinc m2, a8, m0, m2
    mula.dd.hh.ldinc m2, a8, m0, m2
    mula.dd.ll.lddec m2, a8, m0, m2
    mula.dd.hl.lddec m2, a8, m0, m2
    mula.dd.lh.lddec m2, a8, m0, m2
    mula.dd.hh.lddec m2, a8, m0, m2
    ldinc m1, a9
    lddec m3, a10
    xsr.sar a2
    rsr.lbeg a11
    wsr.lbeg a12
    xsr.lbeg a13
    rsr.lend a11
    wsr.lend a12
    xsr.lend a13
    rsr.lcount a11
    wsr.lcount a12
    xsr.lcount a13
    rsr.acclo a11
    wsr.acclo a12
    xsr.acclo a13
    rsr.acchi a11
    wsr.acchi a12
    xsr.acchi a13
    rsr.m0 a11
    wsr.m0 a12
    xsr.m0 a13
    rsr.m1 a11
    wsr.m1 a12
    xsr.m1 a13
    rsr.m2 a11
    wsr.m2 a12
    xsr.m2 a13
    rsr.m3 a11
    wsr.m3 a12
    xsr.m3 a13
    rsr.ccount a14
    ssa8l a15
    ssa8b a2
    memw
    extw
    isync
    dsync
    esync
    rsync
    movsp a1, a3
)";

TEST(Mac16Assembly, EveryNewConstructRoundTrips) {
  const model::Program first = parse_assembly(kEveryNewConstruct, "every_new.S");
  ASSERT_EQ(first.functions.size(), 1u);
  EXPECT_EQ(first.functions[0].insns.size(), 108u);
  const std::string printed = print_assembly(first);
  const model::Program second = parse_assembly(printed, "every_new_printed.S");
  EXPECT_EQ(print_assembly(second), printed);
  ASSERT_EQ(second.functions[0].insns.size(), first.functions[0].insns.size());
  for (std::size_t i = 0; i < first.functions[0].insns.size(); ++i) {
    const model::Insn& x = first.functions[0].insns[i];
    const model::Insn& y = second.functions[0].insns[i];
    EXPECT_EQ(x.opcode, y.opcode) << i;
    ASSERT_EQ(x.operand_count, y.operand_count) << i;
    for (std::size_t k = 0; k < x.operand_count; ++k) EXPECT_EQ(x.operands[k], y.operands[k]) << i << " operand " << k;
  }
  EXPECT_NE(printed.find("mula.dd.ll.ldinc m2, a8, m0, m2\n"), std::string::npos) << printed;
  EXPECT_NE(printed.find("mul.da.hh m1, a5\n"), std::string::npos);
  EXPECT_NE(printed.find("xsr.acchi a13\n"), std::string::npos);
  EXPECT_NE(printed.find("movsp a1, a3\n"), std::string::npos);
}

TEST(Mac16Assembly, OperandsKeepAssemblerOrder) {
  const model::Program p = parse_assembly("f:\n    mula.da.hl.lddec m3, a6, m1, a7\n", "order.S");
  const model::Insn& insn = p.functions[0].insns[0];
  EXPECT_EQ(insn.opcode, Opcode::kMulaDaHlLddec);
  EXPECT_EQ(insn.operands[0], m(3));
  EXPECT_EQ(insn.operands[1], a(6));
  EXPECT_EQ(insn.operands[2], m(1));
  EXPECT_EQ(insn.operands[3], a(7));
}

std::string parse_error(std::string_view text) {
  try {
    parse_assembly(text, "bad.S");
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(Mac16Assembly, RejectsMRegistersTheEncodingCannotName) {
  // mx is m0 or m1 and my is m2 or m3 (one bit each); mw is any of m0..m3.
  EXPECT_NE(parse_error("f:\n    mul.da.ll m2, a3\n").find("expected a MAC16 register (m0 or m1), got 'm2'"), std::string::npos)
      << parse_error("f:\n    mul.da.ll m2, a3\n");
  EXPECT_NE(parse_error("f:\n    mul.ad.ll a3, m1\n").find("expected a MAC16 register (m2 or m3), got 'm1'"), std::string::npos);
  EXPECT_NE(parse_error("f:\n    ldinc m4, a2\n").find("expected a MAC16 register (m0-m3), got 'm4'"), std::string::npos);
  EXPECT_NE(parse_error("f:\n    ldinc 1, a2\n").find("got '1'"), std::string::npos);
  EXPECT_NE(parse_error("f:\n    ldinc M1, a2\n").find("got 'M1'"), std::string::npos);
}

// A MAC16 dot product of int16 vectors in the style of the S3 DSP kernels: two words preloaded
// into m0 (x) and m2 (y), then per loop iteration four MULA.DD.*.LDINC that multiply the halves of
// one pair of m registers while loading the next pair (m1/m3, then m0/m2 again). a4 = iterations,
// 4 elements each. The loads run 2 words past each vector (read, never used).
constexpr const char* kDot = R"(    .section .iram1.dot16,"ax"
    .global dot16
    .align 4
dot16:
    entry a1, 32
    movi.n a5, 0
    wsr.acclo a5
    wsr.acchi a5
    addi a2, a2, -4
    addi a3, a3, -4
    ldinc m0, a2
    ldinc m2, a3
    loop a4, .Ldot_end
    mula.dd.ll.ldinc m1, a2, m0, m2
    mula.dd.hh.ldinc m3, a3, m0, m2
    mula.dd.ll.ldinc m0, a2, m1, m3
    mula.dd.hh.ldinc m2, a3, m1, m3
.Ldot_end:
    rsr.acclo a2
    retw.n
)";

struct DotRun {
  TimedRun timed;
  std::int64_t acc = 0;
};

DotRun run_dot(std::uint32_t iterations) {
  Emulator emu(parse_assembly(kDot, "dot16.S"));
  const std::uint32_t n = 4 * iterations;
  std::vector<std::uint8_t> x, y;
  for (std::uint32_t i = 0; i < n + 4; ++i) {  // + 4: the loads' overrun
    const auto xi = static_cast<std::uint16_t>(static_cast<std::int16_t>(i * 37 % 201) - 100);
    const auto yi = static_cast<std::uint16_t>(static_cast<std::int16_t>(i * 53 % 301) - 150);
    x.push_back(static_cast<std::uint8_t>(xi));
    x.push_back(static_cast<std::uint8_t>(xi >> 8));
    y.push_back(static_cast<std::uint8_t>(yi));
    y.push_back(static_cast<std::uint8_t>(yi >> 8));
  }
  emu.memory().load(kData, x);
  emu.memory().load(kData + 0x1000, y);
  DotRun r;
  r.timed = run_timed(emu, model::default_machine(), "dot16", std::vector<std::uint32_t>{kData, kData + 0x1000, iterations});
  r.acc = emu.state().acc;
  return r;
}

std::int64_t reference_dot(std::uint32_t n) {
  std::int64_t sum = 0;
  for (std::uint32_t i = 0; i < n; ++i)
    sum += std::int64_t{static_cast<std::int16_t>(i * 37 % 201) - 100} * (static_cast<std::int16_t>(i * 53 % 301) - 150);
  return sum;
}

TEST(Mac16Timing, DotProductFollowsTheStageTable) {
  const DotRun short_run = run_dot(4);
  const DotRun long_run = run_dot(12);
  EXPECT_EQ(short_run.acc, reference_dot(16));
  EXPECT_EQ(long_run.acc, reference_dot(48));
  EXPECT_EQ(long_run.timed.run.return_value, static_cast<std::uint32_t>(reference_dot(48)));
  // Per iteration, by the rows: each MULA reads and writes ACC at M (D = 2 - 2 + 1 = 1: back to
  // back, no stall), reads its m registers at M, where the load before it wrote them (D = 1: no
  // stall at distance 1), and updates its address register at E (D = 1 for the next use of a2/a3,
  // two instructions later); the
  // body (4 instructions) is longer than the zero-overhead loop's 1.7-cycle floor. So 4 cycles per
  // iteration (plus the machine's loop-back penalty, 0 from IRAM), and 8 more iterations cost
  // 32 more cycles.
  const model::Machine& machine = model::default_machine();
  EXPECT_DOUBLE_EQ(long_run.timed.cost.cycles - short_run.timed.cost.cycles, 8 * (4.0 + machine.loop_back_penalty));
  EXPECT_DOUBLE_EQ(machine.loop_back_penalty, 0.0);
  // The one data stall of the whole run: rsr.acclo reads ACC at E right after the last MULA
  // wrote it at M (D = 2 - 1 + 1 = 2, distance 1).
  EXPECT_DOUBLE_EQ(long_run.timed.cost.data_stall, 1.0);
  EXPECT_DOUBLE_EQ(long_run.timed.cost.resource_stall, 0.0);
  EXPECT_DOUBLE_EQ(long_run.timed.cost.loop, machine.loop_setup_cycles + 11 * machine.loop_back_penalty);
  EXPECT_DOUBLE_EQ(long_run.timed.cost.breakdown_sum(), long_run.timed.cost.cycles);
  // 9 instructions up to the loop, 4 per iteration, rsr.acclo and retw.n.
  EXPECT_EQ(long_run.timed.run.instructions, 9u + 12u * 4u + 2u);
  EXPECT_DOUBLE_EQ(long_run.timed.cost.issue, static_cast<double>(long_run.timed.run.instructions));
}

}  // namespace
}  // namespace pietune::emu::testing
