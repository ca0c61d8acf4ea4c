// conv_pw: legality and code generation (see the header).
#include "kernels/families/conv_pw.h"

#include <fmt/format.h>

#include "kernels/codegen/emit.h"
#include "kernels/codegen/requant_scalar.h"
#include "kernels/codegen/stage_input.h"
#include "model/support/error.h"

namespace pietune::kernels::families {
namespace {

using model::a;
using model::imm;
using model::Opcode;
using model::q;

constexpr int kMaxChunks = 6;
constexpr int kSlotWeights = 0, kSlotTable = 1, kSlotScratch = 2, kSlotRow = 3, kSlotBatch = 4, kSlotOy = 5,
              kSlotOx = 6, kSlotZp = 7;

}  // namespace

std::optional<Rejection> conv_pw_legal(const Layer& layer, const Variant& variant) {
  PIETUNE_CHECK(layer.op == OpKind::kConv2d) << to_string(layer.op);
  if (auto r = check_types(layer)) return r;
  if (layer.options.groups != 1)
    return Rejection{"groups", fmt::format("grouped convolution ({} groups): the matrix product runs over all input "
                                           "channels",
                                           layer.options.groups)};
  const ConvGeometry g = conv_geometry(layer);
  if (g.kernel_h != 1 || g.kernel_w != 1)
    return Rejection{"kernel", fmt::format("kernel {}x{}: the family is for pointwise (1x1) layers", g.kernel_h,
                                           g.kernel_w)};
  const std::int64_t chunks = round_up(g.in_c, 16) / 16;
  if (chunks > kMaxChunks)
    return Rejection{"weight_registers",
                     fmt::format("input channels {} need {} chunks of 16 bytes: one output channel's weights must fit "
                                 "the {} q registers q2..q7 (at most {} channels)",
                                 g.in_c, chunks, kMaxChunks, kMaxChunks * 16)};
  if (auto r = check_shift_range(reference::channel_quantization(layer, reference::RoundingMode::kDouble))) return r;
  const bool direct = variant.word("inputpath") == "direct";
  if (direct && g.in_c % 16 != 0)
    return Rejection{"direct_channels",
                     fmt::format("input channels {} not a multiple of 16: direct loads need whole 16-byte pixels (the "
                                 "aligned path pads them in a scratch copy, +{} bytes per pixel)",
                                 g.in_c, round_up(g.in_c, 16) - g.in_c)};
  if (!direct) return check_scratch(std::int64_t{g.in_h} * g.in_w * round_up(g.in_c, 16), "the padded input copy");
  return std::nullopt;
}

GeneratedKernel conv_pw_generate(const Layer& layer, const Variant& variant) {
  PIETUNE_CHECK(!conv_pw_legal(layer, variant)) << variant.name();
  const ConvGeometry g = conv_geometry(layer);
  const bool direct = variant.word("inputpath") == "direct";
  const int tile = static_cast<int>(variant.number("pixels"));
  const reference::ChannelQuantization qz = reference::channel_quantization(layer, reference::RoundingMode::kDouble);
  const std::vector<std::int8_t> w = weights_int8(layer);
  const std::vector<std::int32_t> bias = bias_int32(layer, g.out_c);
  const std::int32_t zp = -qz.input_offset;
  const int chunks = static_cast<int>(round_up(g.in_c, 16) / 16);
  const int pixel_stride = direct ? g.in_c : chunks * 16;
  const int row_bytes = g.in_w * pixel_stride;
  const codegen::StageGeometry stage{.height = g.in_h, .width = g.in_w, .channels = g.in_c, .top = 0, .left = 0,
                                     .padded_height = g.in_h, .padded_width = g.in_w, .pixel_stride = pixel_stride,
                                     .tail_bytes = 0};

  GeneratedKernel k;
  k.symbol = variant.symbol();
  ConstantBuffer weights{"weights", {}};
  std::vector<std::int32_t> corrections(static_cast<std::size_t>(g.out_c));
  for (int oc = 0; oc < g.out_c; ++oc) {
    std::uint32_t sum = 0;
    for (int ic = 0; ic < chunks * 16; ++ic) {
      const std::int8_t v = ic < g.in_c ? w[static_cast<std::size_t>(oc) * g.in_c + ic] : 0;
      weights.bytes.push_back(static_cast<std::uint8_t>(v));
      sum += static_cast<std::uint32_t>(static_cast<std::int32_t>(v));
    }
    corrections[oc] = fold_input_offset(bias[oc], sum, zp);
  }
  k.constants.push_back(std::move(weights));
  k.constants.push_back({"requant_table", codegen::requant_table(corrections, qz)});
  k.scratch_bytes = direct ? 0 : static_cast<std::uint32_t>(stage.bytes());
  k.input_overread_bytes = direct ? 0u : codegen::stage_overread_bytes(stage);
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
  const std::int32_t pixel_step = g.stride_w * pixel_stride;

  // One tile of `n` output pixels starting at the source pixel a7 and the output a3.
  auto tile_body = [&](int n) {
    codegen::load_slot(b, 5, kSlotWeights);
    codegen::load_slot(b, 6, kSlotTable);
    codegen::reg_loop(b, 11, g.out_c, [&] {
      for (int j = 0; j < chunks; ++j) b.emit(Opcode::kEeVld128Ip, {q(2 + j), a(5), imm(16)});
      for (int p = 0; p < n; ++p) {
        b.emit(Opcode::kEeZeroAccx, {});
        codegen::add_const(b, 9, 7, p * pixel_step, 4);
        for (int j = 0; j < chunks; ++j) {
          b.emit(Opcode::kEeVld128Ip, {q(j % 2), a(9), imm(16)});
          b.emit(Opcode::kEeVmulasS8Accx, {q(j % 2), q(2 + j)});
        }
        b.emit(Opcode::kRurAccx0, {a(rq.acc)});
        codegen::emit_requant_scalar(b, rq, 0, qz);
        const int offset = p * g.out_c;
        if (offset <= 255) {
          b.emit(Opcode::kS8i, {a(rq.acc), a(3), imm(offset)});
        } else {
          codegen::add_const(b, 4, 3, offset, 4);
          b.emit(Opcode::kS8i, {a(rq.acc), a(4), imm(0)});
        }
      }
      b.emit(Opcode::kAddi, {a(3), a(3), imm(1)});
      b.emit(Opcode::kAddi, {a(6), a(6), imm(codegen::kRequantEntryBytes)});
    });
    codegen::add_const(b, 3, 3, (n - 1) * g.out_c, 4);
    codegen::add_const(b, 7, 7, n * pixel_step, 4);
  };

  const int full_tiles = g.out_w / tile;
  const int rest = g.out_w % tile;
  codegen::slot_loop(b, kSlotBatch, g.batches, 8, [&] {
    if (!direct) {
      codegen::load_slot(b, 9, kSlotScratch);
      codegen::emit_stage_input(b, stage, zp, {.src = 2, .dst = 9, .zp_slot = kSlotZp});
      codegen::load_slot(b, 7, kSlotScratch);
    } else {
      b.emit(Opcode::kMov, {a(7), a(2)});
      codegen::add_const(b, 2, 2, g.in_h * g.in_w * g.in_c, 8);
    }
    codegen::store_slot(b, 7, kSlotRow);
    codegen::slot_loop(b, kSlotOy, g.out_h, 8, [&] {
      codegen::load_slot(b, 7, kSlotRow);
      if (full_tiles > 0) codegen::slot_loop(b, kSlotOx, full_tiles, 8, [&] { tile_body(tile); });
      if (rest > 0) tile_body(rest);
      codegen::load_slot(b, 7, kSlotRow);
      codegen::add_const(b, 7, 7, g.stride_h * row_bytes, 8);
      codegen::store_slot(b, 7, kSlotRow);
    });
  });
  codegen::emit_epilogue(b);
  k.program = single_function_program(std::move(b).finish());
  return k;
}

}  // namespace pietune::kernels::families
