// semantics/funnel: SRC.Q and its QUP/LD forms, SRCQ.128.ST.INCP, SRCI/SLCI.2Q, VSL/VSR.32.
#include <gtest/gtest.h>

#include "emu_test_support.h"

namespace pietune::emu::testing {
namespace {

using O = Opcode;

// q6 = bytes 0x60..0x6F (qs0, low half), q7 = 0x70..0x7F (qs1); SAR_BYTE = 5.
void funnel_inputs(Machine& m) {
  m.q(6) = iota_q(0x60);
  m.q(7) = iota_q(0x70);
  m.st().sar_byte = 5;
}

std::vector<SemCase> cases() {
  std::vector<SemCase> c;
  c.push_back({"EeSrcQ", O::kEeSrcQ, {q(3), q(6), q(7)}, funnel_inputs,
               [](Machine& m) {
                 EXPECT_EQ(bytes_of(m.q(3)), iota_bytes(16, 0x65));
                 EXPECT_EQ(m.q(6), iota_q(0x60));
               }});
  c.push_back({"EeSrcQ_sar_byte_zero_is_qs0", O::kEeSrcQ, {q(3), q(6), q(7)},
               [](Machine& m) {
                 funnel_inputs(m);
                 m.st().sar_byte = 0;
               },
               [](Machine& m) { EXPECT_EQ(m.q(3), iota_q(0x60)); }});
  c.push_back({"EeSrcQQup", O::kEeSrcQQup, {q(3), q(6), q(7)}, funnel_inputs,
               [](Machine& m) {
                 EXPECT_EQ(bytes_of(m.q(3)), iota_bytes(16, 0x65));
                 EXPECT_EQ(m.q(6), iota_q(0x70));  // qs0 = qs1
                 EXPECT_EQ(m.q(7), iota_q(0x70));
               }});
  for (bool xp : {false, true}) {
    c.push_back({xp ? "EeSrcQLdXp" : "EeSrcQLdIp", xp ? O::kEeSrcQLdXp : O::kEeSrcQLdIp,
                 xp ? std::vector<Operand>{q(7), a(9), a(10), q(6), q(7)} : std::vector<Operand>{q(7), a(9), imm(-16), q(6), q(7)},
                 [](Machine& m) {
                   funnel_inputs(m);
                   m.poke(kData, iota_bytes(32, 0x90));
                   m.a(9) = kData + 0x1C;
                   m.a(10) = static_cast<std::uint32_t>(-16);
                 },
                 [](Machine& m) {
                   // qs0 takes the funnel of the OLD pair even though qu (q7) is qs1 and is reloaded.
                   EXPECT_EQ(bytes_of(m.q(6)), iota_bytes(16, 0x65));
                   EXPECT_EQ(bytes_of(m.q(7)), iota_bytes(16, 0xA0));
                   EXPECT_EQ(m.a(9), kData + 0x0C);
                 }});
  }
  c.push_back({"EeSrcq128StIncp", O::kEeSrcq128StIncp, {q(6), q(7), a(9)},
               [](Machine& m) {
                 funnel_inputs(m);
                 m.a(9) = kData + 0x13;
               },
               [](Machine& m) {
                 EXPECT_EQ(m.peek(kData + 0x10, 16), iota_bytes(16, 0x65));
                 EXPECT_EQ(m.a(9), kData + 0x23);
               }});
  // SRCI/SLCI.2Q qs1, qs0, k: {qs1, qs0} shifted by k + 1 bytes, zero filled.
  c.push_back({"EeSrci2q", O::kEeSrci2q, {q(7), q(6), imm(2)}, funnel_inputs,
               [](Machine& m) {
                 EXPECT_EQ(bytes_of(m.q(6)), iota_bytes(16, 0x63));
                 std::vector<std::uint8_t> high = iota_bytes(13, 0x73);
                 high.insert(high.end(), {0, 0, 0});
                 EXPECT_EQ(bytes_of(m.q(7)), high);
               }});
  c.push_back({"EeSlci2q", O::kEeSlci2q, {q(7), q(6), imm(15)}, funnel_inputs,
               [](Machine& m) {
                 EXPECT_EQ(m.q(6), QReg{});  // shifted by 16 bytes: qs0 moved into qs1
                 EXPECT_EQ(m.q(7), iota_q(0x60));
               }});
  c.push_back({"EeSlci2q_one_byte", O::kEeSlci2q, {q(7), q(6), imm(0)}, funnel_inputs,
               [](Machine& m) {
                 std::vector<std::uint8_t> low = {0};
                 const auto rest = iota_bytes(15, 0x60);
                 low.insert(low.end(), rest.begin(), rest.end());
                 EXPECT_EQ(bytes_of(m.q(6)), low);
                 std::vector<std::uint8_t> high = {0x6F};
                 const auto rest_high = iota_bytes(15, 0x70);
                 high.insert(high.end(), rest_high.begin(), rest_high.end());
                 EXPECT_EQ(bytes_of(m.q(7)), high);
               }});
  // VSL/VSR.32 by SAR[5:0].
  c.push_back({"EeVsl32", O::kEeVsl32, {q(3), q(4)},
               [](Machine& m) {
                 m.q(4) = make_q<std::uint32_t>({1, 0x80000001, 0x12345678, 0xFFFFFFFF});
                 m.st().sar = 4;
               },
               [](Machine& m) {
                 EXPECT_EQ(lanes_of<std::uint32_t>(m.q(3)), (std::vector<std::uint32_t>{0x10, 0x10, 0x23456780, 0xFFFFFFF0}));
               }});
  c.push_back({"EeVsl32_sar_32_clears", O::kEeVsl32, {q(3), q(4)},
               [](Machine& m) {
                 m.q(4) = make_q<std::uint32_t>({1, 2, 3, 4});
                 m.st().sar = 32;
               },
               [](Machine& m) { EXPECT_EQ(m.q(3), QReg{}); }});
  c.push_back({"EeVsr32_arithmetic", O::kEeVsr32, {q(3), q(4)},
               [](Machine& m) {
                 m.q(4) = make_q<std::int32_t>({-16, 16, INT32_MIN, -1});
                 m.st().sar = 2;
               },
               [](Machine& m) {
                 EXPECT_EQ(lanes_of<std::int32_t>(m.q(3)), (std::vector<std::int32_t>{-4, 4, INT32_MIN / 4, -1}));
               }});
  c.push_back({"EeVsr32_sar_40_sign_fill", O::kEeVsr32, {q(3), q(4)},
               [](Machine& m) {
                 m.q(4) = make_q<std::int32_t>({-16, 16, 0, -1});
                 m.st().sar = 40;
               },
               [](Machine& m) {
                 EXPECT_EQ(lanes_of<std::int32_t>(m.q(3)), (std::vector<std::int32_t>{-1, 0, 0, -1}));
               }});
  return c;
}

class Funnel : public ::testing::TestWithParam<SemCase> {};
TEST_P(Funnel, Runs) { run_case(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Table, Funnel, ::testing::ValuesIn(cases()), SemCaseName());

}  // namespace
}  // namespace pietune::emu::testing
