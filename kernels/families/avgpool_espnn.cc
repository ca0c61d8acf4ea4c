// avgpool_espnn: legality and the average pool's channel chunk (see the header).
#include "kernels/families/avgpool_espnn.h"

#include <fmt/format.h>

#include "model/support/error.h"

namespace pietune::kernels::families {
namespace {

using model::a;
using model::imm;
using model::Opcode;
using model::q;
using namespace espnn_pool;

constexpr int kMaxTaps = 256;

// Lane `lane` of q`vec` = TFLM's rounded sum / count, with a2 = count / 2 and a3 = ceil(2^31 / count)
// (stands in for esp-nn's blti / add|sub / quos; see the header).
void emit_lane_division(model::FunctionBuilder& b, int vec, int lane) {
  b.emit(Opcode::kEeMovi32A, {q(vec), a(9), imm(lane)});
  b.emit(Opcode::kAbs, {a(13), a(9)});
  b.emit(Opcode::kAdd, {a(13), a(13), a(2)});
  b.emit(Opcode::kSlli, {a(13), a(13), imm(1)});
  b.emit(Opcode::kMuluh, {a(13), a(13), a(3)});
  b.emit(Opcode::kNeg, {a(10), a(13)});
  b.emit(Opcode::kMovltz, {a(13), a(10), a(9)});
  b.emit(Opcode::kEeMovi32Q, {q(vec), a(13), imm(lane)});
}

// esp-nn's average-pool channel chunk: sums in q3 (channels 0-3) and q2 (4-7), q4 = 0, bounds
// q6 (max) / q7 (min) as int32; the tap count in a4.
void emit_avg_chunk(model::FunctionBuilder& b, int chunk, int rows, int taps) {
  model::Label divide = b.new_label("avg_divide");
  b.emit(Opcode::kMvQr, {q(3), q(4)});
  load(b, 8, kYStart);
  b.emit(Opcode::kMvQr, {q(2), q(4)});
  b.emit(Opcode::kMovN, {a(13), a(8)});
  b.emit(Opcode::kBge, {a(8), a(15), model::target(divide)});  // no row inside: never taken
  load(b, 10, kBaseY);
  load(b, 14, kXEnd);
  b.emit(Opcode::kAddN, {a(10), a(10), a(8)});
  b.emit(Opcode::kMull, {a(10), a(11), a(10)});  // first in-image row * input_wd
  b.emit(Opcode::kMoviN, {a(4), imm(0)});
  b.emit(Opcode::kAddN, {a(14), a(10), a(14)});
  model::Label row_top = b.new_label("avg_row");
  model::Label row_next = b.new_label("avg_row_next");
  b.bind(row_top);
  load(b, 9, kXEnd);
  load(b, 8, kXFirst);
  b.emit(Opcode::kAddN, {a(14), a(14), a(11)});  // dead in esp-nn too (compiler leftover)
  b.emit(Opcode::kBge, {a(8), a(9), model::target(row_next)});  // no column inside: never taken
  emit_tap_row_start(b);
  b.zero_overhead_loop(Opcode::kLoopgtz, a(3), taps, [&] {
    if (chunk == 8) {
      b.emit(Opcode::kEeVldL64Xp, {q(0), a(2), a(5)});
    } else {
      b.emit(Opcode::kEeVldbc32Xp, {q(0), a(2), a(5)});
    }
    b.emit(Opcode::kEeVcmpLtS8, {q(1), q(0), q(4)});
    b.emit(Opcode::kEeVzip8, {q(0), q(1)});
    b.emit(Opcode::kEeVcmpLtS16, {q(1), q(0), q(4)});
    b.emit(Opcode::kEeVzip16, {q(0), q(1)});
    if (chunk == 8) {
      b.emit(Opcode::kEeVaddsS32, {q(2), q(2), q(1)});
      b.emit(Opcode::kEeVaddsS32, {q(3), q(3), q(0)});
    } else {
      b.emit(Opcode::kEeVaddsS32, {q(3), q(3), q(0)});
    }
  });
  // The row's in-image taps, recomputed from the stack as esp-nn does after every filter row.
  load(b, 2, kBaseX);
  b.emit(Opcode::kNeg, {a(9), a(2)});
  b.emit(Opcode::kMoviN, {a(8), imm(0)});
  b.emit(Opcode::kMax, {a(9), a(9), a(8)});
  load(b, 8, kFilterW);
  b.emit(Opcode::kSub, {a(2), a(11), a(2)});
  b.emit(Opcode::kMin, {a(8), a(8), a(2)});
  b.emit(Opcode::kSub, {a(8), a(8), a(9)});
  b.emit(Opcode::kAddN, {a(4), a(4), a(8)});
  b.bind(row_next);
  b.emit(Opcode::kAddN, {a(10), a(10), a(11)});
  b.emit(Opcode::kAddiN, {a(13), a(13), imm(1)});
  b.emit(Opcode::kBne, {a(15), a(13), model::target(row_top)}).trip_count = rows;

  b.bind(divide);
  b.emit(Opcode::kSrai, {a(2), a(4), imm(1)});
  load(b, 3, kTable);
  b.emit(Opcode::kAddx4, {a(3), a(4), a(3)});
  b.emit(Opcode::kL32i, {a(3), a(3), imm(0)});
  for (int lane = 0; lane < 4; ++lane) emit_lane_division(b, 3, lane);
  if (chunk == 8) {
    for (int lane = 0; lane < 4; ++lane) emit_lane_division(b, 2, lane);
    load(b, 9, kPixelEnd);
    load(b, 14, kChannelOffset);
    load(b, 13, kOutPtr);
    b.emit(Opcode::kEeVminS32, {q(1), q(3), q(6)});
    b.emit(Opcode::kEeVmaxS32, {q(1), q(1), q(7)});
    b.emit(Opcode::kEeVminS32, {q(5), q(2), q(6)});
    b.emit(Opcode::kAddiN, {a(14), a(14), imm(8)});
    store(b, 14, kChannelOffset);
    b.emit(Opcode::kEeVmaxS32, {q(5), q(5), q(7)});
    b.emit(Opcode::kAddi, {a(8), a(13), imm(8)});
    store(b, 8, kOutPtr);
    b.emit(Opcode::kEeVunzip16, {q(1), q(5)});
    b.emit(Opcode::kEeVunzip8, {q(1), q(5)});
    b.emit(Opcode::kEeVstL64Ip, {q(1), a(13), imm(0)});
  } else {
    load(b, 9, kPixelEnd);
    load(b, 8, kOutPtr);
    load(b, 14, kChannelOffset);
    b.emit(Opcode::kAddiN, {a(14), a(14), imm(4)});
    b.emit(Opcode::kEeVminS32, {q(3), q(3), q(6)});
    store(b, 14, kChannelOffset);
    b.emit(Opcode::kEeVmaxS32, {q(3), q(3), q(7)});
    b.emit(Opcode::kEeVunzip16, {q(3), q(1)});
    b.emit(Opcode::kEeVunzip8, {q(3), q(1)});
    b.emit(Opcode::kAddi, {a(10), a(1), imm(kTemp)});  // esp-nn stores through a1 itself
    b.emit(Opcode::kEeVstL64Ip, {q(3), a(10), imm(0)});
    load(b, 13, kTemp);
    b.emit(Opcode::kS32iN, {a(13), a(8), imm(0)});
    b.emit(Opcode::kAddiN, {a(8), a(8), imm(4)});
    store(b, 8, kOutPtr);
  }
}

}  // namespace

std::optional<Rejection> avgpool_espnn_legal(const Layer& layer, const Variant& variant) {
  PIETUNE_CHECK(layer.op == OpKind::kAveragePool2d) << to_string(layer.op);
  if (auto r = check_pool(layer, variant, true)) return r;
  const ConvGeometry g = conv_geometry(layer);
  if (g.taps() > kMaxTaps)
    return Rejection{"window", fmt::format("window {}x{} = {} taps: the exact division standing in for esp-nn's QUOS "
                                           "is proven for at most {} taps",
                                           g.kernel_h, g.kernel_w, g.taps(), kMaxTaps)};
  return std::nullopt;
}

GeneratedKernel avgpool_espnn_generate(const Layer& layer, const Variant& variant) {
  PIETUNE_CHECK(!avgpool_espnn_legal(layer, variant)) << variant.name();
  const ConvGeometry g = conv_geometry(layer);
  const int chunk = static_cast<int>(variant.number("channels"));
  PoolCode code;
  code.chunk_channels = chunk;
  code.save_call_block = [](model::FunctionBuilder& b) {
    b.emit(Opcode::kL32i, {a(8), a(4), imm(0)});
    store(b, 8, kTable);
  };
  // act_min / act_max broadcast as int32 (EE.VLDBC.32 from their stack words), q4 = 0.
  code.vector_constants = [](model::FunctionBuilder& b) {
    b.emit(Opcode::kAddi, {a(8), a(1), imm(kActMax)});
    b.emit(Opcode::kAddi, {a(9), a(1), imm(kActMin)});
    b.emit(Opcode::kEeVldbc32, {q(7), a(9)});
    b.emit(Opcode::kEeVldbc32, {q(6), a(8)});
    b.emit(Opcode::kEeZeroQ, {q(4)});
  };
  code.chunk = [chunk](model::FunctionBuilder& b, int rows, int taps) { emit_avg_chunk(b, chunk, rows, taps); };
  GeneratedKernel k = generate_pool(layer, variant, code);
  ConstantBuffer reciprocals{"reciprocals", {}};
  for (std::int64_t n = 0; n <= g.taps(); ++n)
    append_int32(reciprocals.bytes,
                 n == 0 ? 0 : static_cast<std::int32_t>(static_cast<std::uint32_t>(((std::int64_t{1} << 31) + n - 1) / n)));
  k.constants.push_back(std::move(reciprocals));
  return k;
}

}  // namespace pietune::kernels::families
