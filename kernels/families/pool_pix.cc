// The pixel-lane pools maxpool_pix and avgpool_pix: legality and code generation (see the header).
#include "kernels/families/pool_pix.h"

#include <algorithm>
#include <functional>

#include <fmt/format.h>

#include "kernels/codegen/emit.h"
#include "kernels/codegen/qacc_lanes.h"
#include "kernels/codegen/requant_srcmb.h"
#include "model/support/error.h"

namespace pietune::kernels::families {
namespace {

using model::a;
using model::imm;
using model::Opcode;
using model::q;

constexpr int kLanes = 16;
constexpr int kMaxPhases = 4;

bool is_max(const Layer& layer) { return layer.op == OpKind::kMaxPool2d; }
bool nchw(const Variant& variant) { return variant.word("activations") == "nchw"; }

// The staged plane of one channel: padded rows of `phases` phase rows of `phase_bytes` bytes.
struct Plane {
  int phases = 1;       // the column stride: padded column px lives in phase px % phases
  int phase_bytes = 0;  // a multiple of 16, with room for the last block's extra lanes and one
                        // more aligned block (the unaligned loads read it)
  int row_bytes = 0;
  std::int64_t bytes = 0;

  // Byte offset of padded column px inside a padded row.
  int column_offset(int px) const { return (px % phases) * phase_bytes + px / phases; }
};

// The column phases: the column stride, or 1 for a single output column (a global pool), whose
// taps are consecutive columns whatever the stride.
int column_phases(const ConvGeometry& g) { return g.out_w == 1 ? 1 : g.stride_w; }

Plane plane_of(const ConvGeometry& g) {
  Plane p;
  p.phases = column_phases(g);
  const int padded_w = g.left + g.in_w + g.right;
  const int padded_h = g.top + g.in_h + g.bottom;
  const int blocks = (g.out_w + kLanes - 1) / kLanes;
  const int widest_tap = (g.kernel_w - 1) / p.phases;
  const int needed = std::max((padded_w + p.phases - 1) / p.phases, blocks * kLanes + widest_tap);
  p.phase_bytes = static_cast<int>(round_up(needed, kLanes)) + kLanes;
  p.row_bytes = p.phases * p.phase_bytes;
  p.bytes = std::int64_t{padded_h} * p.row_bytes;
  return p;
}

// Frame slots: the call block's buffers, then loop counters and cursors.
constexpr int kSlotConstants = 0, kSlotTable = 1, kSlotPlanes = 2, kSlotBatch = 3, kSlotOy = 4, kSlotIc = 5,
              kSlotStage = 6, kSlotOutBatch = 7;

// Registers of the staging copy: a2 walks the input (advanced past the image), kPointers[j] the
// phase row of input columns x % s == j; kRows, kGroups count; kTmp for add_const. nchw loads into
// kValues; nhwc walks a pixel's C planes with kWalk by kPlaneStep, counting in kCount.
constexpr int kPointers[kMaxPhases] = {9, 10, 5, 14};
constexpr int kValues[4] = {13, 6, 4, 7};
constexpr int kRows = 11, kGroups = 12, kTmp = 15, kWalk = 7, kPlaneStep = 4, kCount = 6;

// One batch image from a2 into the planes (slot kSlotPlanes), read in input order, once.
void emit_stage(model::FunctionBuilder& b, const ConvGeometry& g, const Plane& p, bool planar) {
  const int s = p.phases;
  const int used = std::min(s, g.in_w);  // phase pointers in use
  // nchw copies `unroll` columns of every phase per group (up to 4 loads in flight); nhwc a pixel.
  const int unroll = planar ? std::max(1, 4 / s) : 1;
  const int group_cols = s * unroll;
  const int groups = g.in_w / group_cols, rest = g.in_w % group_cols;
  // Per input row of the plane at a7: the groups, the rest column by column, then every pointer
  // to its phase in the next row.
  const auto rows = [&](const std::function<void()>& group, const std::function<void(int)>& column, bool innermost) {
    for (int j = 0; j < used; ++j)
      codegen::add_const(b, kPointers[j], kWalk, g.top * p.row_bytes + p.column_offset(g.left + j), kTmp);
    codegen::reg_loop(b, kRows, g.in_h, [&] {
      if (groups > 0 && innermost) codegen::inner_loop(b, kGroups, groups, group);
      if (groups > 0 && !innermost) codegen::reg_loop(b, kGroups, groups, group);
      for (int r = 0; r < rest; ++r) column(r % s);
      for (int j = 0; j < used; ++j) {
        const int written = groups * unroll + (rest > j ? (rest - 1 - j) / s + 1 : 0);
        codegen::add_const(b, kPointers[j], kPointers[j], p.row_bytes - written, kTmp);
      }
    });
  };
  if (planar) {
    const auto group = [&] {
      for (int j = 0; j < s; ++j)
        for (int u = 0; u < unroll; ++u)
          b.emit(Opcode::kL8ui, {a(kValues[j * unroll + u]), a(2), imm(u * s + j)});
      b.emit(Opcode::kAddi, {a(2), a(2), imm(group_cols)});
      for (int j = 0; j < s; ++j) {
        for (int u = 0; u < unroll; ++u) b.emit(Opcode::kS8i, {a(kValues[j * unroll + u]), a(kPointers[j]), imm(u)});
        b.emit(Opcode::kAddi, {a(kPointers[j]), a(kPointers[j]), imm(unroll)});
      }
    };
    const auto column = [&](int j) {
      b.emit(Opcode::kL8ui, {a(kValues[0]), a(2), imm(0)});
      b.emit(Opcode::kAddi, {a(2), a(2), imm(1)});
      b.emit(Opcode::kS8i, {a(kValues[0]), a(kPointers[j]), imm(0)});
      b.emit(Opcode::kAddi, {a(kPointers[j]), a(kPointers[j]), imm(1)});
    };
    codegen::load_slot(b, kWalk, kSlotPlanes);
    codegen::store_slot(b, kWalk, kSlotStage);
    codegen::slot_loop(b, kSlotIc, g.in_c, kTmp, [&] {
      codegen::load_slot(b, kWalk, kSlotStage);
      rows(group, column, true);
      codegen::load_slot(b, kWalk, kSlotStage);
      codegen::add_const(b, kWalk, kWalk, static_cast<std::int32_t>(p.bytes), kTmp);
      codegen::store_slot(b, kWalk, kSlotStage);
    });
    return;
  }
  // One pixel's C values to its column in the C planes, through kPointers[j] (kept).
  const auto pixel = [&](int j) {
    b.emit(Opcode::kMov, {a(kWalk), a(kPointers[j])});
    codegen::inner_loop(b, kCount, g.in_c, [&] {
      b.emit(Opcode::kL8ui, {a(13), a(2), imm(0)});
      b.emit(Opcode::kAddi, {a(2), a(2), imm(1)});
      b.emit(Opcode::kS8i, {a(13), a(kWalk), imm(0)});
      b.emit(Opcode::kAdd, {a(kWalk), a(kWalk), a(kPlaneStep)});
    });
    b.emit(Opcode::kAddi, {a(kPointers[j]), a(kPointers[j]), imm(1)});
  };
  codegen::load_const(b, kPlaneStep, static_cast<std::int32_t>(p.bytes));
  codegen::load_slot(b, kWalk, kSlotPlanes);
  rows([&] { for (int j = 0; j < s; ++j) pixel(j); }, pixel, false);
}

}  // namespace

std::optional<Rejection> pool_pix_legal(const Layer& layer, const Variant& variant) {
  PIETUNE_CHECK(layer.op == OpKind::kMaxPool2d || layer.op == OpKind::kAveragePool2d) << to_string(layer.op);
  (void)variant;
  if (auto r = check_pool_quantization(layer)) return r;
  const ConvGeometry g = conv_geometry(layer);
  if (column_phases(g) > kMaxPhases)
    return Rejection{"pix_stride", fmt::format("column stride {}: the staged plane splits columns into at most {} "
                                               "phases so that 16 output pixels read 16 consecutive bytes",
                                               g.stride_w, kMaxPhases)};
  if (!is_max(layer)) {
    if (g.taps() > kPoolPixMaxTaps)
      return Rejection{"window", fmt::format("window {}x{} = {} taps: the exact division is proven for at most {} "
                                             "taps",
                                             g.kernel_h, g.kernel_w, g.taps(), kPoolPixMaxTaps)};
    for (int oy = 0; oy < g.out_h; ++oy)
      for (int ox = 0; ox < g.out_w; ++ox)
        if (pool_window_taps(g, oy, ox) == 0)
          return Rejection{"empty_window",
                           fmt::format("the window of output ({}, {}) has no tap inside the image", oy, ox)};
  }
  return check_scratch(plane_of(g).bytes * g.in_c, "the staged planes");
}

GeneratedKernel pool_pix_generate(const Layer& layer, const Variant& variant) {
  PIETUNE_CHECK(!pool_pix_legal(layer, variant)) << variant.name();
  const ConvGeometry g = conv_geometry(layer);
  const Plane p = plane_of(g);
  const bool maximum = is_max(layer);
  const bool planar = nchw(variant);
  const int act_min = std::max(layer.options.activation.min, -128);
  const int act_max = std::min(layer.options.activation.max, 127);

  GeneratedKernel k;
  k.symbol = variant.symbol();
  k.layout = planar ? ActivationLayout::kNchw : ActivationLayout::kNhwc;
  if (maximum) {
    ConstantBuffer vectors{"clamp_bounds_fill", {}};
    for (const int value : {act_min, act_max, -128})
      for (int i = 0; i < 16; ++i) vectors.bytes.push_back(static_cast<std::uint8_t>(static_cast<std::int8_t>(value)));
    k.constants.push_back(std::move(vectors));
  } else {
    k.constants.push_back({"ones", std::vector<std::uint8_t>(16, 1)});
    ConstantBuffer table{"divisors", {}};
    for (int oy = 0; oy < g.out_h; ++oy)
      for (int ox = 0; ox < g.out_w; ++ox) {
        const std::int64_t n = pool_window_taps(g, oy, ox);
        append_int32(table.bytes, static_cast<std::int32_t>(n / 2));
        append_int32(table.bytes,
                     static_cast<std::int32_t>(static_cast<std::uint32_t>(((std::int64_t{1} << 31) + n - 1) / n)));
      }
    k.constants.push_back(std::move(table));
  }
  const std::int64_t planes_bytes = p.bytes * g.in_c;
  k.scratch_bytes = static_cast<std::uint32_t>(planes_bytes);
  const std::int32_t out_plane = g.out_h * g.out_w;
  // Output bytes between horizontal neighbours of one channel, and between channels.
  const std::int32_t out_step = planar ? 1 : g.out_c;
  const std::int32_t channel_step = planar ? out_plane : 1;
  // Vector stores of the max: every block of a channel row starts at a multiple of 16 (8) bytes
  // of an output aligned so.
  const int store_align = !maximum || out_step != 1 ? 1 : g.out_w % 16 == 0 ? 16 : g.out_w % 8 == 0 ? 8 : 1;
  k.output_align_bytes = static_cast<std::uint32_t>(store_align);

  model::FunctionBuilder b(k.symbol);
  codegen::emit_prologue(b);
  if (maximum)
    codegen::call_block_to_slots(b, {kSlotConstants, kSlotPlanes}, 7);
  else
    codegen::call_block_to_slots(b, {kSlotConstants, kSlotTable, kSlotPlanes}, 7);
  // q6 / q7: the clamp bounds (max), q3: the ones (average), q5: the fill of the border and slack,
  // which staging never writes.
  codegen::load_slot(b, 5, kSlotConstants);
  if (maximum) {
    b.emit(Opcode::kEeVld128Ip, {q(6), a(5), imm(16)});
    b.emit(Opcode::kEeVld128Ip, {q(7), a(5), imm(16)});
    b.emit(Opcode::kEeVld128Ip, {q(5), a(5), imm(0)});
  } else {
    b.emit(Opcode::kEeVld128Ip, {q(3), a(5), imm(0)});
    b.emit(Opcode::kEeZeroQ, {q(5)});
  }
  codegen::load_slot(b, 7, kSlotPlanes);
  codegen::inner_loop(b, 10, planes_bytes / 16, [&] { b.emit(Opcode::kEeVst128Ip, {q(5), a(7), imm(16)}); });

  // A single output column whose window covers every image column of the padded row (a global
  // average): the window's rows are whole 16-byte chunks from column 0 (past the image only the
  // 0 border and slack), summed in ACCX, one load and one MAC per 16 taps instead of per tap.
  const bool row_sums = !maximum && g.out_w == 1 && g.left + g.in_w <= g.kernel_w;
  const int row_chunks = (g.kernel_w + kLanes - 1) / kLanes;
  // The result of a max block in q0 (an average's sums in QACC, or ACCX), from the taps of the
  // block at a9.
  const auto emit_taps = [&] {
    if (row_sums) {
      b.emit(Opcode::kEeZeroAccx, {});
      for (int ky = 0; ky < g.kernel_h; ++ky) {
        codegen::add_const(b, 10, 9, ky * p.row_bytes, 8);
        for (int chunk = 0; chunk < row_chunks; ++chunk) {
          b.emit(Opcode::kEeVld128Ip, {q(1), a(10), imm(16)});
          b.emit(Opcode::kEeVmulasS8Accx, {q(1), q(3)});
        }
      }
      return;
    }
    if (!maximum) b.emit(Opcode::kEeZeroQacc, {});
    bool first = true;
    for (int ky = 0; ky < g.kernel_h; ++ky)
      for (int kx = 0; kx < g.kernel_w; ++kx) {
        const int offset = ky * p.row_bytes + p.column_offset(kx);
        const int dst = maximum && first ? 0 : 1;
        int base = 9;
        if (offset != 0) {
          codegen::add_const(b, 10, 9, offset, 8);
          base = 10;
        }
        if (offset % 16 == 0) {
          b.emit(Opcode::kEeVld128Ip, {q(dst), a(base), imm(0)});
        } else {
          b.emit(Opcode::kEeLd128UsarIp, {q(dst), a(base), imm(16)});
          b.emit(Opcode::kEeVld128Ip, {q(2), a(base), imm(0)});
          b.emit(Opcode::kEeSrcQ, {q(dst), q(dst), q(2)});
        }
        if (maximum && !first) b.emit(Opcode::kEeVmaxS8, {q(0), q(0), q(1)});
        if (!maximum) b.emit(Opcode::kEeVmulasS8Qacc, {q(1), q(3)});
        first = false;
      }
  };
  // Bytes a4 moved while storing `lanes` outputs (nhwc steps C bytes per output).
  const auto stored_advance = [&](int lanes) { return out_step == 1 ? 0 : lanes * out_step; };
  // The max block's q0 clamped and stored at a4.
  const auto emit_max_store = [&](int lanes) {
    b.emit(Opcode::kEeVmaxS8, {q(0), q(0), q(6)});
    b.emit(Opcode::kEeVminS8, {q(0), q(0), q(7)});
    if (store_align == 16) {
      b.emit(Opcode::kEeVst128Ip, {q(0), a(4), imm(0)});
    } else if (store_align == 8 && lanes == 16) {
      b.emit(Opcode::kEeVstL64Ip, {q(0), a(4), imm(8)});
      b.emit(Opcode::kEeVstH64Ip, {q(0), a(4), imm(-8)});
    } else if (store_align == 8) {
      b.emit(Opcode::kEeVstL64Ip, {q(0), a(4), imm(0)});
    } else {
      codegen::emit_store_lanes(b, 0, lanes, 4, 13, out_step, 15);
    }
  };
  // The average block's lanes divided, clamped and stored at a4 (the divisors at a6).
  const auto emit_average_store = [&](int lanes) {
    for (int lane = 0; lane < lanes; ++lane) {
      if (row_sums)
        b.emit(Opcode::kRurAccx0, {a(13)});
      else
        codegen::emit_qacc_lane(b, lane, 13, 14);
      b.emit(Opcode::kL32i, {a(15), a(6), imm(8 * lane)});
      b.emit(Opcode::kAbs, {a(14), a(13)});
      b.emit(Opcode::kAdd, {a(14), a(14), a(15)});
      b.emit(Opcode::kSlli, {a(14), a(14), imm(1)});
      b.emit(Opcode::kL32i, {a(15), a(6), imm(8 * lane + 4)});
      b.emit(Opcode::kMuluh, {a(14), a(14), a(15)});
      b.emit(Opcode::kNeg, {a(15), a(14)});
      b.emit(Opcode::kMovltz, {a(14), a(15), a(13)});
      if (act_min > -128) {
        codegen::load_const(b, 15, act_min);
        b.emit(Opcode::kMax, {a(14), a(14), a(15)});
      }
      if (act_max < 127) {
        codegen::load_const(b, 15, act_max);
        b.emit(Opcode::kMin, {a(14), a(14), a(15)});
      }
      if (out_step == 1) {
        b.emit(Opcode::kS8i, {a(14), a(4), imm(lane)});
      } else {
        b.emit(Opcode::kS8i, {a(14), a(4), imm(0)});
        codegen::add_const(b, 4, 4, out_step, 15);
      }
    }
  };
  // One block of `lanes` output pixels: a9 its inputs in the first plane, a3 its first output in
  // the first channel; every channel (a9 steps a plane, a4 a channel), then a9, a3 (and a6) to the
  // next block.
  const auto block = [&](int lanes) {
    b.emit(Opcode::kMov, {a(4), a(3)});
    codegen::reg_loop(b, 12, g.in_c, [&] {
      emit_taps();
      if (maximum)
        emit_max_store(lanes);
      else
        emit_average_store(lanes);
      b.emit(Opcode::kAdd, {a(9), a(9), a(5)});
      codegen::add_const(b, 4, 4, channel_step - stored_advance(lanes), 15);
    });
    codegen::add_const(b, 9, 9, static_cast<std::int32_t>(kLanes - g.in_c * p.bytes), 8);
    codegen::add_const(b, 3, 3, lanes * out_step, 8);
    if (!maximum) codegen::add_const(b, 6, 6, 8 * lanes, 8);
  };

  codegen::slot_loop(b, kSlotBatch, g.batches, 8, [&] {
    emit_stage(b, g, p, planar);
    codegen::store_slot(b, 3, kSlotOutBatch);
    codegen::load_slot(b, 7, kSlotPlanes);
    if (!maximum) codegen::load_slot(b, 6, kSlotTable);
    codegen::load_const(b, 5, static_cast<std::int32_t>(p.bytes));
    codegen::slot_loop(b, kSlotOy, g.out_h, 8, [&] {
      b.emit(Opcode::kMov, {a(9), a(7)});
      if (g.out_w / kLanes > 0) codegen::reg_loop(b, 11, g.out_w / kLanes, [&] { block(kLanes); });
      if (g.out_w % kLanes > 0) block(g.out_w % kLanes);
      codegen::add_const(b, 7, 7, g.stride_h * p.row_bytes, 8);
    });
    codegen::load_slot(b, 3, kSlotOutBatch);
    codegen::add_const(b, 3, 3, g.out_c * out_plane, 8);
  });
  codegen::emit_epilogue(b);
  k.program = single_function_program(std::move(b).finish());
  return k;
}

}  // namespace pietune::kernels::families
