// fc_qacc: legality and code generation (see the header).
#include "kernels/families/fc_qacc.h"

#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>

#include "kernels/codegen/emit.h"
#include "kernels/codegen/qacc_image.h"
#include "kernels/codegen/qacc_lanes.h"
#include "kernels/codegen/requant_scalar.h"
#include "kernels/codegen/requant_vector.h"
#include "model/support/error.h"

namespace pietune::kernels::families {
namespace {

using model::a;
using model::imm;
using model::Opcode;
using model::q;

constexpr int kSlotWeights = 0, kSlotTable = 1, kSlotScratch = 2, kSlotBatch = 3, kSlotVectors = 4, kSlotSave = 5;

bool wide(const Variant& variant) { return variant.word("inputpath") == "bcast16"; }
bool vector_epilogue(const Variant& variant) { return variant.word("epilogue") == "rqvec"; }

// Weights [groups][depth][lanes], zero for the lanes past the last unit, as int8 or int16.
std::vector<std::uint8_t> grouped_weights(const std::vector<std::int8_t>& w, const FcShape& s, int lanes,
                                          bool as_int16) {
  std::vector<std::uint8_t> out;
  const int groups = (s.units + lanes - 1) / lanes;
  for (int g = 0; g < groups; ++g)
    for (int d = 0; d < s.depth; ++d)
      for (int lane = 0; lane < lanes; ++lane) {
        const int u = g * lanes + lane;
        const std::int8_t v = u < s.units ? w[static_cast<std::size_t>(u) * s.depth + d] : 0;
        out.push_back(static_cast<std::uint8_t>(v));
        if (as_int16) out.push_back(v < 0 ? 0xFF : 0x00);
      }
  return out;
}

}  // namespace

std::optional<Rejection> fc_qacc_legal(const Layer& layer, const Variant& variant) {
  PIETUNE_CHECK(layer.op == OpKind::kFullyConnected) << to_string(layer.op);
  if (auto r = check_fc_common(layer)) return r;
  const FcShape s = fc_shape(layer);
  const int lanes = static_cast<int>(variant.number("units"));
  const int want = wide(variant) ? 8 : 16;
  if (lanes != want)
    return Rejection{"units_lanes", fmt::format("{} units per group: {} holds {} lanes", lanes, variant.word("inputpath"), want)};
  const int unroll = static_cast<int>(variant.number("unroll"));
  if (unroll > s.depth)
    return Rejection{"unroll", fmt::format("unroll {} exceeds the depth {}", unroll, s.depth)};
  if (vector_epilogue(variant) && !wide(variant))
    return Rejection{"rqvec_lanes", "rqvec reads 40-bit lanes: it needs bcast16"};
  if (wide(variant)) {
    // |x + offset| <= 255 and |w| <= 128 per product.
    const std::int64_t bound = std::int64_t{s.depth} * 255 * 128;
    if (bound > (std::int64_t{1} << 31) - 1)
      return Rejection{"acc_range", fmt::format("depth {} can reach {} per unit, beyond int32", s.depth, bound)};
    if (!vector_epilogue(variant)) return std::nullopt;
    // Without constant data |bias| < 2^24 is assumed.
    std::int64_t max_bias = layer.bias && !layer.bias->data ? std::int64_t{1} << 24 : 0;
    if (layer.bias && layer.bias->data)
      for (std::int32_t v : bias_int32(layer, s.units)) max_bias = std::max(max_bias, std::abs(std::int64_t{v}));
    return codegen::rqvec_problem(reference::channel_quantization(layer, reference::RoundingMode::kDouble),
                                  bound + max_bias);
  }
  const bool have_data = layer.weights->data != nullptr;
  const std::vector<std::int8_t> w = have_data ? weights_int8(layer) : std::vector<std::int8_t>{};
  return check_qacc_lane_range(
      s.units, s.depth, "products",
      [&](int u, std::int64_t d) { return int{w[static_cast<std::size_t>(u * std::int64_t{s.depth} + d)]}; }, have_data);
}

GeneratedKernel fc_qacc_generate(const Layer& layer, const Variant& variant) {
  PIETUNE_CHECK(!fc_qacc_legal(layer, variant)) << variant.name();
  const FcShape s = fc_shape(layer);
  const bool is_wide = wide(variant);
  const bool rqvec = vector_epilogue(variant);
  const int lanes = static_cast<int>(variant.number("units"));
  const int unroll = static_cast<int>(variant.number("unroll"));
  const reference::ChannelQuantization qz = reference::channel_quantization(layer, reference::RoundingMode::kDouble);
  const std::vector<std::int8_t> w = weights_int8(layer);
  const std::vector<std::int32_t> bias = bias_int32(layer, s.units);
  const std::int32_t zp = -qz.input_offset;

  GeneratedKernel k;
  k.symbol = variant.symbol();
  k.layout = layer.options.layout;  // NCHW: the input row in (c, h, w) order, weights_int8's columns too
  // bcast16 adds the offset while widening, so the bias stays as it is; bcast8 multiplies raw
  // bytes and folds Σw * (-zp) into it.
  std::vector<std::int32_t> corrections(bias.begin(), bias.end());
  if (!is_wide)
    for (int u = 0; u < s.units; ++u) {
      std::uint32_t sum = 0;
      for (int d = 0; d < s.depth; ++d)
        sum += static_cast<std::uint32_t>(std::int32_t{w[static_cast<std::size_t>(u) * s.depth + d]});
      corrections[u] = fold_input_offset(bias[u], sum, zp);
    }
  k.constants.push_back({"weights", grouped_weights(w, s, lanes, is_wide)});
  if (rqvec) {
    k.constants.push_back({"rqvec_groups", codegen::rqvec_bias_blocks(corrections, qz)});
    k.constants.push_back({"rqvec_vectors", codegen::rqvec_vectors(qz)});
  } else {
    k.constants.push_back({"requant_table", codegen::requant_table(corrections, qz)});
  }
  const std::int64_t row_bytes = is_wide ? round_up(2 * std::int64_t{s.depth}, 16) : 0;
  k.scratch_bytes = static_cast<std::uint32_t>(row_bytes + (rqvec ? codegen::kQaccImageBytes : 0));

  model::FunctionBuilder b(k.symbol);
  codegen::emit_prologue(b);
  b.emit(Opcode::kL32i, {a(5), a(4), imm(0)});
  codegen::store_slot(b, 5, kSlotWeights);
  b.emit(Opcode::kL32i, {a(6), a(4), imm(4)});
  codegen::store_slot(b, 6, kSlotTable);
  if (rqvec) {
    b.emit(Opcode::kL32i, {a(7), a(4), imm(8)});
    codegen::store_slot(b, 7, kSlotVectors);
  }
  b.emit(Opcode::kL32i, {a(7), a(4), imm(rqvec ? 12 : 8)});
  codegen::store_slot(b, 7, kSlotScratch);
  if (rqvec) {
    codegen::add_const(b, 7, 7, static_cast<std::int32_t>(row_bytes), 8);
    codegen::store_slot(b, 7, kSlotSave);
  }
  const codegen::RequantRegs rq{.acc = 12, .t0 = 13, .t1 = 14, .t2 = 15, .table = 6};

  const Opcode broadcast = is_wide ? Opcode::kEeVldbc16Ip : Opcode::kEeVldbc8Ip;
  const Opcode mac = is_wide ? Opcode::kEeVmulasS16Qacc : Opcode::kEeVmulasS8Qacc;
  const int step = is_wide ? 2 : 1;
  const auto element = [&] {
    b.emit(broadcast, {q(0), a(9), imm(step)});
    b.emit(Opcode::kEeVld128Ip, {q(1), a(5), imm(16)});
    b.emit(mac, {q(1), q(0)});
  };
  // a6 walks the requant table (rqscalar) or the group blocks (rqvec).
  const auto group_body = [&](int used) {
    if (rqvec)
      codegen::emit_load_qacc_image(b, 6);
    else
      b.emit(Opcode::kEeZeroQacc, {});
    b.emit(Opcode::kMov, {a(9), a(7)});
    codegen::inner_loop(b, 10, s.depth / unroll, [&] {
      for (int u = 0; u < unroll; ++u) element();
    });
    for (int r = 0; r < s.depth % unroll; ++r) element();
    if (rqvec) {
      codegen::emit_rqvec_group_end(b, qz, used, kSlotVectors, kSlotSave);
      return;
    }
    for (int lane = 0; lane < used; ++lane) {
      if (is_wide)
        codegen::emit_qacc_wide_lane(b, lane, rq.acc, rq.t0);
      else
        codegen::emit_qacc_lane(b, lane, rq.acc, rq.t0);
      codegen::emit_requant_scalar(b, rq, lane * codegen::kRequantEntryBytes, qz);
      b.emit(Opcode::kS8i, {a(rq.acc), a(3), imm(lane)});
    }
    b.emit(Opcode::kAddi, {a(3), a(3), imm(used)});
    codegen::add_const(b, 6, 6, used * codegen::kRequantEntryBytes, 13);
  };

  codegen::slot_loop(b, kSlotBatch, s.batches, 8, [&] {
    if (is_wide) {
      // scratch[d] = int16(x[d] + input_offset)
      codegen::load_slot(b, 9, kSlotScratch);
      codegen::load_const(b, 14, qz.input_offset);
      codegen::inner_loop(b, 10, s.depth, [&] {
        b.emit(Opcode::kL8ui, {a(13), a(2), imm(0)});
        b.emit(Opcode::kAddi, {a(2), a(2), imm(1)});
        b.emit(Opcode::kSext, {a(13), a(13), imm(7)});
        b.emit(Opcode::kAdd, {a(13), a(13), a(14)});
        b.emit(Opcode::kS16i, {a(13), a(9), imm(0)});
        b.emit(Opcode::kAddi, {a(9), a(9), imm(2)});
      });
      codegen::load_slot(b, 7, kSlotScratch);
    } else {
      b.emit(Opcode::kMov, {a(7), a(2)});
      codegen::add_const(b, 2, 2, s.depth, 8);
    }
    codegen::load_slot(b, 5, kSlotWeights);
    codegen::load_slot(b, 6, kSlotTable);
    if (s.units / lanes > 0) codegen::reg_loop(b, 11, s.units / lanes, [&] { group_body(lanes); });
    if (s.units % lanes > 0) group_body(s.units % lanes);
  });
  codegen::emit_epilogue(b);
  k.program = single_function_program(std::move(b).finish());
  return k;
}

}  // namespace pietune::kernels::families
