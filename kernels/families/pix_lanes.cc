// The pixel-lane families dwconv_pix and conv_pix: legality and code generation (see the header).
#include "kernels/families/pix_lanes.h"

#include <algorithm>
#include <cstdlib>
#include <functional>

#include <fmt/format.h>

#include "kernels/codegen/emit.h"
#include "kernels/codegen/qacc_image.h"
#include "kernels/codegen/qacc_lanes.h"
#include "kernels/codegen/requant_pix.h"
#include "kernels/codegen/requant_scalar.h"
#include "kernels/codegen/requant_srcmb.h"
#include "kernels/codegen/requant_vector.h"
#include "kernels/families/s16_lane_rules.h"
#include "model/support/error.h"

namespace pietune::kernels::families {
namespace {

using model::a;
using model::imm;
using model::Opcode;
using model::q;

constexpr int kLanes = 8;

// The staged plane of one channel: padded rows of `phases` phase rows of `phase_elems` int16.
struct Plane {
  int phases = 1;       // the column stride: padded column px lives in phase px % phases
  int phase_elems = 0;  // a multiple of 8, with room for the last block's extra lanes and one
                        // more aligned block (the unaligned loads read it)
  int row_bytes = 0;
  std::int64_t bytes = 0;

  // Byte offset of padded column px inside a padded row.
  int column_offset(int px) const { return 2 * ((px % phases) * phase_elems + px / phases); }
};

Plane plane_of(const ConvGeometry& g) {
  Plane p;
  p.phases = g.stride_w;
  const int padded_w = g.left + g.in_w + g.right;
  const int padded_h = g.top + g.in_h + g.bottom;
  const int blocks = (g.out_w + kLanes - 1) / kLanes;
  const int widest_tap = (g.kernel_w - 1) * g.dilation_w / p.phases;
  const int needed = std::max((padded_w + p.phases - 1) / p.phases, blocks * kLanes + widest_tap);
  p.phase_elems = static_cast<int>(round_up(needed, kLanes)) + kLanes;
  p.row_bytes = 2 * p.phases * p.phase_elems;
  p.bytes = std::int64_t{padded_h} * p.row_bytes;
  return p;
}

// How output channels meet input channels: `groups` groups of cin_g input planes and
// out_per_group output channels each (a depthwise layer: in_c groups of one plane, the depth
// multiplier's outputs each).
struct Grouping {
  int groups = 1, cin_g = 1, out_per_group = 1;
  std::int64_t terms(const ConvGeometry& g) const { return cin_g * g.taps(); }
};

Grouping grouping_of(const Layer& layer, const ConvGeometry& g) {
  if (layer.op == OpKind::kDepthwiseConv2d) return {.groups = g.in_c, .cin_g = 1, .out_per_group = g.out_c / g.in_c};
  const int groups = layer.options.groups;
  return {.groups = groups, .cin_g = g.in_c / groups, .out_per_group = g.out_c / groups};
}

// The weight of output channel oc, its group's input channel ci and tap t.
std::int8_t weight_at(const Layer& layer, const std::vector<std::int8_t>& w, const ConvGeometry& g,
                      const Grouping& gr, int oc, int ci, std::int64_t t) {
  if (layer.op == OpKind::kDepthwiseConv2d) return w[static_cast<std::size_t>(t * g.out_c + oc)];
  return w[static_cast<std::size_t>((oc * g.taps() + t) * gr.cin_g + ci)];  // [Cout, KH, KW, Cin / groups]
}

AbsWeightSums abs_weight_sums(const Layer& layer, const ConvGeometry& g) {
  return layer.op == OpKind::kDepthwiseConv2d ? depthwise_abs_weight_sums(layer, g) : conv_abs_weight_sums(layer, g);
}

bool vector_epilogue(const Variant& variant) { return variant.word("epilogue") == "rqvec"; }
bool record_epilogue(const Variant& variant) { return variant.word("epilogue") == "rqpix"; }
bool nchw(const Variant& variant) { return variant.word("activations") == "nchw"; }

// Per channel: the bias as a QACC image of 8 equal lanes and the channel's one-slot rqvec block.
std::vector<std::uint8_t> channel_rqvec_blocks(const std::vector<std::int32_t>& bias,
                                               const reference::ChannelQuantization& qz) {
  std::vector<std::uint8_t> out;
  for (std::size_t c = 0; c < bias.size(); ++c) {
    reference::ChannelQuantization lanes = qz;
    lanes.multipliers.assign(kLanes, qz.multipliers[c]);
    const std::vector<std::uint8_t> block = codegen::rqvec_bias_blocks(std::vector<std::int32_t>(kLanes, bias[c]), lanes);
    out.insert(out.end(), block.begin(), block.end());
  }
  return out;
}

// Frame slots. kSlotWeights, kSlotTable, kSlotTilePlanes, kSlotTileOut: the current tile's; the
// *Base slots and kSlotPlanes: the call block's buffers; the rest are loop counters and cursors.
constexpr int kSlotWeights = 0, kSlotTable = 1, kSlotVectors = 2, kSlotPlanes = 3, kSlotSave = 4, kSlotBatch = 5,
              kSlotIc = 6, kSlotM = 7, kSlotOy = 8, kSlotStage = 9, kSlotCi = 10, kSlotTilePlanes = 11,
              kSlotOutBatch = 12, kSlotTile = 13, kSlotTileOut = 14, kSlotWeightsBase = 15, kSlotTableBase = 16,
              kSlotGroup = 17;

// Registers of the staging copies: a8 walks the input (advanced past the image), a9 and a10 the
// first and second column phase of a row, a14 holds the input offset; a4, a6, a7, a11-a13, a15
// are clobbered.
constexpr int kSrc = 8, kFirst = 9, kSecond = 10, kRows = 11, kValue = 13, kOffset = 14, kTmp = 15;

// One input byte as int16 x + input_offset at `dst`; the source advances by one byte.
void emit_copy_value(model::FunctionBuilder& b, int dst) {
  b.emit(Opcode::kL8ui, {a(kValue), a(kSrc), imm(0)});
  b.emit(Opcode::kAddi, {a(kSrc), a(kSrc), imm(1)});
  b.emit(Opcode::kSext, {a(kValue), a(kValue), imm(7)});
  b.emit(Opcode::kAdd, {a(kValue), a(kValue), a(kOffset)});
  b.emit(Opcode::kS16i, {a(kValue), a(dst), imm(0)});
}

// The row loop both copies share: per input row, `pixel(dst)` for every input column, with dst
// the register pointing at that column's element in the plane at plane_reg (the callback leaves
// dst alone). `innermost`: the callback has no loop of its own, so the column loop may be LOOPGTZ.
void emit_stage_rows(model::FunctionBuilder& b, const ConvGeometry& g, const Plane& p, int plane_reg, bool innermost,
                     const std::function<void(int)>& pixel) {
  const int top = g.top * p.row_bytes;
  codegen::add_const(b, kFirst, plane_reg, top + p.column_offset(g.left), kValue);
  if (p.phases == 2) codegen::add_const(b, kSecond, plane_reg, top + p.column_offset(g.left + 1), kValue);
  const int pairs = g.in_w / p.phases;  // steps taking one column of each phase
  const int rest = g.in_w % p.phases;   // a last column of the first phase
  const auto step = [&](int dst) {
    pixel(dst);
    b.emit(Opcode::kAddi, {a(dst), a(dst), imm(2)});
  };
  codegen::reg_loop(b, kRows, g.in_h, [&] {
    const auto pair = [&] {
      step(kFirst);
      if (p.phases == 2) step(kSecond);
    };
    if (pairs > 0 && innermost) codegen::inner_loop(b, 12, pairs, pair);
    if (pairs > 0 && !innermost) codegen::reg_loop(b, 12, pairs, pair);
    if (rest > 0) step(kFirst);
    codegen::add_const(b, kFirst, kFirst, p.row_bytes - 2 * (pairs + rest), kTmp);
    if (p.phases == 2) codegen::add_const(b, kSecond, kSecond, p.row_bytes - 2 * pairs, kTmp);
  });
}

// Copies one batch image from a2 into the planes (slot kSlotPlanes): nchw reads channel after
// channel, nhwc pixel after pixel (each pixel's C values go to C planes); both read the input in
// order, once.
void emit_stage(model::FunctionBuilder& b, const ConvGeometry& g, const Plane& p, std::int32_t input_offset,
                bool planar) {
  b.emit(Opcode::kMov, {a(kSrc), a(2)});
  codegen::load_const(b, kOffset, input_offset);
  codegen::load_slot(b, 7, kSlotPlanes);
  if (planar) {
    codegen::store_slot(b, 7, kSlotStage);
    codegen::slot_loop(b, kSlotIc, g.in_c, kTmp, [&] {
      codegen::load_slot(b, 7, kSlotStage);
      emit_stage_rows(b, g, p, 7, true, [&](int dst) { emit_copy_value(b, dst); });
      codegen::load_slot(b, 7, kSlotStage);
      codegen::add_const(b, 7, 7, static_cast<std::int32_t>(p.bytes), kTmp);
      codegen::store_slot(b, 7, kSlotStage);
    });
    return;
  }
  constexpr int kWalk = 15, kPlaneStep = 4, kCount = 6;
  codegen::load_const(b, kPlaneStep, static_cast<std::int32_t>(p.bytes));
  emit_stage_rows(b, g, p, 7, false, [&](int dst) {
    b.emit(Opcode::kMov, {a(kWalk), a(dst)});
    codegen::inner_loop(b, kCount, g.in_c, [&] {
      emit_copy_value(b, kWalk);
      b.emit(Opcode::kAdd, {a(kWalk), a(kWalk), a(kPlaneStep)});
    });
  });
}

}  // namespace

std::optional<Rejection> pix_lanes_legal(const Layer& layer, const Variant& variant) {
  PIETUNE_CHECK(layer.op == OpKind::kDepthwiseConv2d || layer.op == OpKind::kConv2d) << to_string(layer.op);
  if (auto r = check_types(layer)) return r;
  const reference::ChannelQuantization qz = reference::channel_quantization(layer, reference::RoundingMode::kDouble);
  if (auto r = check_shift_range(qz)) return r;
  const ConvGeometry g = conv_geometry(layer);
  if (g.stride_w > 2)
    return Rejection{"pix_stride", fmt::format("column stride {}: the staged plane splits columns into 1 or 2 phases "
                                               "so that 8 output pixels read 8 consecutive values",
                                               g.stride_w)};
  const Grouping gr = grouping_of(layer, g);
  const AbsWeightSums sums = abs_weight_sums(layer, g);
  if (vector_epilogue(variant))
    if (auto r = check_rqvec_s16(layer, qz, sums)) return r;
  if (record_epilogue(variant))
    if (auto r = check_rqpix_s16(layer, qz, sums)) return r;
  if (auto r = check_qacc40_range(sums, gr.terms(g), gr.cin_g == 1 ? "taps" : "products")) return r;
  return check_scratch(plane_of(g).bytes * g.in_c, "the staged int16 planes");
}

GeneratedKernel pix_lanes_generate(const Layer& layer, const Variant& variant) {
  PIETUNE_CHECK(!pix_lanes_legal(layer, variant)) << variant.name();
  const ConvGeometry g = conv_geometry(layer);
  const Plane p = plane_of(g);
  const reference::ChannelQuantization qz = reference::channel_quantization(layer, reference::RoundingMode::kDouble);
  const std::vector<std::int8_t> w = weights_int8(layer);
  const std::vector<std::int32_t> bias = bias_int32(layer, g.out_c);
  const std::int64_t taps = g.taps();
  const bool rqvec = vector_epilogue(variant);
  const bool rqpix = record_epilogue(variant);
  const bool left_shifts = rqpix && codegen::rqpix_left_shifts(qz);
  const bool planar = nchw(variant);

  GeneratedKernel k;
  k.symbol = variant.symbol();
  k.layout = planar ? ActivationLayout::kNchw : ActivationLayout::kNhwc;
  const Grouping gr = grouping_of(layer, g);
  ConstantBuffer weights{"weights", {}};
  for (int oc = 0; oc < g.out_c; ++oc)
    for (int ci = 0; ci < gr.cin_g; ++ci)
      for (std::int64_t t = 0; t < taps; ++t) {
        const auto u = static_cast<std::uint16_t>(std::int16_t{weight_at(layer, w, g, gr, oc, ci, t)});
        weights.bytes.push_back(static_cast<std::uint8_t>(u));
        weights.bytes.push_back(static_cast<std::uint8_t>(u >> 8));
      }
  k.constants.push_back(std::move(weights));
  if (rqvec) {
    k.constants.push_back({"rqvec_channels", channel_rqvec_blocks(bias, qz)});
    k.constants.push_back({"rqvec_vectors", codegen::rqvec_vectors(qz)});
  } else if (rqpix) {
    ConstantBuffer records{"rqpix_records", {}};
    for (std::size_t c = 0; c < bias.size(); ++c) {
      const std::vector<std::uint8_t> record = codegen::rqpix_record(qz, bias[c], c);
      records.bytes.insert(records.bytes.end(), record.begin(), record.end());
      if (left_shifts) {
        const std::vector<std::uint8_t> left = codegen::rqpix_left_record(qz, c);
        records.bytes.insert(records.bytes.end(), left.begin(), left.end());
      }
    }
    k.constants.push_back(std::move(records));
    k.constants.push_back({"rqpix_vectors", codegen::rqpix_vectors(qz)});
  } else {
    k.constants.push_back({"requant_table", codegen::requant_table(bias, qz)});
  }
  const std::int64_t planes_bytes = p.bytes * g.in_c;
  k.scratch_bytes = static_cast<std::uint32_t>(planes_bytes + (rqvec || rqpix ? codegen::kQaccImageBytes : 0));
  const std::int32_t out_plane = g.out_h * g.out_w;
  // Output bytes between horizontal neighbours of one channel, and between channels.
  const std::int32_t out_step = planar ? 1 : g.out_c;
  const std::int32_t channel_step = planar ? out_plane : 1;

  model::FunctionBuilder b(k.symbol);
  codegen::emit_prologue(b);
  if (rqvec || rqpix)
    codegen::call_block_to_slots(b, {kSlotWeightsBase, kSlotTableBase, kSlotVectors, kSlotPlanes}, 7);
  else
    codegen::call_block_to_slots(b, {kSlotWeightsBase, kSlotTableBase, kSlotPlanes}, 7);
  if (rqvec || rqpix) {
    codegen::add_const(b, 8, 7, static_cast<std::int32_t>(planes_bytes), 9);
    codegen::store_slot(b, 8, kSlotSave);
  }
  // The border and the slack stay 0: staging only ever writes the image's values.
  b.emit(Opcode::kEeZeroQ, {q(7)});
  codegen::inner_loop(b, 10, planes_bytes / 16, [&] { b.emit(Opcode::kEeVst128Ip, {q(7), a(7), imm(16)}); });

  // One tap: the 8 lanes' inputs into q0 from the block at a9, the weight broadcast into q1.
  const auto emit_tap = [&](std::int64_t t) {
    const int ky = static_cast<int>(t / g.kernel_w), kx = static_cast<int>(t % g.kernel_w);
    const int offset = ky * g.dilation_h * p.row_bytes + p.column_offset(kx * g.dilation_w);
    b.emit(Opcode::kEeVldbc16Ip, {q(1), a(5), imm(2)});
    int base = 9;
    if (offset != 0) {
      codegen::add_const(b, 10, 9, offset, 8);
      base = 10;
    }
    if (offset % 16 == 0) {
      b.emit(Opcode::kEeVld128Ip, {q(0), a(base), imm(0)});
    } else {
      b.emit(Opcode::kEeLd128UsarIp, {q(0), a(base), imm(16)});
      b.emit(Opcode::kEeVld128Ip, {q(2), a(base), imm(0)});
      b.emit(Opcode::kEeSrcQ, {q(0), q(0), q(2)});
    }
    b.emit(Opcode::kEeVmulasS16Qacc, {q(0), q(1)});
  };
  // Output `lane` of the channel from `value`: nchw at a4 + lane (a4 kept), nhwc at a4 (a4 steps
  // to the next pixel of the block).
  const auto store_output = [&](int value, int lane) {
    if (planar) {
      b.emit(Opcode::kS8i, {a(value), a(4), imm(lane)});
      return;
    }
    b.emit(Opcode::kS8i, {a(value), a(4), imm(0)});
    codegen::add_const(b, 4, 4, out_step, 15);
  };
  // a4 after a channel's stores: to the same pixel of the next channel.
  const auto next_channel_step = [&](int lanes) { return channel_step - (planar ? 0 : lanes * out_step); };
  const codegen::RequantRegs rq{.acc = 12, .t0 = 13, .t1 = 14, .t2 = 15, .table = 6};
  // One output channel of the block at a9 (its input plane), written at a4: a5 and a6 advance to
  // the next channel's weights and requantization data, a4 to the next channel's outputs.
  const auto channel = [&](int lanes) {
    if (rqvec)
      codegen::emit_load_qacc_image(b, 6);
    else
      b.emit(Opcode::kEeZeroQacc, {});  // rqpix: the bias comes as taps after the channel's own
    if (gr.cin_g == 1) {
      for (std::int64_t t = 0; t < taps; ++t) emit_tap(t);
    } else {  // the group's input planes in turn, then a9 back at the group's first
      codegen::slot_loop(b, kSlotCi, gr.cin_g, 8, [&] {
        for (std::int64_t t = 0; t < taps; ++t) emit_tap(t);
        codegen::add_const(b, 9, 9, static_cast<std::int32_t>(p.bytes), 8);
      });
      codegen::add_const(b, 9, 9, static_cast<std::int32_t>(-gr.cin_g * p.bytes), 8);
    }
    if (rqvec) {
      codegen::load_slot(b, 12, kSlotVectors);
      codegen::load_slot(b, 13, kSlotSave);
      codegen::emit_rqvec_epilogue(b, 1, codegen::RqvecRegs{.block = 6, .vectors = 12, .save = 13, .t0 = 14, .t1 = 15});
      codegen::emit_store_lanes(b, 7, lanes, 4, 14, out_step, 15);
    } else if (rqpix) {
      // The record (a6 steps past it, to the second record with left shifts), the vectors -2^15
      // and 1 into q2 / q3 (a12 steps to the epilogue's), the bias taps, the epilogue.
      b.emit(Opcode::kMov, {a(15), a(6)});
      b.emit(Opcode::kEeVld128Ip, {q(6), a(6), imm(codegen::kRecordBytes)});
      codegen::load_slot(b, 12, kSlotVectors);
      b.emit(Opcode::kEeVld128Ip, {q(2), a(12), imm(16)});
      b.emit(Opcode::kEeVld128Ip, {q(3), a(12), imm(16)});
      b.emit(Opcode::kEeVsmulasS16Qacc, {q(2), q(6), imm(codegen::kBiasHigh)});
      b.emit(Opcode::kEeVsmulasS16Qacc, {q(2), q(6), imm(codegen::kBiasHigh)});
      b.emit(Opcode::kEeVsmulasS16Qacc, {q(3), q(6), imm(codegen::kBiasLow)});
      codegen::load_slot(b, 13, kSlotSave);
      codegen::emit_rqpix_epilogue(b, codegen::RqpixRegs{.record_q = 6,
                                                         .minus_2_15_q = 2,
                                                         .ones_q = 3,
                                                         .vectors = 12,
                                                         .record = 15,
                                                         .save = 13,
                                                         .shift16 = -1,
                                                         .shift15 = -1,
                                                         .shift0 = -1,
                                                         .t0 = 14,
                                                         .left_record = left_shifts ? 6 : -1});
      codegen::emit_store_lanes(b, 7, lanes, 4, 14, out_step, 15);
    } else {
      for (int lane = 0; lane < lanes; ++lane) {
        codegen::emit_qacc_wide_lane(b, lane, rq.acc, rq.t0);
        codegen::emit_requant_scalar(b, rq, 0, qz);
        store_output(rq.acc, lane);
      }
      b.emit(Opcode::kAddi, {a(6), a(6), imm(codegen::kRequantEntryBytes)});
    }
    codegen::add_const(b, 4, 4, next_channel_step(lanes), 15);
  };
  // Tiles of output channels: the block loop runs every channel of a tile for one block of
  // pixels, so the tile's weights and requantization data are read once per block; a tile keeps
  // them within half the 32 KB data cache (with rqvec's 160 bytes per channel a layer's whole set
  // would thrash it). A tile is whole groups, or part of one group's channels when a group alone
  // is over the budget (a plain convolution is one group).
  constexpr std::int64_t kTileConstantBudget = 16 * 1024;
  const std::int64_t channel_bytes = rqvec   ? codegen::kQaccImageBytes + codegen::rqvec_block_bytes(1)
                                    : rqpix ? codegen::kRecordBytes * (left_shifts ? 2 : 1)
                                            : codegen::kRequantEntryBytes;
  const std::int64_t channel_constant_bytes = channel_bytes + 2 * gr.terms(g);
  const bool whole_groups = gr.out_per_group * channel_constant_bytes <= kTileConstantBudget;
  const int tile_groups = whole_groups ? static_cast<int>(std::clamp<std::int64_t>(
                                             kTileConstantBudget / (gr.out_per_group * channel_constant_bytes), 1, gr.groups))
                                       : 1;
  // At least one channel per tile: a channel whose constants alone pass the budget (a huge filter)
  // is still a tile, it only misses the cache (a tile of 0 channels divided by zero).
  const int tile_channels = whole_groups ? gr.out_per_group
                                         : static_cast<int>(std::max<std::int64_t>(
                                               1, kTileConstantBudget / channel_constant_bytes));

  // One block of 8 output pixels of a tile (`groups` groups of `channels` output channels): a9 its
  // inputs in the tile's first plane, a3 its first output in the tile's first channel; every
  // channel of the tile, then a9 and a3 advance to the next block.
  const auto block = [&](int lanes, int groups, int channels) {
    codegen::load_slot(b, 5, kSlotWeights);
    codegen::load_slot(b, 6, kSlotTable);
    b.emit(Opcode::kMov, {a(4), a(3)});
    codegen::slot_loop(b, kSlotIc, groups, 8, [&] {
      codegen::slot_loop(b, kSlotM, channels, 8, [&] { channel(lanes); });
      codegen::add_const(b, 9, 9, static_cast<std::int32_t>(gr.cin_g * p.bytes), 8);
    });
    codegen::add_const(b, 9, 9, static_cast<std::int32_t>(2 * kLanes - groups * gr.cin_g * p.bytes), 8);
    codegen::add_const(b, 3, 3, lanes * out_step, 8);
  };
  // Every output pixel of one tile (its data at the tile slots).
  const auto tile_pixels = [&](int groups, int channels) {
    codegen::load_slot(b, 3, kSlotTileOut);
    codegen::load_slot(b, 7, kSlotTilePlanes);
    codegen::slot_loop(b, kSlotOy, g.out_h, 8, [&] {
      b.emit(Opcode::kMov, {a(9), a(7)});
      if (g.out_w / kLanes > 0)
        codegen::reg_loop(b, 11, g.out_w / kLanes, [&] { block(kLanes, groups, channels); });
      if (g.out_w % kLanes > 0) block(g.out_w % kLanes, groups, channels);
      codegen::add_const(b, 7, 7, g.stride_h * p.row_bytes, 8);
    });
  };
  // Slot += step, through a8 and a9.
  const auto advance_slot = [&](int slot, std::int64_t step) {
    codegen::load_slot(b, 8, slot);
    codegen::add_const(b, 8, 8, static_cast<std::int32_t>(step), 9);
    codegen::store_slot(b, 8, slot);
  };
  // The tile slots past `n` output channels (within a group) or past `groups` whole groups.
  const auto advance_channels = [&](std::int64_t n) {
    advance_slot(kSlotWeights, n * 2 * gr.terms(g));
    advance_slot(kSlotTable, n * channel_bytes);
    advance_slot(kSlotTileOut, n * channel_step);
  };
  const auto advance_groups = [&](std::int64_t groups) {
    advance_slot(kSlotTilePlanes, groups * gr.cin_g * p.bytes);
  };
  const auto all_tiles = [&] {
    if (whole_groups) {
      codegen::slot_loop(b, kSlotTile, gr.groups / tile_groups, 8, [&] {
        tile_pixels(tile_groups, gr.out_per_group);
        advance_channels(std::int64_t{tile_groups} * gr.out_per_group);
        advance_groups(tile_groups);
      });
      if (gr.groups % tile_groups > 0) tile_pixels(gr.groups % tile_groups, gr.out_per_group);
      return;
    }
    codegen::slot_loop(b, kSlotGroup, gr.groups, 8, [&] {
      codegen::slot_loop(b, kSlotTile, gr.out_per_group / tile_channels, 8, [&] {
        tile_pixels(1, tile_channels);
        advance_channels(tile_channels);
      });
      if (const int rest = gr.out_per_group % tile_channels; rest > 0) {
        tile_pixels(1, rest);
        advance_channels(rest);
      }
      advance_groups(1);
    });
  };

  codegen::slot_loop(b, kSlotBatch, g.batches, 8, [&] {
    emit_stage(b, g, p, qz.input_offset, planar);
    codegen::store_slot(b, 3, kSlotOutBatch);
    codegen::store_slot(b, 3, kSlotTileOut);
    codegen::load_slot(b, 8, kSlotPlanes);
    codegen::store_slot(b, 8, kSlotTilePlanes);
    codegen::load_slot(b, 8, kSlotWeightsBase);
    codegen::store_slot(b, 8, kSlotWeights);
    codegen::load_slot(b, 8, kSlotTableBase);
    codegen::store_slot(b, 8, kSlotTable);
    all_tiles();
    codegen::add_const(b, 2, 2, g.in_h * g.in_w * g.in_c, 8);
    codegen::load_slot(b, 3, kSlotOutBatch);
    codegen::add_const(b, 3, 3, g.out_c * out_plane, 8);
  });
  codegen::emit_epilogue(b);
  k.program = single_function_program(std::move(b).finish());
  return k;
}

}  // namespace pietune::kernels::families
