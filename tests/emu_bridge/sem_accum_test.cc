// semantics/accum: SRCMB, SRS.ACCX, ZERO.*, MOV.*.QACC, MOVI.32.A/Q and the RUR/WUR user registers.
#include <gtest/gtest.h>

#include "emu_test_support.h"

namespace pietune::emu::testing {
namespace {

using O = Opcode;

// 20-bit lanes spanning both rails and both signs.
constexpr std::int32_t kLanes20[16] = {0, 1, -1, 255, -256, 4095, -4097, 32767, -32769, 524287, -524288,
                                       100000, -100000, 77, -77, 300000};

std::vector<SemCase> cases() {
  std::vector<SemCase> c;
  for (std::uint32_t shift : {0u, 4u, 33u}) {  // 33: only as[4:0] = 1 is used
    c.push_back({"EeSrcmbS8Qacc_shift_" + std::to_string(shift), O::kEeSrcmbS8Qacc, {q(3), a(9), imm(0)},
                 [shift](Machine& m) {
                   m.a(9) = shift;
                   for (int i = 0; i < 16; ++i) m.st().qacc.set_lane20(i, kLanes20[i]);
                 },
                 [shift](Machine& m) {
                   const std::uint32_t s = shift & 31;
                   const std::vector<std::int8_t> out = lanes_of<std::int8_t>(m.q(3));
                   for (int i = 0; i < 16; ++i) {
                     const std::int32_t t = kLanes20[i] >> s;  // floor
                     EXPECT_EQ(m.st().qacc.lane20(i), t) << "accumulator overwritten, lane " << i;
                     EXPECT_EQ(out[static_cast<std::size_t>(i)], std::clamp(t, -128, 127)) << "lane " << i;
                   }
                 }});
  }
  c.push_back({"EeSrcmbS8Qacc_sel2_ignored", O::kEeSrcmbS8Qacc, {q(3), a(9), imm(1)},
               [](Machine& m) {
                 m.a(9) = 2;
                 m.st().qacc.set_lane20(0, -9);
               },
               [](Machine& m) {
                 EXPECT_EQ(lanes_of<std::int8_t>(m.q(3))[0], -3);  // floor(-9 / 4)
               }});
  for (std::uint32_t shift : {0u, 7u, 40u}) {
    c.push_back({"EeSrcmbS16Qacc_shift_" + std::to_string(shift), O::kEeSrcmbS16Qacc, {q(3), a(9), imm(1)},
                 [shift](Machine& m) {
                   m.a(9) = shift | 0x40;  // only as[5:0]
                   const std::int64_t v[8] = {0, -1, 32767, -32768, 1LL << 30, -(1LL << 38), 123456789, -99};
                   for (int j = 0; j < 8; ++j) m.st().qacc.set_lane40(j, v[j]);
                 },
                 [shift](Machine& m) {
                   const std::int64_t v[8] = {0, -1, 32767, -32768, 1LL << 30, -(1LL << 38), 123456789, -99};
                   const std::vector<std::int16_t> out = lanes_of<std::int16_t>(m.q(3));
                   for (int j = 0; j < 8; ++j) {
                     const std::int64_t t = v[j] >> shift;
                     EXPECT_EQ(m.st().qacc.lane40(j), t) << "lane " << j;
                     EXPECT_EQ(out[static_cast<std::size_t>(j)], std::clamp<std::int64_t>(t, -32768, 32767)) << "lane " << j;
                   }
                 }});
  }
  c.push_back({"EeSrsAccx_floor_and_overwrite", O::kEeSrsAccx, {a(8), a(9), imm(0)},
               [](Machine& m) {
                 m.a(9) = 3;
                 m.st().accx = -17;
               },
               [](Machine& m) {
                 EXPECT_EQ(m.a(8), static_cast<std::uint32_t>(-3));  // floor(-17 / 8)
                 EXPECT_EQ(m.st().accx, -3);
               }});
  c.push_back({"EeSrsAccx_uses_six_bits", O::kEeSrsAccx, {a(8), a(9), imm(1)},
               [](Machine& m) {
                 m.a(9) = 0xC0 | 36;
                 m.st().accx = (std::int64_t{1} << 39) - 1;
               },
               [](Machine& m) { EXPECT_EQ(m.a(8), 7u); }});
  c.push_back({"EeZeroAccx", O::kEeZeroAccx, {}, [](Machine& m) { m.st().accx = -5; },
               [](Machine& m) { EXPECT_EQ(m.st().accx, 0); }});
  c.push_back({"EeZeroQacc", O::kEeZeroQacc, {},
               [](Machine& m) {
                 for (int i = 0; i < 16; ++i) m.st().qacc.set_lane20(i, i + 1);
               },
               [](Machine& m) {
                 EXPECT_EQ(m.st().qacc.low(), QaccHalf{});
                 EXPECT_EQ(m.st().qacc.high(), QaccHalf{});
               }});
  c.push_back({"EeZeroQ", O::kEeZeroQ, {q(7)}, [](Machine& m) { m.q(7) = iota_q(1); },
               [](Machine& m) { EXPECT_EQ(m.q(7), QReg{}); }});
  // MOV.*.QACC: lanes of qs extended into the lanes of their width.
  c.push_back({"EeMovS8Qacc", O::kEeMovS8Qacc, {q(1)}, [](Machine& m) { m.q(1) = iota_q(0x78); },
               [](Machine& m) {
                 for (int i = 0; i < 16; ++i) EXPECT_EQ(m.st().qacc.lane20(i), static_cast<std::int8_t>(0x78 + i)) << i;
               }});
  c.push_back({"EeMovU8Qacc", O::kEeMovU8Qacc, {q(1)}, [](Machine& m) { m.q(1) = iota_q(0x78); },
               [](Machine& m) {
                 for (int i = 0; i < 16; ++i) EXPECT_EQ(m.st().qacc.lane20(i), 0x78 + i) << i;
               }});
  c.push_back({"EeMovS16Qacc", O::kEeMovS16Qacc, {q(1)},
               [](Machine& m) { m.q(1) = make_q<std::int16_t>({1, -1, 32767, -32768, 5, -5, 0, 100}); },
               [](Machine& m) {
                 const std::int64_t want[8] = {1, -1, 32767, -32768, 5, -5, 0, 100};
                 for (int j = 0; j < 8; ++j) EXPECT_EQ(m.st().qacc.lane40(j), want[j]) << j;
               }});
  c.push_back({"EeMovU16Qacc", O::kEeMovU16Qacc, {q(1)},
               [](Machine& m) { m.q(1) = make_q<std::uint16_t>({1, 0xFFFF, 0x8000, 3, 4, 5, 6, 7}); },
               [](Machine& m) {
                 const std::int64_t want[8] = {1, 0xFFFF, 0x8000, 3, 4, 5, 6, 7};
                 for (int j = 0; j < 8; ++j) EXPECT_EQ(m.st().qacc.lane40(j), want[j]) << j;
               }});
  c.push_back({"EeMovi32A", O::kEeMovi32A, {q(1), a(8), imm(2)},
               [](Machine& m) { m.q(1) = make_q<std::uint32_t>({1, 2, 0xCAFEBABE, 4}); },
               [](Machine& m) { EXPECT_EQ(m.a(8), 0xCAFEBABEu); }});
  c.push_back({"EeMovi32Q_keeps_other_lanes", O::kEeMovi32Q, {q(1), a(8), imm(3)},
               [](Machine& m) {
                 m.q(1) = make_q<std::uint32_t>({1, 2, 3, 4});
                 m.a(8) = 0xDEADBEEF;
               },
               [](Machine& m) {
                 EXPECT_EQ(lanes_of<std::uint32_t>(m.q(1)), (std::vector<std::uint32_t>{1, 2, 3, 0xDEADBEEF}));
               }});
  // ACCX_0 = ACCX[31:0], ACCX_1 = ACCX[39:32] zero-extended; WUR.ACCX_1 uses the low 8 bits.
  c.push_back({"RurAccx0", O::kRurAccx0, {a(8)}, [](Machine& m) { m.st().accx = -2; },
               [](Machine& m) { EXPECT_EQ(m.a(8), 0xFFFFFFFEu); }});
  c.push_back({"RurAccx1_zero_extended", O::kRurAccx1, {a(8)}, [](Machine& m) { m.st().accx = -2; },
               [](Machine& m) { EXPECT_EQ(m.a(8), 0xFFu); }});
  c.push_back({"WurAccx0", O::kWurAccx0, {a(8)},
               [](Machine& m) {
                 m.st().accx = std::int64_t{0x12} << 32;
                 m.a(8) = 0x89ABCDEF;
               },
               [](Machine& m) { EXPECT_EQ(m.st().accx_raw(), 0x1289ABCDEFu); }});
  c.push_back({"WurAccx1_low_8_bits", O::kWurAccx1, {a(8)},
               [](Machine& m) {
                 m.st().accx = 0x55;
                 m.a(8) = 0x1280;
               },
               [](Machine& m) {
                 EXPECT_EQ(m.st().accx_raw(), 0x8000000055u);
                 EXPECT_EQ(m.st().accx, -(std::int64_t{1} << 39) + 0x55);
               }});
  c.push_back({"RurSarByte", O::kRurSarByte, {a(8)}, [](Machine& m) { m.st().sar_byte = 13; },
               [](Machine& m) { EXPECT_EQ(m.a(8), 13u); }});
  c.push_back({"WurSarByte_low_4_bits", O::kWurSarByte, {a(8)}, [](Machine& m) { m.a(8) = 0x37; },
               [](Machine& m) { EXPECT_EQ(m.st().sar_byte, 7u); }});

  // RUR/WUR.QACC_{L,H}_k: 32-bit window [32k+31:32k] of the 160-bit half.
  const Opcode rur[2][5] = {{O::kRurQaccL0, O::kRurQaccL1, O::kRurQaccL2, O::kRurQaccL3, O::kRurQaccL4},
                            {O::kRurQaccH0, O::kRurQaccH1, O::kRurQaccH2, O::kRurQaccH3, O::kRurQaccH4}};
  const Opcode wur[2][5] = {{O::kWurQaccL0, O::kWurQaccL1, O::kWurQaccL2, O::kWurQaccL3, O::kWurQaccL4},
                            {O::kWurQaccH0, O::kWurQaccH1, O::kWurQaccH2, O::kWurQaccH3, O::kWurQaccH4}};
  auto pattern = [](bool high) {
    QaccHalf h{};
    for (int k = 0; k < 20; ++k) h[static_cast<std::size_t>(k)] = static_cast<std::uint8_t>((high ? 0x80 : 0x10) + k);
    return h;
  };
  for (int half = 0; half < 2; ++half) {
    for (int k = 0; k < 5; ++k) {
      const std::string suffix = std::string(half ? "H" : "L") + std::to_string(k);
      c.push_back({"RurQacc" + suffix, rur[half][k], {a(8)},
                   [=](Machine& m) {
                     m.st().qacc.set_low(pattern(false));
                     m.st().qacc.set_high(pattern(true));
                   },
                   [=](Machine& m) {
                     const QaccHalf h = pattern(half == 1);
                     std::uint32_t want;
                     std::memcpy(&want, h.data() + 4 * k, 4);
                     EXPECT_EQ(m.a(8), want);
                   }});
      c.push_back({"WurQacc" + suffix, wur[half][k], {a(8)},
                   [=](Machine& m) {
                     m.st().qacc.set_low(pattern(false));
                     m.st().qacc.set_high(pattern(true));
                     m.a(8) = 0xA1B2C3D4;
                   },
                   [=](Machine& m) {
                     QaccHalf want = pattern(half == 1);
                     const std::uint32_t v = 0xA1B2C3D4;
                     std::memcpy(want.data() + 4 * k, &v, 4);
                     EXPECT_EQ(m.st().qacc.half(half == 1), want);
                     EXPECT_EQ(m.st().qacc.half(half == 0), pattern(half == 0));
                   }});
    }
  }
  return c;
}

class Accum : public ::testing::TestWithParam<SemCase> {};
TEST_P(Accum, Runs) { run_case(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Table, Accum, ::testing::ValuesIn(cases()), SemCaseName());

TEST(Qacc, TwentyAndFortyBitViewsShareTheRawBits) {
  Qacc acc;
  acc.set_lane20(0, 0xABCDE);
  acc.set_lane20(1, 0x12345);
  EXPECT_EQ(acc.lane40(0), 0x12345ABCDE);
  EXPECT_EQ(acc.low()[0], 0xDE);
  EXPECT_EQ(acc.low()[2], 0x5A);  // bits [23:16]: lane 1 starts at bit 20
  acc.set_lane40(7, -1);
  EXPECT_EQ(acc.lane20(15), -1);
  EXPECT_EQ(acc.lane20(14), -1);
  EXPECT_EQ(acc.high()[19], 0xFF);
  EXPECT_EQ(acc.word(true, 4), 0xFFFFFFFFu);
  EXPECT_EQ(acc.lane20(0), static_cast<std::int32_t>(0xFFFABCDE));  // sign-extended from 20 bits
}

TEST(Qacc, RawHalvesRoundTripInBothViews) {
  QaccHalf raw;
  for (int k = 0; k < 20; ++k) raw[static_cast<std::size_t>(k)] = static_cast<std::uint8_t>(0x9F + 13 * k);
  for (bool forty : {false, true}) {
    Qacc acc;
    if (forty) acc.lanes40();  // switch the kept view
    acc.set_high(raw);
    acc.set_low(raw);
    EXPECT_EQ(acc.high(), raw) << forty;
    EXPECT_EQ(acc.low(), raw) << forty;
    // Bytes 9F AC B9 C6 D3 E0 ED FA ...: 20-bit lane 1 = bits [39:20], 40-bit lane 4 = QACC_H [39:0].
    EXPECT_EQ(static_cast<std::uint32_t>(acc.lane20(1)) & 0xFFFFFu, 0xD3C6Bu) << forty;
    EXPECT_EQ(static_cast<std::uint64_t>(acc.lane40(4)) & 0xFFFFFFFFFFu, 0xD3C6B9AC9Fu) << forty;
    EXPECT_EQ(acc.word(false, 1), 0xFAEDE0D3u) << forty;
  }
}

}  // namespace
}  // namespace pietune::emu::testing
