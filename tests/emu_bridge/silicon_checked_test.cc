// The silicon-checked behaviours of s3_isa_facts.md §4 (HW-E, HW-Q measurements), each as a named test,
// run as small programs the way a kernel would use the instructions.
#include <gtest/gtest.h>

#include "emu_test_support.h"

namespace pietune::emu::testing {
namespace {

using O = Opcode;

// HW-E: a sliding FIR from x + 2n matched "round every window down to 16 B" in 49/49 outputs.
TEST(SiliconChecked, Vld128PointerOffGridLoadsTheAlignedChunkAndKeepsItsLowBits) {
  Machine m([](FunctionBuilder& b) {
    b.emit(O::kEeVld128Ip, {q(0), a(2), imm(16)});
    b.emit(O::kEeVld128Ip, {q(1), a(2), imm(16)});
    b.emit(O::kMov, {a(8), a(2)});
  });
  m.poke(kData, iota_bytes(64));
  m.a(2) = kData + 2;
  m.run();
  EXPECT_EQ(bytes_of(m.q(0)), iota_bytes(16, 0));   // kData..kData+15, not kData+2..
  EXPECT_EQ(bytes_of(m.q(1)), iota_bytes(16, 16));  // the post-increment kept the 2
  EXPECT_EQ(m.a(8), kData + 2 + 32);
}

// HW-E: 200 x (8 lanes of 32000 * 32000) with VMULAS.S16.ACCX clamps at exactly 2^39 - 1.
TEST(SiliconChecked, AccxClampsAtExactly2Pow39Minus1After200S16Macs) {
  Machine m([](FunctionBuilder& b) {
    b.emit(O::kEeZeroAccx, {});
    b.zero_overhead_loop(O::kLoop, a(2), 200, [&] { b.emit(O::kEeVmulasS16Accx, {q(0), q(1)}); });
    b.emit(O::kRurAccx0, {a(8)});
    b.emit(O::kRurAccx1, {a(9)});
  });
  m.a(2) = 200;
  m.q(0) = splat_q<std::int16_t>(32000);
  m.q(1) = splat_q<std::int16_t>(32000);
  m.run();
  EXPECT_EQ(m.st().accx, (std::int64_t{1} << 39) - 1);
  EXPECT_EQ(m.a(8), 0xFFFFFFFFu);
  EXPECT_EQ(m.a(9), 0x7Fu);
}

// HW-E: SRS.ACCX with ACCX = 2^38 + 12345: shift 0 -> 2147483647 (saturated), shift 8 -> 1073741872;
// ACCX = -(2^38 + 999), shift 5 -> -2147483648. The accumulator keeps the shifted value.
TEST(SiliconChecked, SrsAccxShiftsWithoutRoundingOverwritesAndSaturates) {
  struct Row {
    std::int64_t accx;
    std::uint32_t shift;
    std::int32_t out;
  };
  const Row rows[] = {
      {(std::int64_t{1} << 38) + 12345, 0, 2147483647},
      {(std::int64_t{1} << 38) + 12345, 8, 1073741872},
      {-((std::int64_t{1} << 38) + 999), 5, -2147483647 - 1},
  };
  for (const Row& row : rows) {
    Machine m(O::kEeSrsAccx, {a(8), a(9), imm(0)});
    m.st().accx = row.accx;
    m.a(9) = row.shift;
    m.run();
    EXPECT_EQ(static_cast<std::int32_t>(m.a(8)), row.out) << row.accx << " >> " << row.shift;
    EXPECT_EQ(m.st().accx, row.accx >> row.shift);
  }
}

// HW-Q / QEMU issue #165: 17 x (255 * 255) into a zero QACC gives 0xFFFFF in every lane on silicon.
TEST(SiliconChecked, U8QaccSaturatesAt0xFFFFFInEveryLane) {
  Machine m([](FunctionBuilder& b) {
    b.emit(O::kEeZeroQacc, {});
    b.zero_overhead_loop(O::kLoop, a(2), 17, [&] { b.emit(O::kEeVmulasU8Qacc, {q(0), q(1)}); });
  });
  m.a(2) = 17;
  m.q(0) = splat_q<std::uint8_t>(255);
  m.q(1) = splat_q<std::uint8_t>(255);
  m.run();
  for (int i = 0; i < 16; ++i) EXPECT_EQ(static_cast<std::uint32_t>(m.st().qacc.lane20(i)) & 0xFFFFFu, 0xFFFFFu) << i;
  QaccHalf all_ones;
  all_ones.fill(0xFF);
  EXPECT_EQ(m.st().qacc.low(), all_ones);
  EXPECT_EQ(m.st().qacc.high(), all_ones);
}

// HW-Q: silicon's negative rail for S8 QACC lanes is -2^19 (0x80000); QEMU's -2^19 + 1 is a bug.
TEST(SiliconChecked, S8QaccNegativeRailIsExactlyMinus2Pow19) {
  Machine m([](FunctionBuilder& b) {
    b.emit(O::kEeZeroQacc, {});
    b.zero_overhead_loop(O::kLoop, a(2), 40, [&] { b.emit(O::kEeVmulasS8Qacc, {q(0), q(1)}); });
    b.emit(O::kEeStQaccLL128Ip, {a(3), imm(16)});
  });
  m.a(2) = 40;
  m.a(3) = kData;
  m.q(0) = splat_q<std::int8_t>(-128);
  m.q(1) = splat_q<std::int8_t>(127);
  m.run();
  for (int i = 0; i < 16; ++i) EXPECT_EQ(m.st().qacc.lane20(i), -(1 << 19)) << i;
  // Raw: lane 0 = 0x80000 at bits [19:0], lane 1 at [39:20] -> bytes 00 00 08 00 80 ...
  EXPECT_EQ(m.peek(kData, 5), (std::vector<std::uint8_t>{0x00, 0x00, 0x08, 0x00, 0x80}));
}

TEST(SiliconChecked, S8QaccPositiveRailIs2Pow19Minus1) {
  Machine m([](FunctionBuilder& b) {
    b.emit(O::kEeZeroQacc, {});
    b.zero_overhead_loop(O::kLoop, a(2), 40, [&] { b.emit(O::kEeVmulasS8Qacc, {q(0), q(1)}); });
  });
  m.a(2) = 40;
  m.q(0) = splat_q<std::int8_t>(-128);
  m.q(1) = splat_q<std::int8_t>(-128);
  m.run();
  for (int i = 0; i < 16; ++i) EXPECT_EQ(m.st().qacc.lane20(i), (1 << 19) - 1) << i;
}

// HW-Q / QEMU issue #161: VADDS.S8 -100 + -100 = -128 on silicon (not -127).
TEST(SiliconChecked, VaddsS8SaturatesToMinus128) {
  Machine m(O::kEeVaddsS8, {q(2), q(0), q(1)});
  m.q(0) = splat_q<std::int8_t>(-100);
  m.q(1) = splat_q<std::int8_t>(-100);
  m.run();
  EXPECT_EQ(m.q(2), splat_q<std::int8_t>(-128));
}

TEST(SiliconChecked, VsubsS8SaturatesToMinus128) {
  Machine m(O::kEeVsubsS8, {q(2), q(0), q(1)});
  m.q(0) = splat_q<std::int8_t>(-100);
  m.q(1) = splat_q<std::int8_t>(100);
  m.run();
  EXPECT_EQ(m.q(2), splat_q<std::int8_t>(-128));
}

// HW-E: the window at byte offset 2 equals SRC.Q only with qs0 = the aligned chunk, qs1 = the next:
// ({qs1, qs0} >> 16)[127:0].
TEST(SiliconChecked, SrcQFirstSourceIsTheLowHalf) {
  Machine m([](FunctionBuilder& b) {
    b.emit(O::kEeLd128UsarIp, {q(0), a(2), imm(16)});
    b.emit(O::kEeVld128Ip, {q(1), a(2), imm(16)});
    b.emit(O::kEeSrcQ, {q(2), q(0), q(1)});
  });
  m.poke(kData, iota_bytes(64, 0x40));
  m.a(2) = kData + 2;
  m.run();
  EXPECT_EQ(m.st().sar_byte, 2u);
  EXPECT_EQ(bytes_of(m.q(0)), iota_bytes(16, 0x40));
  EXPECT_EQ(bytes_of(m.q(2)), iota_bytes(16, 0x42));  // memory at kData + 2 .. kData + 17
}

// esp-dsp dsps_dp_s8_aes3: `ee.vmulas.s8.accx.ld.ip q1, a3, 16, q0, q1` multiplies by the old q1.
TEST(SiliconChecked, FusedLoadIntoAMultipliedRegisterUsesTheOldValue) {
  Machine m(O::kEeVmulasS8AccxLdIp, {q(1), a(3), imm(16), q(0), q(1)});
  m.poke(kData, std::vector<std::uint8_t>(16, 100));
  m.a(3) = kData;
  m.q(0) = splat_q<std::int8_t>(1);
  m.q(1) = splat_q<std::int8_t>(2);
  m.run();
  EXPECT_EQ(m.st().accx, 32);                        // 16 x 1 x 2, not 16 x 1 x 100
  EXPECT_EQ(m.q(1), splat_q<std::int8_t>(100));      // then the load landed
  EXPECT_EQ(m.a(3), kData + 16);
}

TEST(SiliconChecked, QupFunnelUsesTheOldQs0AndQs1) {
  // qu = qs1 = q1: the funnel into qs0 (q0) is computed from the old q1, before the load.
  Machine m(O::kEeVmulasS8AccxLdIpQup, {q(1), a(3), imm(16), q(4), q(5), q(0), q(1)});
  m.poke(kData, std::vector<std::uint8_t>(16, 0xAA));
  m.a(3) = kData;
  m.q(0) = iota_q(0x00);
  m.q(1) = iota_q(0x10);
  m.st().sar_byte = 4;
  m.run();
  EXPECT_EQ(bytes_of(m.q(0)), iota_bytes(16, 0x04));
  EXPECT_EQ(m.q(1), splat_q<std::uint8_t>(0xAA));
}

TEST(SiliconChecked, VzipVunzipLaneOrder) {
  struct Row {
    Opcode zip;
    Opcode unzip;
    int elem_bytes;
  };
  for (const Row& row : {Row{O::kEeVzip8, O::kEeVunzip8, 1}, Row{O::kEeVzip16, O::kEeVunzip16, 2},
                         Row{O::kEeVzip32, O::kEeVunzip32, 4}}) {
    Machine m([&](FunctionBuilder& b) {
      b.emit(row.zip, {q(0), q(1)});
      b.emit(O::kMvQr, {q(2), q(0)});
      b.emit(O::kMvQr, {q(3), q(1)});
      b.emit(row.unzip, {q(0), q(1)});
    });
    m.q(0) = iota_q(0x00);
    m.q(1) = iota_q(0x80);
    m.run();
    // zip: qs0 = a0 b0 a1 b1 ... (low halves), qs1 = the same from the high halves.
    std::vector<std::uint8_t> want0, want1;
    const int e = row.elem_bytes;
    for (int k = 0; k < 8 / e; ++k) {
      for (int b = 0; b < e; ++b) want0.push_back(static_cast<std::uint8_t>(0x00 + k * e + b));
      for (int b = 0; b < e; ++b) want0.push_back(static_cast<std::uint8_t>(0x80 + k * e + b));
      for (int b = 0; b < e; ++b) want1.push_back(static_cast<std::uint8_t>(0x08 + k * e + b));
      for (int b = 0; b < e; ++b) want1.push_back(static_cast<std::uint8_t>(0x88 + k * e + b));
    }
    EXPECT_EQ(bytes_of(m.q(2)), want0) << e;
    EXPECT_EQ(bytes_of(m.q(3)), want1) << e;
    // unzip is the inverse.
    EXPECT_EQ(m.q(0), iota_q(0x00)) << e;
    EXPECT_EQ(m.q(1), iota_q(0x80)) << e;
  }
}

TEST(SiliconChecked, Ld128UsarSetsSarByteToTheLowAddressBits) {
  for (std::uint32_t offset = 0; offset < 16; ++offset) {
    Machine m(O::kEeLd128UsarXp, {q(0), a(2), a(3)});
    m.poke(kData, iota_bytes(32));
    m.a(2) = kData + offset;
    m.a(3) = 16;
    m.run();
    EXPECT_EQ(m.st().sar_byte, offset);
    EXPECT_EQ(bytes_of(m.q(0)), iota_bytes(16)) << offset;
    EXPECT_EQ(m.a(2), kData + offset + 16);
  }
}

// Masking widths: 64-bit loads clear 3 bits, 32-bit broadcasts 2, 16-bit 1, 8-bit none.
TEST(SiliconChecked, NarrowAccessesMaskTheirOwnWidth) {
  Machine m([](FunctionBuilder& b) {
    b.emit(O::kEeVldL64Ip, {q(0), a(2), imm(0)});
    b.emit(O::kEeVldbc32, {q(1), a(2)});
    b.emit(O::kEeVldbc16, {q(2), a(2)});
    b.emit(O::kEeVldbc8, {q(3), a(2)});
  });
  m.poke(kData, iota_bytes(32));
  m.a(2) = kData + 15;
  m.run();
  EXPECT_EQ(std::vector<std::uint8_t>(m.q(0).begin(), m.q(0).begin() + 8), iota_bytes(8, 8));
  EXPECT_EQ(lanes_of<std::uint32_t>(m.q(1))[0], 0x0F0E0D0Cu);
  EXPECT_EQ(lanes_of<std::uint16_t>(m.q(2))[0], 0x0F0Eu);
  EXPECT_EQ(lanes_of<std::uint8_t>(m.q(3))[0], 0x0Fu);
}

}  // namespace
}  // namespace pietune::emu::testing
