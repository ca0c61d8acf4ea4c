// semantics/loads_stores: every standalone PIE load and store row. Memory at kData holds bytes
// 0, 1, 2, ... (kData is 16-byte aligned); pointers start off the grid to show the masking, and
// the base register keeps its low bits after the post-increment.
#include <gtest/gtest.h>

#include "emu_test_support.h"

namespace pietune::emu::testing {
namespace {

using O = Opcode;

constexpr std::uint32_t kPtr = kData + 0x40;  // memory at kData + k holds byte k

std::vector<std::uint8_t> mem_bytes(std::uint32_t offset, std::uint32_t count) {
  return iota_bytes(count, static_cast<int>(offset));
}

void fill(Machine& m) { m.poke(kData, iota_bytes(256)); }

// qu, as, imm|ad vector loads: `bytes` from (as & ~(bytes-1)) into qu (at byte `at`), as += step.
SemCase vector_load(std::string name, Opcode op, bool xp, std::uint32_t ptr_offset, std::int32_t step,
                    std::uint32_t bytes, std::uint32_t at, bool keep_rest) {
  std::vector<Operand> ops = {q(3), a(9)};
  ops.push_back(xp ? a(10) : imm(step));
  return {std::move(name), op, ops,
          [=](Machine& m) {
            fill(m);
            m.a(9) = kPtr + ptr_offset;
            m.a(10) = static_cast<std::uint32_t>(step);
            m.q(3) = splat_q<std::uint8_t>(0xEE);
          },
          [=](Machine& m) {
            const std::uint32_t aligned = (0x40 + ptr_offset) & ~(bytes - 1);
            std::vector<std::uint8_t> want(16, keep_rest ? 0xEE : 0);
            const auto got = mem_bytes(aligned, bytes);
            std::copy(got.begin(), got.end(), want.begin() + at);
            EXPECT_EQ(bytes_of(m.q(3)), want);
            EXPECT_EQ(m.a(9), kPtr + ptr_offset + static_cast<std::uint32_t>(step));
          }};
}

// qv, as, imm|ad vector stores: `bytes` of qv (from byte `from`) to (as & ~(bytes-1)).
SemCase vector_store(std::string name, Opcode op, bool xp, std::uint32_t ptr_offset, std::int32_t step,
                     std::uint32_t bytes, std::uint32_t from) {
  std::vector<Operand> ops = {q(3), a(9)};
  ops.push_back(xp ? a(10) : imm(step));
  return {std::move(name), op, ops,
          [=](Machine& m) {
            m.a(9) = kPtr + ptr_offset;
            m.a(10) = static_cast<std::uint32_t>(step);
            m.q(3) = iota_q(0xA0);
          },
          [=](Machine& m) {
            const std::uint32_t aligned = (kPtr + ptr_offset) & ~(bytes - 1);
            std::vector<std::uint8_t> want = iota_bytes(bytes, 0xA0 + static_cast<int>(from));
            EXPECT_EQ(m.peek(aligned, bytes), want);
            EXPECT_EQ(m.peek(aligned + bytes, 4), std::vector<std::uint8_t>(4, 0));  // nothing beyond
            EXPECT_EQ(m.a(9), kPtr + ptr_offset + static_cast<std::uint32_t>(step));
          }};
}

// qu, as[, imm|ad] broadcasts of an element of `bytes` at as (8-bit unmasked).
SemCase broadcast(std::string name, Opcode op, int form /*0 none, 1 ip, 2 xp*/, std::uint32_t ptr_offset,
                  std::int32_t step, std::uint32_t bytes) {
  std::vector<Operand> ops = {q(3), a(9)};
  if (form == 1) ops.push_back(imm(step));
  if (form == 2) ops.push_back(a(10));
  return {std::move(name), op, ops,
          [=](Machine& m) {
            fill(m);
            m.a(9) = kPtr + ptr_offset;
            m.a(10) = static_cast<std::uint32_t>(step);
          },
          [=](Machine& m) {
            const std::uint32_t aligned = (0x40 + ptr_offset) & ~(bytes - 1);
            std::vector<std::uint8_t> want;
            for (std::uint32_t k = 0; k < 16 / bytes; ++k) {
              const auto element = mem_bytes(aligned, bytes);
              want.insert(want.end(), element.begin(), element.end());
            }
            EXPECT_EQ(bytes_of(m.q(3)), want);
            EXPECT_EQ(m.a(9), kPtr + ptr_offset + (form == 0 ? 0u : static_cast<std::uint32_t>(step)));
          }};
}

// as, imm|ad: LDQA: the 16 bytes at as & ~15 extended into the QACC lanes.
template <typename T>
SemCase ldqa(std::string name, Opcode op, bool xp) {
  std::vector<Operand> ops = {a(9), xp ? a(10) : imm(-32)};
  return {std::move(name), op, ops,
          [=](Machine& m) {
            std::vector<std::uint8_t> data(16);
            for (int k = 0; k < 16; ++k) data[static_cast<std::size_t>(k)] = static_cast<std::uint8_t>(0x70 + 8 * k);
            m.poke(kPtr, data);  // 0x70, 0x78, ..., 0xE8: both signs as int8
            m.a(9) = kPtr + 5;
            m.a(10) = static_cast<std::uint32_t>(-32);
            for (int i = 0; i < 16; ++i) m.st().qacc.set_lane20(i, 12345);
          },
          [=](Machine& m) {
            std::vector<std::uint8_t> data(16);
            for (int k = 0; k < 16; ++k) data[static_cast<std::size_t>(k)] = static_cast<std::uint8_t>(0x70 + 8 * k);
            QReg raw{};
            std::copy(data.begin(), data.end(), raw.begin());
            const std::vector<T> lanes = lanes_of<T>(raw);
            for (std::size_t i = 0; i < lanes.size(); ++i) {
              const std::int64_t got = sizeof(T) == 1 ? m.st().qacc.lane20(static_cast<int>(i)) : m.st().qacc.lane40(static_cast<int>(i));
              EXPECT_EQ(got, static_cast<std::int64_t>(lanes[i])) << i;
            }
            EXPECT_EQ(m.a(9), kPtr + 5 - 32);
          }};
}

QaccHalf half_pattern(int first) {
  QaccHalf h{};
  for (int k = 0; k < 20; ++k) h[static_cast<std::size_t>(k)] = static_cast<std::uint8_t>(first + k);
  return h;
}

// LD.QACC_{L,H}.{L.128,H.32}.IP: raw bits of one half from memory; the rest of QACC kept.
SemCase ld_qacc(std::string name, Opcode op, bool high, bool top32) {
  const std::int32_t step = top32 ? -4 : 32;
  return {std::move(name), op, {a(9), imm(step)},
          [=](Machine& m) {
            fill(m);
            m.a(9) = kPtr + 3;
            m.st().qacc.set_low(half_pattern(0x10));
            m.st().qacc.set_high(half_pattern(0x50));
          },
          [=](Machine& m) {
            QaccHalf want = half_pattern(high ? 0x50 : 0x10);
            if (top32) for (int k = 0; k < 4; ++k) want[static_cast<std::size_t>(16 + k)] = static_cast<std::uint8_t>(0x40 + k);
            else for (int k = 0; k < 16; ++k) want[static_cast<std::size_t>(k)] = static_cast<std::uint8_t>(0x40 + k);
            EXPECT_EQ(m.st().qacc.half(high), want);
            EXPECT_EQ(m.st().qacc.half(!high), half_pattern(high ? 0x10 : 0x50));
            EXPECT_EQ(m.a(9), kPtr + 3 + static_cast<std::uint32_t>(step));
          }};
}

SemCase st_qacc(std::string name, Opcode op, bool high, bool top32) {
  const std::int32_t step = top32 ? 4 : -16;
  return {std::move(name), op, {a(9), imm(step)},
          [=](Machine& m) {
            m.a(9) = kPtr + 7;
            m.st().qacc.set_low(half_pattern(0x10));
            m.st().qacc.set_high(half_pattern(0x50));
          },
          [=](Machine& m) {
            const QaccHalf h = half_pattern(high ? 0x50 : 0x10);
            const std::uint32_t addr = top32 ? kPtr + 4 : kPtr;
            std::vector<std::uint8_t> want(h.begin() + (top32 ? 16 : 0), h.begin() + (top32 ? 20 : 16));
            EXPECT_EQ(m.peek(addr, static_cast<std::uint32_t>(want.size())), want);
            EXPECT_EQ(m.a(9), kPtr + 7 + static_cast<std::uint32_t>(step));
          }};
}

std::vector<SemCase> cases() {
  std::vector<SemCase> c = {
      vector_load("EeVld128Ip_masks_low4", O::kEeVld128Ip, false, 2, 16, 16, 0, false),
      vector_load("EeVld128Ip_negative_step", O::kEeVld128Ip, false, 15, -2048, 16, 0, false),
      vector_load("EeVld128Xp", O::kEeVld128Xp, true, 9, 48, 16, 0, false),
      vector_load("EeVldL64Ip_keeps_high_half", O::kEeVldL64Ip, false, 0x13, 8, 8, 0, true),
      vector_load("EeVldL64Xp", O::kEeVldL64Xp, true, 7, -8, 8, 0, true),
      vector_load("EeVldH64Ip_keeps_low_half", O::kEeVldH64Ip, false, 0x0D, -1024, 8, 8, true),
      vector_load("EeVldH64Xp", O::kEeVldH64Xp, true, 1, 3, 8, 8, true),
      vector_store("EeVst128Ip_masks_low4", O::kEeVst128Ip, false, 0x13, 32, 16, 0),
      vector_store("EeVst128Xp", O::kEeVst128Xp, true, 1, 5, 16, 0),
      vector_store("EeVstL64Ip", O::kEeVstL64Ip, false, 0x0B, 1016, 8, 0),
      vector_store("EeVstL64Xp", O::kEeVstL64Xp, true, 2, 8, 8, 0),
      vector_store("EeVstH64Ip", O::kEeVstH64Ip, false, 0x05, -8, 8, 8),
      vector_store("EeVstH64Xp", O::kEeVstH64Xp, true, 6, 16, 8, 8),
      broadcast("EeVldbc8_unmasked_no_update", O::kEeVldbc8, 0, 3, 0, 1),
      broadcast("EeVldbc8Ip", O::kEeVldbc8Ip, 1, 5, 127, 1),
      broadcast("EeVldbc8Xp", O::kEeVldbc8Xp, 2, 7, -1, 1),
      broadcast("EeVldbc16_masks_low1", O::kEeVldbc16, 0, 3, 0, 2),
      broadcast("EeVldbc16Ip", O::kEeVldbc16Ip, 1, 5, 254, 2),
      broadcast("EeVldbc16Xp", O::kEeVldbc16Xp, 2, 9, 6, 2),
      broadcast("EeVldbc32_masks_low2", O::kEeVldbc32, 0, 7, 0, 4),
      broadcast("EeVldbc32Ip", O::kEeVldbc32Ip, 1, 6, -512, 4),
      broadcast("EeVldbc32Xp", O::kEeVldbc32Xp, 2, 1, 4, 4),
      ldqa<std::uint8_t>("EeLdqaU8128Ip_zero_extends", O::kEeLdqaU8128Ip, false),
      ldqa<std::uint8_t>("EeLdqaU8128Xp", O::kEeLdqaU8128Xp, true),
      ldqa<std::int8_t>("EeLdqaS8128Ip_sign_extends", O::kEeLdqaS8128Ip, false),
      ldqa<std::int8_t>("EeLdqaS8128Xp", O::kEeLdqaS8128Xp, true),
      ldqa<std::uint16_t>("EeLdqaU16128Ip", O::kEeLdqaU16128Ip, false),
      ldqa<std::uint16_t>("EeLdqaU16128Xp", O::kEeLdqaU16128Xp, true),
      ldqa<std::int16_t>("EeLdqaS16128Ip", O::kEeLdqaS16128Ip, false),
      ldqa<std::int16_t>("EeLdqaS16128Xp", O::kEeLdqaS16128Xp, true),
      ld_qacc("EeLdQaccLL128Ip", O::kEeLdQaccLL128Ip, false, false),
      ld_qacc("EeLdQaccHL128Ip", O::kEeLdQaccHL128Ip, true, false),
      ld_qacc("EeLdQaccLH32Ip", O::kEeLdQaccLH32Ip, false, true),
      ld_qacc("EeLdQaccHH32Ip", O::kEeLdQaccHH32Ip, true, true),
      st_qacc("EeStQaccLL128Ip", O::kEeStQaccLL128Ip, false, false),
      st_qacc("EeStQaccHL128Ip", O::kEeStQaccHL128Ip, true, false),
      st_qacc("EeStQaccLH32Ip", O::kEeStQaccLH32Ip, false, true),
      st_qacc("EeStQaccHH32Ip", O::kEeStQaccHH32Ip, true, true),
  };

  c.push_back({"EeLd128UsarIp_sets_sar_byte", O::kEeLd128UsarIp, {q(2), a(9), imm(16)},
               [](Machine& m) {
                 fill(m);
                 m.a(9) = kPtr + 11;
               },
               [](Machine& m) {
                 EXPECT_EQ(m.st().sar_byte, 11u);
                 EXPECT_EQ(bytes_of(m.q(2)), mem_bytes(0x40, 16));
                 EXPECT_EQ(m.a(9), kPtr + 27);
               }});
  c.push_back({"EeLd128UsarXp", O::kEeLd128UsarXp, {q(2), a(9), a(10)},
               [](Machine& m) {
                 fill(m);
                 m.a(9) = kPtr + 0x1F;
                 m.a(10) = 1;
               },
               [](Machine& m) {
                 EXPECT_EQ(m.st().sar_byte, 15u);
                 EXPECT_EQ(bytes_of(m.q(2)), mem_bytes(0x50, 16));
                 EXPECT_EQ(m.a(9), kPtr + 0x20);
               }});
  // ACCX load: low 40 bits of the 64-bit word at as & ~7, sign as the 40-bit value says.
  c.push_back({"EeLdAccxIp", O::kEeLdAccxIp, {a(9), imm(-1024)},
               [](Machine& m) {
                 m.poke(kPtr + 8, {0x01, 0x00, 0x00, 0x00, 0x80, 0xAA, 0xBB, 0xCC});
                 m.a(9) = kPtr + 13;
               },
               [](Machine& m) {
                 EXPECT_EQ(m.st().accx, -(std::int64_t{1} << 39) + 1);
                 EXPECT_EQ(m.a(9), kPtr + 13 - 1024);
               }});
  c.push_back({"EeStAccxIp_zero_extends", O::kEeStAccxIp, {a(9), imm(8)},
               [](Machine& m) {
                 m.a(9) = kPtr + 3;
                 m.st().accx = -2;
               },
               [](Machine& m) {
                 EXPECT_EQ(m.peek(kPtr, 8), (std::vector<std::uint8_t>{0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0}));
                 EXPECT_EQ(m.a(9), kPtr + 11);
               }});
  // LDXQ/STXQ: lane sel4 <-> mem32[(as + 4 * qs.u16[sel8]) & ~3].
  c.push_back({"EeLdxq32", O::kEeLdxq32, {q(3), q(4), a(9), imm(2), imm(5)},
               [](Machine& m) {
                 fill(m);
                 m.a(9) = kData + 1;
                 m.q(3) = splat_q<std::uint8_t>(0xEE);
                 m.q(4) = make_q<std::uint16_t>({0, 0, 0, 0, 0, 3, 0, 0});
               },
               [](Machine& m) {
                 EXPECT_EQ(lanes_of<std::uint32_t>(m.q(3)), (std::vector<std::uint32_t>{0xEEEEEEEE, 0xEEEEEEEE, 0x0F0E0D0C, 0xEEEEEEEE}));
               }});
  c.push_back({"EeStxq32", O::kEeStxq32, {q(3), q(4), a(9), imm(1), imm(7)},
               [](Machine& m) {
                 m.a(9) = kData + 2;
                 m.q(3) = make_q<std::uint32_t>({1, 0x44332211, 3, 4});
                 m.q(4) = make_q<std::uint16_t>({0, 0, 0, 0, 0, 0, 0, 2});
               },
               [](Machine& m) {
                 EXPECT_EQ(m.peek(kData + 8, 4), (std::vector<std::uint8_t>{0x11, 0x22, 0x33, 0x44}));
                 EXPECT_EQ(m.peek(kData + 4, 4), std::vector<std::uint8_t>(4, 0));
               }});
  // LD.QR/ST.QR: (as & ~15) + imm, no update; MV.QR copies.
  c.push_back({"LdQr_masked_no_update", O::kLdQr, {q(5), a(9), imm(-32)},
               [](Machine& m) {
                 fill(m);
                 m.a(9) = kPtr + 9;
               },
               [](Machine& m) {
                 EXPECT_EQ(bytes_of(m.q(5)), mem_bytes(0x20, 16));
                 EXPECT_EQ(m.a(9), kPtr + 9);
               }});
  c.push_back({"StQr_masked_no_update", O::kStQr, {q(5), a(9), imm(112)},
               [](Machine& m) {
                 m.a(9) = kPtr + 6;
                 m.q(5) = iota_q(0x30);
               },
               [](Machine& m) {
                 EXPECT_EQ(m.peek(kPtr + 112, 16), iota_bytes(16, 0x30));
                 EXPECT_EQ(m.a(9), kPtr + 6);
               }});
  c.push_back({"MvQr", O::kMvQr, {q(6), q(1)}, [](Machine& m) { m.q(1) = iota_q(9); },
               [](Machine& m) { EXPECT_EQ(m.q(6), iota_q(9)); }});
  return c;
}

class PieLoadsStores : public ::testing::TestWithParam<SemCase> {};
TEST_P(PieLoadsStores, Runs) { run_case(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Table, PieLoadsStores, ::testing::ValuesIn(cases()), SemCaseName());

}  // namespace
}  // namespace pietune::emu::testing
