// conv_accx: legality and code generation (see the header for the design).
#include "kernels/families/conv_accx.h"

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

enum class Path { kAligned, kUnaligned, kDirect };

Path path_of(const Variant& v) {
  const std::string_view p = v.word("inputpath");
  if (p == "aligned") return Path::kAligned;
  if (p == "unaligned") return Path::kUnaligned;
  PIETUNE_CHECK(p == "direct") << p;
  return Path::kDirect;
}

// Where the dot products read: the pixel stride, the padded image and the segments of a window.
struct Layout {
  int pixel_stride = 0;
  int padded_w = 0, padded_h = 0;
  int row_bytes = 0;        // padded_w * pixel_stride
  int taps_per_segment = 0;  // kernel_w with dilation 1 (a window row is contiguous), else 1
  int segments = 0;          // kernel_h * kernel_w / taps_per_segment
  int chunks = 0;            // 16-byte chunks per segment
  codegen::StageGeometry stage;
  bool staged = true;
};

Layout layout_of(const ConvGeometry& g, Path path) {
  Layout l;
  l.staged = path != Path::kDirect;
  l.pixel_stride = path == Path::kAligned ? static_cast<int>(round_up(g.in_c, 16)) : g.in_c;
  l.padded_w = l.staged ? g.left + g.in_w + g.right : g.in_w;
  l.padded_h = l.staged ? g.top + g.in_h + g.bottom : g.in_h;
  l.row_bytes = l.padded_w * l.pixel_stride;
  l.taps_per_segment = g.dilation_w == 1 ? g.kernel_w : 1;
  l.segments = g.kernel_h * (g.kernel_w / l.taps_per_segment);
  const std::int64_t segment_bytes = std::int64_t{l.taps_per_segment - 1} * l.pixel_stride + g.in_c;
  l.chunks = static_cast<int>(round_up(segment_bytes, 16) / 16);
  l.stage = {.height = g.in_h, .width = g.in_w, .channels = g.in_c, .top = g.top, .left = g.left,
             .padded_height = l.padded_h, .padded_width = l.padded_w, .pixel_stride = l.pixel_stride,
             .tail_bytes = path == Path::kUnaligned ? 16 * (l.chunks + 2) : 0};
  return l;
}

// Frame slots.
constexpr int kSlotWeights = 0, kSlotTable = 1, kSlotScratch = 2, kSlotRow = 3, kSlotBatch = 4, kSlotOy = 5,
              kSlotOx = 6, kSlotZp = 7;

}  // namespace

std::optional<Rejection> conv_accx_legal(const Layer& layer, const Variant& variant) {
  PIETUNE_CHECK(layer.op == OpKind::kConv2d) << to_string(layer.op);
  if (auto r = check_types(layer)) return r;
  if (layer.options.groups != 1)
    return Rejection{"groups", fmt::format("grouped convolution ({} groups of {} input channels): the dot product "
                                           "runs over all input channels",
                                           layer.options.groups, layer.input().shape.back() / layer.options.groups)};
  if (auto r = check_shift_range(reference::channel_quantization(layer, reference::RoundingMode::kDouble))) return r;
  const ConvGeometry g = conv_geometry(layer);
  const Path path = path_of(variant);
  if (path == Path::kDirect) {
    if (g.in_c % 16 != 0)
      return Rejection{"direct_channels",
                       fmt::format("input channels {} not a multiple of 16: direct loads need whole 16-byte pixels "
                                   "(the aligned path pads them in a scratch copy, +{} bytes per pixel)",
                                   g.in_c, round_up(g.in_c, 16) - g.in_c)};
    if (g.needs_border())
      return Rejection{"direct_padding",
                       fmt::format("taps reach {} top, {} bottom, {} left, {} right outside the image: direct loads "
                                   "cannot skip them (the staged paths border the input with the zero point)",
                                   g.top, g.bottom, g.left, g.right)};
  }
  const Layout l = layout_of(g, path);
  const int unroll = static_cast<int>(variant.number("unroll"));
  if (unroll > l.chunks)
    return Rejection{"unroll", fmt::format("unroll {} exceeds the {} chunk(s) of 16 bytes per dot-product segment",
                                           unroll, l.chunks)};
  const std::int64_t macs = std::int64_t{l.segments} * l.chunks * 16;
  if (macs * 128 * 128 >= (std::int64_t{1} << 39))
    return Rejection{"accx_range", fmt::format("{} MACs per output can reach {} in ACCX, beyond its 40-bit range",
                                               macs, macs * 128 * 128)};
  if (l.staged) return check_scratch(l.stage.bytes(), "the staged input");
  return std::nullopt;
}

GeneratedKernel conv_accx_generate(const Layer& layer, const Variant& variant) {
  PIETUNE_CHECK(!conv_accx_legal(layer, variant)) << variant.name() << ": " << conv_accx_legal(layer, variant)->reason;
  const ConvGeometry g = conv_geometry(layer);
  const Path path = path_of(variant);
  const Layout l = layout_of(g, path);
  const int unroll = static_cast<int>(variant.number("unroll"));
  const reference::ChannelQuantization q = reference::channel_quantization(layer, reference::RoundingMode::kDouble);
  const std::vector<std::int8_t> w = weights_int8(layer);
  const std::vector<std::int32_t> bias = bias_int32(layer, g.out_c);
  const std::int32_t zp = -q.input_offset;

  // Weights [oc][segment][chunks * 16]: byte j of a segment is tap j / pixel_stride, channel
  // j % pixel_stride of the segment's first tap, or 0 in the channel padding and the tail.
  GeneratedKernel k;
  k.symbol = variant.symbol();
  ConstantBuffer weights{"weights", {}};
  weights.bytes.reserve(static_cast<std::size_t>(g.out_c) * l.segments * l.chunks * 16);
  std::vector<std::int32_t> corrections(static_cast<std::size_t>(g.out_c));
  const auto w_at = [&](int oc, int ky, int kx, int ic) {
    return w[((static_cast<std::size_t>(oc) * g.kernel_h + ky) * g.kernel_w + kx) * g.in_c + ic];
  };
  for (int oc = 0; oc < g.out_c; ++oc) {
    std::uint32_t sum = 0;
    for (int ky = 0; ky < g.kernel_h; ++ky) {
      for (int kx0 = 0; kx0 < g.kernel_w; kx0 += l.taps_per_segment) {
        for (int j = 0; j < l.chunks * 16; ++j) {
          const int tap = j / l.pixel_stride, ic = j % l.pixel_stride;
          std::int8_t value = 0;
          if (tap < l.taps_per_segment && ic < g.in_c) value = w_at(oc, ky, kx0 + tap, ic);
          weights.bytes.push_back(static_cast<std::uint8_t>(value));
          sum += static_cast<std::uint32_t>(static_cast<std::int32_t>(value));
        }
      }
    }
    corrections[oc] = fold_input_offset(bias[oc], sum, zp);
  }
  k.constants.push_back(std::move(weights));
  k.constants.push_back({"requant_table", codegen::requant_table(corrections, q)});
  k.scratch_bytes = l.staged ? static_cast<std::uint32_t>(l.stage.bytes()) : 0;
  k.input_overread_bytes = l.staged ? codegen::stage_overread_bytes(l.stage) : 0u;
  k.input_align_bytes = path == Path::kDirect ? 16 : 1;
  k.output_align_bytes = 1;

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
  const std::int32_t pixel_step = g.stride_w * l.pixel_stride;
  const std::int32_t row_step = g.stride_h * l.row_bytes;

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
                                            .col_step = pixel_step, .row_step = row_step};
    codegen::emit_output_pixel_loops(b, pixels, [&] {
      codegen::load_slot(b, 5, kSlotWeights);
      codegen::load_slot(b, 6, kSlotTable);
      codegen::reg_loop(b, 11, g.out_c, [&] {
        b.emit(Opcode::kEeZeroAccx, {});
        for (int ky = 0; ky < g.kernel_h; ++ky) {
          for (int kx0 = 0; kx0 < g.kernel_w; kx0 += l.taps_per_segment) {
            const std::int32_t offset = ky * g.dilation_h * l.row_bytes + kx0 * g.dilation_w * l.pixel_stride;
            codegen::add_const(b, dot.src, 7, offset, 8);
            codegen::emit_accx_dot(b, dot, l.chunks, path == Path::kUnaligned, unroll);
          }
        }
        b.emit(Opcode::kRurAccx0, {a(rq.acc)});
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
