// conv_espnn: the esp-nn-structured baseline (see the header).
#include "kernels/families/conv_espnn.h"

#include <fmt/format.h>

#include "kernels/codegen/accx_dot.h"
#include "kernels/codegen/emit.h"
#include "kernels/codegen/requant_scalar.h"
#include "kernels/codegen/stage_input.h"
#include "model/support/error.h"

namespace pietune::kernels::families {
namespace {

using model::a;
using model::imm;
using model::Opcode;

struct Layout {
  bool staged = false;
  int padded_w = 0, padded_h = 0;
  int row_bytes = 0;   // bytes of one image row (padded when staged)
  int chunks = 0;      // 16-byte chunks of one filter row
  codegen::StageGeometry stage;
};

Layout layout_of(const ConvGeometry& g) {
  Layout l;
  l.staged = g.needs_border();
  l.padded_w = l.staged ? g.left + g.in_w + g.right : g.in_w;
  l.padded_h = l.staged ? g.top + g.in_h + g.bottom : g.in_h;
  l.row_bytes = l.padded_w * g.in_c;
  l.chunks = static_cast<int>(round_up(std::int64_t{g.kernel_w} * g.in_c, 16) / 16);
  l.stage = {.height = g.in_h, .width = g.in_w, .channels = g.in_c, .top = g.top, .left = g.left,
             .padded_height = l.padded_h, .padded_width = l.padded_w, .pixel_stride = g.in_c,
             .tail_bytes = 16 * (l.chunks + 2)};
  return l;
}

constexpr int kSlotWeights = 0, kSlotTable = 1, kSlotScratch = 2, kSlotRow = 3, kSlotBatch = 4, kSlotOy = 5,
              kSlotOx = 6, kSlotZp = 7;

}  // namespace

std::optional<Rejection> conv_espnn_legal(const Layer& layer, const Variant&) {
  PIETUNE_CHECK(layer.op == OpKind::kConv2d) << to_string(layer.op);
  if (auto r = check_types(layer)) return r;
  if (layer.options.groups != 1)
    return Rejection{"groups", fmt::format("grouped convolution ({} groups): esp-nn runs grouped layers in plain C",
                                           layer.options.groups)};
  if (layer.options.dilation_h != 1 || layer.options.dilation_w != 1)
    return Rejection{"dilation", fmt::format("dilation {}x{}: the esp-nn structure reads a filter row as contiguous "
                                             "bytes and has no dilation",
                                             layer.options.dilation_h, layer.options.dilation_w)};
  if (auto r = check_shift_range(reference::channel_quantization(layer, reference::RoundingMode::kDouble))) return r;
  const ConvGeometry g = conv_geometry(layer);
  const Layout l = layout_of(g);
  const std::int64_t row_macs = std::int64_t{l.chunks} * 16;
  if (row_macs * 128 * 128 >= (std::int64_t{1} << 31))
    return Rejection{"accx_range", fmt::format("{} MACs per filter row can exceed the int32 EE.SRS.ACCX result",
                                               row_macs)};
  if (l.staged) return check_scratch(l.stage.bytes(), "the bordered input copy");
  return std::nullopt;
}

GeneratedKernel conv_espnn_generate(const Layer& layer, const Variant& variant) {
  PIETUNE_CHECK(!conv_espnn_legal(layer, variant)) << variant.name();
  const ConvGeometry g = conv_geometry(layer);
  const Layout l = layout_of(g);
  const reference::ChannelQuantization q = reference::channel_quantization(layer, reference::RoundingMode::kDouble);
  const std::vector<std::int8_t> w = weights_int8(layer);
  const std::vector<std::int32_t> bias = bias_int32(layer, g.out_c);
  const std::int32_t zp = -q.input_offset;
  const int row_len = g.kernel_w * g.in_c;

  GeneratedKernel k;
  k.symbol = variant.symbol();
  ConstantBuffer weights{"weights", {}};
  std::vector<std::int32_t> corrections(static_cast<std::size_t>(g.out_c));
  for (int oc = 0; oc < g.out_c; ++oc) {
    std::uint32_t sum = 0;
    for (int ky = 0; ky < g.kernel_h; ++ky)
      for (int j = 0; j < l.chunks * 16; ++j) {
        const std::int8_t v =
            j < row_len ? w[(static_cast<std::size_t>(oc) * g.kernel_h + ky) * static_cast<std::size_t>(row_len) + j] : 0;
        weights.bytes.push_back(static_cast<std::uint8_t>(v));
        sum += static_cast<std::uint32_t>(static_cast<std::int32_t>(v));
      }
    corrections[oc] = fold_input_offset(bias[oc], sum, zp);
  }
  k.constants.push_back(std::move(weights));
  k.constants.push_back({"requant_table", codegen::requant_table(corrections, q)});
  k.scratch_bytes = l.staged ? static_cast<std::uint32_t>(l.stage.bytes()) : 0;
  k.input_overread_bytes = l.staged ? codegen::stage_overread_bytes(l.stage) : 32u;

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

  codegen::slot_loop(b, kSlotBatch, g.batches, 8, [&] {
    if (l.staged) {
      codegen::load_slot(b, 9, kSlotScratch);
      codegen::emit_stage_input(b, l.stage, zp, {.src = 2, .dst = 9, .zp_slot = kSlotZp});
      codegen::load_slot(b, 7, kSlotScratch);
    } else {
      b.emit(Opcode::kMov, {a(7), a(2)});
      codegen::add_const(b, 2, 2, g.in_h * g.in_w * g.in_c, 8);
    }
    const codegen::OutputPixelLoops pixels{.row_slot = kSlotRow, .oy_slot = kSlotOy, .ox_slot = kSlotOx,
                                            .out_h = g.out_h, .out_w = g.out_w,
                                            .col_step = g.stride_w * g.in_c, .row_step = g.stride_h * l.row_bytes};
    codegen::emit_output_pixel_loops(b, pixels, [&] {
      codegen::load_slot(b, 5, kSlotWeights);
      codegen::load_slot(b, 6, kSlotTable);
      codegen::reg_loop(b, 11, g.out_c, [&] {
        b.emit(Opcode::kMovi, {a(rq.acc), imm(0)});
        for (int ky = 0; ky < g.kernel_h; ++ky) {
          b.emit(Opcode::kEeZeroAccx, {});
          codegen::add_const(b, dot.src, 7, ky * l.row_bytes, 8);
          codegen::emit_accx_dot(b, dot, l.chunks, true, std::min(2, l.chunks));
          b.emit(Opcode::kMovi, {a(rq.t1), imm(0)});
          b.emit(Opcode::kEeSrsAccx, {a(rq.t0), a(rq.t1), imm(0)});
          b.emit(Opcode::kAdd, {a(rq.acc), a(rq.acc), a(rq.t0)});
        }
        codegen::emit_requant_scalar(b, rq, 0, q);
        b.emit(Opcode::kS8i, {a(rq.acc), a(3), imm(0)});
        b.emit(Opcode::kAddi, {a(3), a(3), imm(1)});
        b.emit(Opcode::kAddi, {a(6), a(6), imm(codegen::kRequantEntryBytes)});
      });
    });
  });
  codegen::emit_epilogue(b);
  k.program = single_function_program(std::move(b).finish());
  return k;
}

}  // namespace pietune::kernels::families
