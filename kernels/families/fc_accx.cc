// fc_accx: legality and code generation (see the header).
#include "kernels/families/fc_accx.h"

#include <fmt/format.h>

#include "kernels/codegen/accx_dot.h"
#include "kernels/codegen/emit.h"
#include "kernels/codegen/requant_scalar.h"
#include "model/support/error.h"

namespace pietune::kernels::families {
namespace {

using model::a;
using model::imm;
using model::Opcode;

int chunks(const FcShape& s) { return static_cast<int>(round_up(s.depth, 16) / 16); }

constexpr int kSlotWeights = 0, kSlotTable = 1, kSlotScratch = 2, kSlotBatch = 3;

}  // namespace

std::optional<Rejection> fc_accx_legal(const Layer& layer, const Variant& variant) {
  PIETUNE_CHECK(layer.op == OpKind::kFullyConnected) << to_string(layer.op);
  if (auto r = check_fc_common(layer)) return r;
  const FcShape s = fc_shape(layer);
  if (variant.word("inputpath") == "direct" && s.depth % 16 != 0)
    return Rejection{"direct_depth",
                     fmt::format("depth {} not a multiple of 16: direct loads need whole 16-byte rows (the aligned "
                                 "path copies each row into a padded scratch row, +{} bytes)",
                                 s.depth, round_up(s.depth, 16) - s.depth)};
  const int unroll = static_cast<int>(variant.number("unroll"));
  if (unroll > chunks(s))
    return Rejection{"unroll", fmt::format("unroll {} exceeds the {} chunk(s) of 16 bytes per row", unroll, chunks(s))};
  const std::int64_t macs = std::int64_t{chunks(s)} * 16;
  if (macs * 128 * 128 >= (std::int64_t{1} << 39))
    return Rejection{"accx_range", fmt::format("{} MACs per output can reach {} in ACCX, beyond its 40-bit range",
                                               macs, macs * 128 * 128)};
  return std::nullopt;
}

GeneratedKernel fc_accx_generate(const Layer& layer, const Variant& variant) {
  PIETUNE_CHECK(!fc_accx_legal(layer, variant)) << variant.name();
  const FcShape s = fc_shape(layer);
  const bool direct = variant.word("inputpath") == "direct";
  const int unroll = static_cast<int>(variant.number("unroll"));
  const reference::ChannelQuantization q = reference::channel_quantization(layer, reference::RoundingMode::kDouble);
  const std::vector<std::int8_t> w = weights_int8(layer);
  const std::vector<std::int32_t> bias = bias_int32(layer, s.units);
  const std::int32_t zp = -q.input_offset;
  const int padded = chunks(s) * 16;

  GeneratedKernel k;
  k.symbol = variant.symbol();
  k.layout = layer.options.layout;  // NCHW: the input row in (c, h, w) order, weights_int8's columns too
  ConstantBuffer weights{"weights", {}};
  std::vector<std::int32_t> corrections(static_cast<std::size_t>(s.units));
  for (int u = 0; u < s.units; ++u) {
    std::uint32_t sum = 0;
    for (int d = 0; d < padded; ++d) {
      const std::int8_t v = d < s.depth ? w[static_cast<std::size_t>(u) * s.depth + d] : 0;
      weights.bytes.push_back(static_cast<std::uint8_t>(v));
      sum += static_cast<std::uint32_t>(static_cast<std::int32_t>(v));
    }
    corrections[u] = fold_input_offset(bias[u], sum, zp);
  }
  k.constants.push_back(std::move(weights));
  k.constants.push_back({"requant_table", codegen::requant_table(corrections, q)});
  k.scratch_bytes = direct ? 0 : static_cast<std::uint32_t>(padded);
  k.input_align_bytes = direct ? 16 : 1;

  model::FunctionBuilder b(k.symbol);
  codegen::emit_prologue(b);
  b.emit(Opcode::kL32i, {a(5), a(4), imm(0)});
  codegen::store_slot(b, 5, kSlotWeights);
  b.emit(Opcode::kL32i, {a(6), a(4), imm(4)});
  codegen::store_slot(b, 6, kSlotTable);
  b.emit(Opcode::kL32i, {a(7), a(4), imm(8)});
  codegen::store_slot(b, 7, kSlotScratch);
  const codegen::RequantRegs rq{.acc = 12, .t0 = 13, .t1 = 14, .t2 = 15, .table = 6};
  const codegen::DotRegs dot{.src = 9, .weights = 5, .count = 10};

  codegen::slot_loop(b, kSlotBatch, s.batches, 8, [&] {
    if (direct) {
      b.emit(Opcode::kMov, {a(7), a(2)});
      codegen::add_const(b, 2, 2, s.depth, 8);
    } else {
      codegen::load_slot(b, 7, kSlotScratch);
      b.emit(Opcode::kMov, {a(9), a(7)});
      codegen::inner_loop(b, 10, s.depth, [&] {
        b.emit(Opcode::kL8ui, {a(13), a(2), imm(0)});
        b.emit(Opcode::kAddi, {a(2), a(2), imm(1)});
        b.emit(Opcode::kS8i, {a(13), a(9), imm(0)});
        b.emit(Opcode::kAddi, {a(9), a(9), imm(1)});
      });
    }
    codegen::load_slot(b, 5, kSlotWeights);
    codegen::load_slot(b, 6, kSlotTable);
    codegen::reg_loop(b, 11, s.units, [&] {
      b.emit(Opcode::kEeZeroAccx, {});
      b.emit(Opcode::kMov, {a(dot.src), a(7)});
      codegen::emit_accx_dot(b, dot, chunks(s), false, unroll);
      b.emit(Opcode::kRurAccx0, {a(rq.acc)});
      codegen::emit_requant_scalar(b, rq, 0, q);
      b.emit(Opcode::kS8i, {a(rq.acc), a(3), imm(0)});
      b.emit(Opcode::kAddi, {a(3), a(3), imm(1)});
      b.emit(Opcode::kAddi, {a(6), a(6), imm(codegen::kRequantEntryBytes)});
    });
  });
  codegen::emit_epilogue(b);
  k.program = single_function_program(std::move(b).finish());
  return k;
}

}  // namespace pietune::kernels::families
