// semantics/mac: every EE.VMULAS / EE.VSMULAS row against an independent reference computed here
// (lane products in int64, clamps at the documented rails), plus the fused load, pointer update
// and QUP funnel of each form. One literal row per opcode says its element type, accumulator and form.
#include <gtest/gtest.h>

#include "emu_test_support.h"

namespace pietune::emu::testing {
namespace {

using O = Opcode;

enum class Elem { kS8, kU8, kS16, kU16 };
enum class Acc { kAccx, kQacc };
enum class Form { kPlain, kLdIp, kLdXp, kLdbcIncp, kLdIncp };

struct MacRow {
  Opcode opcode;
  const char* id;
  Elem elem;
  Acc acc;
  Form form;
  bool qup;
  bool scalar;  // VSMULAS: qy's lane `sel` for every lane
};

#define ROW(id, e, acc, form, qup) {O::k##id, #id, Elem::e, Acc::acc, Form::form, qup, false}
#define SROW(id, e, form) {O::k##id, #id, Elem::e, Acc::kQacc, Form::form, false, true}
const MacRow kRows[] = {
    ROW(EeVmulasS8Accx, kS8, kAccx, kPlain, false),       ROW(EeVmulasS8AccxLdIp, kS8, kAccx, kLdIp, false),
    ROW(EeVmulasS8AccxLdXp, kS8, kAccx, kLdXp, false),    ROW(EeVmulasS8AccxLdIpQup, kS8, kAccx, kLdIp, true),
    ROW(EeVmulasS8AccxLdXpQup, kS8, kAccx, kLdXp, true),  ROW(EeVmulasU8Accx, kU8, kAccx, kPlain, false),
    ROW(EeVmulasU8AccxLdIp, kU8, kAccx, kLdIp, false),    ROW(EeVmulasU8AccxLdXp, kU8, kAccx, kLdXp, false),
    ROW(EeVmulasU8AccxLdIpQup, kU8, kAccx, kLdIp, true),  ROW(EeVmulasU8AccxLdXpQup, kU8, kAccx, kLdXp, true),
    ROW(EeVmulasS16Accx, kS16, kAccx, kPlain, false),     ROW(EeVmulasS16AccxLdIp, kS16, kAccx, kLdIp, false),
    ROW(EeVmulasS16AccxLdXp, kS16, kAccx, kLdXp, false),  ROW(EeVmulasS16AccxLdIpQup, kS16, kAccx, kLdIp, true),
    ROW(EeVmulasS16AccxLdXpQup, kS16, kAccx, kLdXp, true), ROW(EeVmulasU16Accx, kU16, kAccx, kPlain, false),
    ROW(EeVmulasU16AccxLdIp, kU16, kAccx, kLdIp, false),  ROW(EeVmulasU16AccxLdXp, kU16, kAccx, kLdXp, false),
    ROW(EeVmulasU16AccxLdIpQup, kU16, kAccx, kLdIp, true), ROW(EeVmulasU16AccxLdXpQup, kU16, kAccx, kLdXp, true),
    ROW(EeVmulasS8Qacc, kS8, kQacc, kPlain, false),       ROW(EeVmulasS8QaccLdIp, kS8, kQacc, kLdIp, false),
    ROW(EeVmulasS8QaccLdXp, kS8, kQacc, kLdXp, false),    ROW(EeVmulasS8QaccLdIpQup, kS8, kQacc, kLdIp, true),
    ROW(EeVmulasS8QaccLdXpQup, kS8, kQacc, kLdXp, true),  ROW(EeVmulasS8QaccLdbcIncp, kS8, kQacc, kLdbcIncp, false),
    ROW(EeVmulasS8QaccLdbcIncpQup, kS8, kQacc, kLdbcIncp, true),
    ROW(EeVmulasU8Qacc, kU8, kQacc, kPlain, false),       ROW(EeVmulasU8QaccLdIp, kU8, kQacc, kLdIp, false),
    ROW(EeVmulasU8QaccLdXp, kU8, kQacc, kLdXp, false),    ROW(EeVmulasU8QaccLdIpQup, kU8, kQacc, kLdIp, true),
    ROW(EeVmulasU8QaccLdXpQup, kU8, kQacc, kLdXp, true),  ROW(EeVmulasU8QaccLdbcIncp, kU8, kQacc, kLdbcIncp, false),
    ROW(EeVmulasU8QaccLdbcIncpQup, kU8, kQacc, kLdbcIncp, true),
    ROW(EeVmulasS16Qacc, kS16, kQacc, kPlain, false),     ROW(EeVmulasS16QaccLdIp, kS16, kQacc, kLdIp, false),
    ROW(EeVmulasS16QaccLdXp, kS16, kQacc, kLdXp, false),  ROW(EeVmulasS16QaccLdIpQup, kS16, kQacc, kLdIp, true),
    ROW(EeVmulasS16QaccLdXpQup, kS16, kQacc, kLdXp, true), ROW(EeVmulasS16QaccLdbcIncp, kS16, kQacc, kLdbcIncp, false),
    ROW(EeVmulasS16QaccLdbcIncpQup, kS16, kQacc, kLdbcIncp, true),
    ROW(EeVmulasU16Qacc, kU16, kQacc, kPlain, false),     ROW(EeVmulasU16QaccLdIp, kU16, kQacc, kLdIp, false),
    ROW(EeVmulasU16QaccLdXp, kU16, kQacc, kLdXp, false),  ROW(EeVmulasU16QaccLdIpQup, kU16, kQacc, kLdIp, true),
    ROW(EeVmulasU16QaccLdXpQup, kU16, kQacc, kLdXp, true), ROW(EeVmulasU16QaccLdbcIncp, kU16, kQacc, kLdbcIncp, false),
    ROW(EeVmulasU16QaccLdbcIncpQup, kU16, kQacc, kLdbcIncp, true),
    SROW(EeVsmulasS8Qacc, kS8, kPlain),                   SROW(EeVsmulasS8QaccLdIncp, kS8, kLdIncp),
    SROW(EeVsmulasS16Qacc, kS16, kPlain),                 SROW(EeVsmulasS16QaccLdIncp, kS16, kLdIncp),
};
#undef ROW
#undef SROW

int lanes_of_elem(Elem e) { return e == Elem::kS8 || e == Elem::kU8 ? 16 : 8; }
int elem_bytes(Elem e) { return 16 / lanes_of_elem(e); }
bool elem_signed(Elem e) { return e == Elem::kS8 || e == Elem::kS16; }

std::int64_t lane_value(const QReg& qr, Elem e, int i) {
  switch (e) {
    case Elem::kS8: return lanes_of<std::int8_t>(qr)[static_cast<std::size_t>(i)];
    case Elem::kU8: return lanes_of<std::uint8_t>(qr)[static_cast<std::size_t>(i)];
    case Elem::kS16: return lanes_of<std::int16_t>(qr)[static_cast<std::size_t>(i)];
    case Elem::kU16: return lanes_of<std::uint16_t>(qr)[static_cast<std::size_t>(i)];
  }
  return 0;
}

// Operands in assembler order, registers: qu q2, as a9, ad a10, qx q4, qy q5, qs0 q6, qs1 q7.
constexpr int kSel = 3;
std::vector<Operand> operands_of(const MacRow& r) {
  switch (r.form) {
    case Form::kPlain:
      if (r.scalar) return {q(4), q(5), imm(kSel)};
      return {q(4), q(5)};
    case Form::kLdIp:
      if (r.qup) return {q(2), a(9), imm(-32), q(4), q(5), q(6), q(7)};
      return {q(2), a(9), imm(-32), q(4), q(5)};
    case Form::kLdXp:
      if (r.qup) return {q(2), a(9), a(10), q(4), q(5), q(6), q(7)};
      return {q(2), a(9), a(10), q(4), q(5)};
    case Form::kLdbcIncp:
      if (r.qup) return {q(2), a(9), q(4), q(5), q(6), q(7)};
      return {q(2), a(9), q(4), q(5)};
    case Form::kLdIncp: return {q(2), a(9), q(4), q(5), imm(kSel)};
  }
  return {};
}

// Inputs chosen to include both signs and large magnitudes for every element type.
QReg qx_input() {
  QReg out;
  for (int k = 0; k < 16; ++k) out[static_cast<std::size_t>(k)] = static_cast<std::uint8_t>(0x9D + 37 * k);
  return out;
}
QReg qy_input() {
  QReg out;
  for (int k = 0; k < 16; ++k) out[static_cast<std::size_t>(k)] = static_cast<std::uint8_t>(0xF3 - 29 * k);
  return out;
}

QReg funnel_want() {
  QReg out;
  for (int k = 0; k < 16; ++k) out[static_cast<std::size_t>(k)] = static_cast<std::uint8_t>(0x65 + k);
  return out;
}

constexpr std::uint32_t kPtr = kData + 0x83;  // off the grid
constexpr std::int64_t kAccxStart = 123456789;
constexpr std::int64_t kLane20Start = -1000;
constexpr std::int64_t kLane40Start = 5000000000;

SemCase mac_case(const MacRow& r) {
  return SemCase{
      std::string(r.id) + "_reference", r.opcode, operands_of(r),
      [r](Machine& m) {
        m.poke(kData, iota_bytes(512, 0x11));
        m.a(9) = kPtr;
        m.a(10) = 48;
        m.q(4) = qx_input();
        m.q(5) = qy_input();
        m.q(6) = iota_q(0x60);
        m.q(7) = iota_q(0x70);
        m.q(2) = splat_q<std::uint8_t>(0xEE);
        m.st().sar_byte = 5;
        m.st().accx = kAccxStart;
        for (int i = 0; i < 16; ++i) m.st().qacc.set_lane20(i, kLane20Start + i);
        if (elem_bytes(r.elem) == 2 && r.acc == Acc::kQacc)
          for (int j = 0; j < 8; ++j) m.st().qacc.set_lane40(j, (j % 2 ? -1 : 1) * kLane40Start + j);
      },
      [r](Machine& m) {
        const QReg x = qx_input();
        const QReg y = qy_input();
        const int n = lanes_of_elem(r.elem);
        const bool sgn = elem_signed(r.elem);
        auto product = [&](int i) { return lane_value(x, r.elem, i) * lane_value(y, r.elem, r.scalar ? kSel : i); };
        if (r.acc == Acc::kAccx) {
          std::int64_t sum = 0;
          for (int i = 0; i < n; ++i) sum += product(i);
          const std::int64_t want = sgn ? std::clamp<std::int64_t>(kAccxStart + sum, -(1LL << 39), (1LL << 39) - 1)
                                        : std::min<std::int64_t>(kAccxStart + sum, (1LL << 40) - 1);
          EXPECT_EQ(m.st().accx_raw(), static_cast<std::uint64_t>(want) & ((1ULL << 40) - 1));
        } else if (n == 16) {
          for (int i = 0; i < 16; ++i) {
            const std::int64_t start = kLane20Start + i;
            std::int64_t want;
            if (sgn) want = std::clamp<std::int64_t>(start + product(i), -(1 << 19), (1 << 19) - 1);
            else want = std::min<std::int64_t>((start & 0xFFFFF) + product(i), 0xFFFFF);
            EXPECT_EQ(static_cast<std::uint32_t>(m.st().qacc.lane20(i)) & 0xFFFFFu, static_cast<std::uint32_t>(want) & 0xFFFFFu)
                << "lane " << i;
          }
        } else {
          for (int j = 0; j < 8; ++j) {
            const std::int64_t start = (j % 2 ? -1 : 1) * kLane40Start + j;
            std::int64_t want;
            if (sgn) want = std::clamp<std::int64_t>(start + product(j), -(1LL << 39), (1LL << 39) - 1);
            else want = std::min<std::int64_t>((start & ((1LL << 40) - 1)) + product(j), (1LL << 40) - 1);
            EXPECT_EQ(static_cast<std::uint64_t>(m.st().qacc.lane40(j)) & ((1ULL << 40) - 1),
                      static_cast<std::uint64_t>(want) & ((1ULL << 40) - 1))
                << "lane " << j;
          }
        }
        // The fused load, the pointer and the funnel.
        const std::uint32_t ptr_offset = kPtr - kData;
        switch (r.form) {
          case Form::kPlain: EXPECT_EQ(m.q(2), splat_q<std::uint8_t>(0xEE)); break;
          case Form::kLdIp:
          case Form::kLdXp:
          case Form::kLdIncp: {
            EXPECT_EQ(bytes_of(m.q(2)), iota_bytes(16, 0x11 + static_cast<int>(ptr_offset & ~15u)));
            const std::uint32_t step = r.form == Form::kLdIp ? static_cast<std::uint32_t>(-32) : r.form == Form::kLdXp ? 48 : 16;
            EXPECT_EQ(m.a(9), kPtr + step);
            break;
          }
          case Form::kLdbcIncp: {
            const int bytes = elem_bytes(r.elem);
            const std::uint32_t at = ptr_offset & ~static_cast<std::uint32_t>(bytes - 1);
            std::vector<std::uint8_t> want;
            for (int k = 0; k < 16 / bytes; ++k)
              for (int b = 0; b < bytes; ++b) want.push_back(static_cast<std::uint8_t>(0x11 + at + static_cast<std::uint32_t>(b)));
            EXPECT_EQ(bytes_of(m.q(2)), want);
            EXPECT_EQ(m.a(9), kPtr + static_cast<std::uint32_t>(bytes));
            break;
          }
        }
        const QReg qs0_want = r.qup ? funnel_want() : iota_q(0x60);  // QUP: ({q7, q6} >> 40)[127:0]
        EXPECT_EQ(m.q(6), qs0_want);
        EXPECT_EQ(m.q(4), qx_input());
        EXPECT_EQ(m.q(5), qy_input());
      }};
}

std::vector<SemCase> cases() {
  std::vector<SemCase> out;
  for (const MacRow& r : kRows) out.push_back(mac_case(r));
  return out;
}

class Mac : public ::testing::TestWithParam<SemCase> {};
TEST_P(Mac, Runs) { run_case(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Table, Mac, ::testing::ValuesIn(cases()), SemCaseName());

// Each row of the table names a MAC opcode once.
TEST(MacTable, CoversEveryMacRow) {
  std::set<Opcode> listed;
  for (const MacRow& r : kRows) EXPECT_TRUE(listed.insert(r.opcode).second) << r.id;
  int macs = 0;
  for (const model::InsnDesc& d : model::all_insns()) macs += d.macs > 0 ? 1 : 0;
  EXPECT_EQ(static_cast<int>(listed.size()), macs);
}

}  // namespace
}  // namespace pietune::emu::testing
