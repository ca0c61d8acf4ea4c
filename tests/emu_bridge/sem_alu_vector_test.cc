// semantics/alu_vector: VADDS/VSUBS (true rails), VMAX/VMIN, VCMP, VMUL (>> SAR, wraps) in plain,
// .LD.INCP and .ST.INCP forms; ANDQ/ORQ/XORQ/NOTQ; VZIP/VUNZIP; VRELU/VPRELU.
#include <gtest/gtest.h>

#include "emu_test_support.h"

namespace pietune::emu::testing {
namespace {

using O = Opcode;

// Inputs with both signs and the extremes of every lane width.
QReg x_input() {
  return make_q<std::uint8_t>({0x80, 0x7F, 0x9C, 0x64, 0x00, 0xFF, 0x01, 0x80, 0x00, 0x80, 0xFF, 0x7F, 0x10, 0x32, 0xF0, 0xAB});
}
QReg y_input() {
  return make_q<std::uint8_t>({0x80, 0x01, 0x9C, 0x64, 0xFF, 0xFF, 0x7F, 0x7F, 0x01, 0x00, 0x00, 0x80, 0x10, 0x31, 0x0F, 0xCD});
}

template <typename T, typename F>
QReg reference(F f) {
  const std::vector<T> x = lanes_of<T>(x_input());
  const std::vector<T> y = lanes_of<T>(y_input());
  QReg out{};
  for (std::size_t i = 0; i < x.size(); ++i) {
    const T v = f(static_cast<std::int64_t>(x[i]), static_cast<std::int64_t>(y[i]));
    std::memcpy(out.data() + i * sizeof(T), &v, sizeof(T));
  }
  return out;
}

template <typename T>
T sat(std::int64_t v) {
  return static_cast<T>(std::clamp<std::int64_t>(v, std::numeric_limits<T>::min(), std::numeric_limits<T>::max()));
}

constexpr std::uint32_t kSar = 3;

// The expected result of each operation, written independently of the emulator.
template <typename T>
QReg expected(const std::string& op) {
  if (op == "vadds") return reference<T>([](std::int64_t a, std::int64_t b) { return sat<T>(a + b); });
  if (op == "vsubs") return reference<T>([](std::int64_t a, std::int64_t b) { return sat<T>(a - b); });
  if (op == "vmax") return reference<T>([](std::int64_t a, std::int64_t b) { return static_cast<T>(std::max(a, b)); });
  if (op == "vmin") return reference<T>([](std::int64_t a, std::int64_t b) { return static_cast<T>(std::min(a, b)); });
  if (op == "eq") return reference<T>([](std::int64_t a, std::int64_t b) { return static_cast<T>(a == b ? -1 : 0); });
  if (op == "lt") return reference<T>([](std::int64_t a, std::int64_t b) { return static_cast<T>(a < b ? -1 : 0); });
  if (op == "gt") return reference<T>([](std::int64_t a, std::int64_t b) { return static_cast<T>(a > b ? -1 : 0); });
  if (op == "vmul") return reference<T>([](std::int64_t a, std::int64_t b) { return static_cast<T>((a * b) >> kSar); });
  ADD_FAILURE() << op;
  return {};
}

enum class Fuse { kNone, kLd, kSt };

// Registers: qa/qz q3, qx q4, qy q5, qu/qv q2, as a9. For .ST.INCP the stored qv is q3 itself, to
// show it is the old value that is stored.
SemCase vector_case(const std::string& id, Opcode op, Fuse fuse, const QReg& want) {
  std::vector<Operand> ops;
  if (fuse == Fuse::kNone) ops = {q(3), q(4), q(5)};
  else if (fuse == Fuse::kLd) ops = {q(2), a(9), q(3), q(4), q(5)};
  else ops = {q(3), a(9), q(3), q(4), q(5)};
  return SemCase{id + "_reference", op, ops,
                 [](Machine& m) {
                   m.q(4) = x_input();
                   m.q(5) = y_input();
                   m.q(3) = iota_q(0xC0);
                   m.st().sar = kSar;
                   m.poke(kData, iota_bytes(64, 0x21));
                   m.a(9) = kData + 0x17;
                 },
                 [fuse, want](Machine& m) {
                   EXPECT_EQ(bytes_of(m.q(3)), bytes_of(want));
                   if (fuse == Fuse::kLd) {
                     EXPECT_EQ(bytes_of(m.q(2)), iota_bytes(16, 0x31));  // mem128[(kData + 0x17) & ~15]
                     EXPECT_EQ(m.a(9), kData + 0x27);
                   } else if (fuse == Fuse::kSt) {
                     EXPECT_EQ(m.peek(kData + 0x10, 16), iota_bytes(16, 0xC0));  // the old q3
                     EXPECT_EQ(m.a(9), kData + 0x27);
                   }
                 }};
}

struct VecRow {
  const char* id;
  Opcode opcode;
  const char* op;
  int lane_bytes;
  Fuse fuse;
};

#define ROWS3(Base, op, bytes)                                                                               \
  {#Base, O::k##Base, op, bytes, Fuse::kNone}, {#Base "LdIncp", O::k##Base##LdIncp, op, bytes, Fuse::kLd}, { \
    #Base "StIncp", O::k##Base##StIncp, op, bytes, Fuse::kSt                                                 \
  }
const VecRow kVecRows[] = {
    ROWS3(EeVaddsS8, "vadds", 1),  ROWS3(EeVaddsS16, "vadds", 2), ROWS3(EeVaddsS32, "vadds", 4),
    ROWS3(EeVsubsS8, "vsubs", 1),  ROWS3(EeVsubsS16, "vsubs", 2), ROWS3(EeVsubsS32, "vsubs", 4),
    ROWS3(EeVmaxS8, "vmax", 1),    ROWS3(EeVmaxS16, "vmax", 2),   ROWS3(EeVmaxS32, "vmax", 4),
    ROWS3(EeVminS8, "vmin", 1),    ROWS3(EeVminS16, "vmin", 2),   ROWS3(EeVminS32, "vmin", 4),
    ROWS3(EeVmulS8, "vmul", 1),    ROWS3(EeVmulS16, "vmul", 2),
    {"EeVcmpEqS8", O::kEeVcmpEqS8, "eq", 1, Fuse::kNone},   {"EeVcmpEqS16", O::kEeVcmpEqS16, "eq", 2, Fuse::kNone},
    {"EeVcmpEqS32", O::kEeVcmpEqS32, "eq", 4, Fuse::kNone}, {"EeVcmpLtS8", O::kEeVcmpLtS8, "lt", 1, Fuse::kNone},
    {"EeVcmpLtS16", O::kEeVcmpLtS16, "lt", 2, Fuse::kNone}, {"EeVcmpLtS32", O::kEeVcmpLtS32, "lt", 4, Fuse::kNone},
    {"EeVcmpGtS8", O::kEeVcmpGtS8, "gt", 1, Fuse::kNone},   {"EeVcmpGtS16", O::kEeVcmpGtS16, "gt", 2, Fuse::kNone},
    {"EeVcmpGtS32", O::kEeVcmpGtS32, "gt", 4, Fuse::kNone},
};
#undef ROWS3

// Unsigned VMUL: logical shift of the unsigned product.
template <typename T>
QReg vmul_unsigned() {
  return reference<T>([](std::int64_t a, std::int64_t b) {
    return static_cast<T>((static_cast<std::uint64_t>(static_cast<T>(a)) * static_cast<std::uint64_t>(static_cast<T>(b))) >> kSar);
  });
}

std::vector<SemCase> cases() {
  std::vector<SemCase> c;
  for (const VecRow& r : kVecRows) {
    QReg want;
    if (r.lane_bytes == 1) want = expected<std::int8_t>(r.op);
    else if (r.lane_bytes == 2) want = expected<std::int16_t>(r.op);
    else want = expected<std::int32_t>(r.op);
    c.push_back(vector_case(r.id, r.opcode, r.fuse, want));
  }
  const QReg u8 = vmul_unsigned<std::uint8_t>();
  const QReg u16 = vmul_unsigned<std::uint16_t>();
  c.push_back(vector_case("EeVmulU8", O::kEeVmulU8, Fuse::kNone, u8));
  c.push_back(vector_case("EeVmulU8LdIncp", O::kEeVmulU8LdIncp, Fuse::kLd, u8));
  c.push_back(vector_case("EeVmulU8StIncp", O::kEeVmulU8StIncp, Fuse::kSt, u8));
  c.push_back(vector_case("EeVmulU16", O::kEeVmulU16, Fuse::kNone, u16));
  c.push_back(vector_case("EeVmulU16LdIncp", O::kEeVmulU16LdIncp, Fuse::kLd, u16));
  c.push_back(vector_case("EeVmulU16StIncp", O::kEeVmulU16StIncp, Fuse::kSt, u16));

  // Literal spot checks of the rails and the shift.
  c.push_back({"EeVaddsS16_true_rails", O::kEeVaddsS16, {q(3), q(4), q(5)},
               [](Machine& m) {
                 m.q(4) = make_q<std::int16_t>({-30000, 30000, -1, 1, 0, 0, 0, 0});
                 m.q(5) = make_q<std::int16_t>({-30000, 30000, -32768, 32767, 0, 0, 0, 0});
               },
               [](Machine& m) {
                 EXPECT_EQ(lanes_of<std::int16_t>(m.q(3)), (std::vector<std::int16_t>{-32768, 32767, -32768, 32767, 0, 0, 0, 0}));
               }});
  c.push_back({"EeVsubsS32_true_rails", O::kEeVsubsS32, {q(3), q(4), q(5)},
               [](Machine& m) {
                 m.q(4) = make_q<std::int32_t>({INT32_MIN, INT32_MAX, 5, 0});
                 m.q(5) = make_q<std::int32_t>({1, -1, 7, INT32_MIN});
               },
               [](Machine& m) {
                 EXPECT_EQ(lanes_of<std::int32_t>(m.q(3)), (std::vector<std::int32_t>{INT32_MIN, INT32_MAX, -2, INT32_MAX}));
               }});
  c.push_back({"EeVmulS16_sar_shift_wraps", O::kEeVmulS16, {q(3), q(4), q(5)},
               [](Machine& m) {
                 m.q(4) = make_q<std::int16_t>({-32768, 300, -7, 0, 0, 0, 0, 0});
                 m.q(5) = make_q<std::int16_t>({-32768, 300, 1, 0, 0, 0, 0, 0});
                 m.st().sar = 1;
               },
               [](Machine& m) {
                 // 2^30 >> 1 = 2^29 -> low 16 bits 0; 90000 >> 1 = 45000 -> wraps to -20536; -7 >> 1 = -4 (floor).
                 EXPECT_EQ(lanes_of<std::int16_t>(m.q(3))[0], 0);
                 EXPECT_EQ(lanes_of<std::int16_t>(m.q(3))[1], -20536);
                 EXPECT_EQ(lanes_of<std::int16_t>(m.q(3))[2], -4);
               }});

  // Bitwise logic.
  c.push_back({"EeAndq", O::kEeAndq, {q(3), q(4), q(5)}, [](Machine& m) { m.q(4) = x_input(); m.q(5) = y_input(); },
               [](Machine& m) {
                 for (int i = 0; i < 16; ++i) EXPECT_EQ(m.q(3)[i], x_input()[i] & y_input()[i]);
               }});
  c.push_back({"EeOrq", O::kEeOrq, {q(3), q(4), q(5)}, [](Machine& m) { m.q(4) = x_input(); m.q(5) = y_input(); },
               [](Machine& m) {
                 for (int i = 0; i < 16; ++i) EXPECT_EQ(m.q(3)[i], x_input()[i] | y_input()[i]);
               }});
  c.push_back({"EeXorq", O::kEeXorq, {q(3), q(4), q(5)}, [](Machine& m) { m.q(4) = x_input(); m.q(5) = y_input(); },
               [](Machine& m) {
                 for (int i = 0; i < 16; ++i) EXPECT_EQ(m.q(3)[i], x_input()[i] ^ y_input()[i]);
               }});
  c.push_back({"EeNotq", O::kEeNotq, {q(3), q(4)}, [](Machine& m) { m.q(4) = x_input(); },
               [](Machine& m) {
                 for (int i = 0; i < 16; ++i) EXPECT_EQ(m.q(3)[i], static_cast<std::uint8_t>(~x_input()[i]));
               }});

  // VRELU qs, ax, ay: lanes <= 0 become (lane * ax) >> ay; VPRELU qz, qx, qy, ay with slopes in qy.
  c.push_back({"EeVreluS8", O::kEeVreluS8, {q(3), a(8), a(9)},
               [](Machine& m) {
                 m.q(3) = make_q<std::int8_t>({-128, -1, 0, 1, 127, -50, -3, 100, -100, 5, -5, 0, 0, 0, 0, 0});
                 m.a(8) = 0x1203;  // slope ax[7:0] = 3
                 m.a(9) = 0x21;    // shift ay[4:0] = 1
               },
               [](Machine& m) {
                 // -128*3 >> 1 = -192 -> 8 bits 64; -1*3 >> 1 = -2; -50*3 >> 1 = -75; -100*3 >> 1 = -150 -> 106.
                 EXPECT_EQ(lanes_of<std::int8_t>(m.q(3)),
                           (std::vector<std::int8_t>{64, -2, 0, 1, 127, -75, -5, 100, 106, 5, -8, 0, 0, 0, 0, 0}));
               }});
  c.push_back({"EeVreluS16", O::kEeVreluS16, {q(3), a(8), a(9)},
               [](Machine& m) {
                 m.q(3) = make_q<std::int16_t>({-1000, 1000, 0, -1, -32768, 7, -7, 2});
                 m.a(8) = 0xFFFF;  // slope -1
                 m.a(9) = 0;
               },
               [](Machine& m) {
                 EXPECT_EQ(lanes_of<std::int16_t>(m.q(3)), (std::vector<std::int16_t>{1000, 1000, 0, 1, -32768, 7, 7, 2}));
               }});
  c.push_back({"EeVpreluS8", O::kEeVpreluS8, {q(3), q(4), q(5), a(9)},
               [](Machine& m) {
                 m.q(4) = make_q<std::int8_t>({-10, 10, -20, 0, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -128});
                 m.q(5) = make_q<std::int8_t>({2, 100, -3, 9, 64, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 127});
                 m.a(9) = 2;
               },
               [](Machine& m) {
                 // -10*2 >> 2 = -5; -20*-3 >> 2 = 15; -1*64 >> 2 = -16; -128*127 >> 2 = -4064 -> 32.
                 const std::vector<std::int8_t> got = lanes_of<std::int8_t>(m.q(3));
                 EXPECT_EQ(got[0], -5);
                 EXPECT_EQ(got[1], 10);
                 EXPECT_EQ(got[2], 15);
                 EXPECT_EQ(got[3], 0);
                 EXPECT_EQ(got[4], -16);
                 EXPECT_EQ(got[15], 32);
               }});
  c.push_back({"EeVpreluS16", O::kEeVpreluS16, {q(3), q(4), q(5), a(9)},
               [](Machine& m) {
                 m.q(4) = make_q<std::int16_t>({-1000, 1000, -3, 0, 0, 0, 0, 0});
                 m.q(5) = make_q<std::int16_t>({300, 5, 5, 0, 0, 0, 0, 0});
                 m.a(9) = 4;
               },
               [](Machine& m) {
                 const std::vector<std::int16_t> got = lanes_of<std::int16_t>(m.q(3));
                 EXPECT_EQ(got[0], static_cast<std::int16_t>((-1000 * 300) >> 4));  // -18750
                 EXPECT_EQ(got[1], 1000);
                 EXPECT_EQ(got[2], -1);  // floor(-15 / 16)
               }});

  // VZIP / VUNZIP in place on q3 (qs0), q4 (qs1).
  auto zip = [](const char* name, Opcode op, std::vector<std::uint8_t> want0, std::vector<std::uint8_t> want1) {
    return SemCase{name, op, {q(3), q(4)},
                   [](Machine& m) {
                     m.q(3) = iota_q(0x00);
                     m.q(4) = iota_q(0x10);
                   },
                   [want0, want1](Machine& m) {
                     EXPECT_EQ(bytes_of(m.q(3)), want0);
                     EXPECT_EQ(bytes_of(m.q(4)), want1);
                   }};
  };
  c.push_back(zip("EeVzip8", O::kEeVzip8, {0x00, 0x10, 0x01, 0x11, 0x02, 0x12, 0x03, 0x13, 0x04, 0x14, 0x05, 0x15, 0x06, 0x16, 0x07, 0x17},
                  {0x08, 0x18, 0x09, 0x19, 0x0A, 0x1A, 0x0B, 0x1B, 0x0C, 0x1C, 0x0D, 0x1D, 0x0E, 0x1E, 0x0F, 0x1F}));
  c.push_back(zip("EeVzip16", O::kEeVzip16, {0x00, 0x01, 0x10, 0x11, 0x02, 0x03, 0x12, 0x13, 0x04, 0x05, 0x14, 0x15, 0x06, 0x07, 0x16, 0x17},
                  {0x08, 0x09, 0x18, 0x19, 0x0A, 0x0B, 0x1A, 0x1B, 0x0C, 0x0D, 0x1C, 0x1D, 0x0E, 0x0F, 0x1E, 0x1F}));
  c.push_back(zip("EeVzip32", O::kEeVzip32, {0x00, 0x01, 0x02, 0x03, 0x10, 0x11, 0x12, 0x13, 0x04, 0x05, 0x06, 0x07, 0x14, 0x15, 0x16, 0x17},
                  {0x08, 0x09, 0x0A, 0x0B, 0x18, 0x19, 0x1A, 0x1B, 0x0C, 0x0D, 0x0E, 0x0F, 0x1C, 0x1D, 0x1E, 0x1F}));
  c.push_back(zip("EeVunzip8", O::kEeVunzip8, {0x00, 0x02, 0x04, 0x06, 0x08, 0x0A, 0x0C, 0x0E, 0x10, 0x12, 0x14, 0x16, 0x18, 0x1A, 0x1C, 0x1E},
                  {0x01, 0x03, 0x05, 0x07, 0x09, 0x0B, 0x0D, 0x0F, 0x11, 0x13, 0x15, 0x17, 0x19, 0x1B, 0x1D, 0x1F}));
  c.push_back(zip("EeVunzip16", O::kEeVunzip16, {0x00, 0x01, 0x04, 0x05, 0x08, 0x09, 0x0C, 0x0D, 0x10, 0x11, 0x14, 0x15, 0x18, 0x19, 0x1C, 0x1D},
                  {0x02, 0x03, 0x06, 0x07, 0x0A, 0x0B, 0x0E, 0x0F, 0x12, 0x13, 0x16, 0x17, 0x1A, 0x1B, 0x1E, 0x1F}));
  c.push_back(zip("EeVunzip32", O::kEeVunzip32, {0x00, 0x01, 0x02, 0x03, 0x08, 0x09, 0x0A, 0x0B, 0x10, 0x11, 0x12, 0x13, 0x18, 0x19, 0x1A, 0x1B},
                  {0x04, 0x05, 0x06, 0x07, 0x0C, 0x0D, 0x0E, 0x0F, 0x14, 0x15, 0x16, 0x17, 0x1C, 0x1D, 0x1E, 0x1F}));
  return c;
}

class AluVector : public ::testing::TestWithParam<SemCase> {};
TEST_P(AluVector, Runs) { run_case(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Table, AluVector, ::testing::ValuesIn(cases()), SemCaseName());

}  // namespace
}  // namespace pietune::emu::testing
