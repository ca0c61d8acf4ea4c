// conv_first: legality and code generation of the small-channel first-layer paths (see the header).
#include "kernels/families/conv_first.h"

#include <algorithm>
#include <array>
#include <bit>
#include <numeric>

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
using model::q;

enum class Path { kIm2col, kPad4x4 };

Path path_of(const Variant& v) {
  const std::string_view p = v.word("inputpath");
  if (p == "im2col") return Path::kIm2col;
  PIETUNE_CHECK(p == "pad4x4") << p;
  return Path::kPad4x4;
}

constexpr int kMaxWindowBytes = 256;  // im2col: the row's s8i offsets are 0..255

// Frame slots.
constexpr int kSlotWeights = 0, kSlotTable = 1, kSlotScratch = 2, kSlotRow = 3, kSlotBatch = 4, kSlotOy = 5,
              kSlotOx = 6, kSlotZp = 7;

// A zero-point bordered image in scratch: pixel (py, px) of the padded image at
// (py * row_pixels + px) * pixel_stride, input pixel (y, x) at (y + top, x + left).
struct PixelStage {
  int height = 0, width = 0, channels = 0;
  int top = 0, left = 0;
  int row_pixels = 0;    // padded row length in pixels (pad4x4: a multiple of 4)
  int pixel_stride = 0;  // bytes per staged pixel, >= channels
  std::int64_t fill_bytes = 0;  // bytes set to the zero point first, a multiple of 16
};

// Fills the stage with the zero point (16 bytes per store), then copies the image pixel by pixel:
// per pixel Cin l8ui and Cin s8i in a zero-overhead loop over the row. Advances a2 past the image;
// `dst` (the stage base) and a8, a10..a15, q7 are clobbered.
void emit_stage_pixels(model::FunctionBuilder& b, const PixelStage& s, std::int32_t zero_point, int dst) {
  PIETUNE_CHECK(s.channels >= 1 && s.channels <= 15 && s.pixel_stride >= s.channels && s.fill_bytes % 16 == 0)
      << s.channels << " " << s.pixel_stride;
  codegen::load_const(b, 13, zero_point);
  b.emit(Opcode::kS8i, {a(13), a(1), imm(codegen::slot_offset(kSlotZp))});
  b.emit(Opcode::kAddi, {a(8), a(1), imm(codegen::slot_offset(kSlotZp))});
  b.emit(Opcode::kEeVldbc8, {q(7), a(8)});
  b.emit(Opcode::kMov, {a(8), a(dst)});
  codegen::inner_loop(b, 10, s.fill_bytes / 16, [&] { b.emit(Opcode::kEeVst128Ip, {q(7), a(8), imm(16)}); });
  codegen::add_const(b, dst, dst, (s.top * s.row_pixels + s.left) * s.pixel_stride, 8);
  codegen::reg_loop(b, 11, s.height, [&] {
    codegen::inner_loop(b, 10, s.width, [&] {
      for (int c0 = 0; c0 < s.channels; c0 += 4) {  // loads before stores, four registers
        const int n = std::min(4, s.channels - c0);
        for (int i = 0; i < n; ++i) b.emit(Opcode::kL8ui, {a(12 + i), a(2), imm(c0 + i)});
        for (int i = 0; i < n; ++i) b.emit(Opcode::kS8i, {a(12 + i), a(dst), imm(c0 + i)});
      }
      b.emit(Opcode::kAddi, {a(2), a(2), imm(s.channels)});
      b.emit(Opcode::kAddi, {a(dst), a(dst), imm(s.pixel_stride)});
    });
    codegen::add_const(b, dst, dst, (s.row_pixels - s.width) * s.pixel_stride, 8);
  });
}

// Folded bias per output channel: bias - zp * Σ(all taps) w, in wrapping int32 as the kernel adds.
std::vector<std::int32_t> corrections_of(const ConvGeometry& g, const std::vector<std::int8_t>& w,
                                         const std::vector<std::int32_t>& bias, std::int32_t zp) {
  const std::size_t window = static_cast<std::size_t>(g.taps()) * g.in_c;
  std::vector<std::int32_t> out(static_cast<std::size_t>(g.out_c));
  for (int oc = 0; oc < g.out_c; ++oc) {
    std::uint32_t sum = 0;
    for (std::size_t j = 0; j < window; ++j)
      sum += static_cast<std::uint32_t>(static_cast<std::int32_t>(w[oc * window + j]));
    out[oc] = fold_input_offset(bias[oc], sum, zp);
  }
  return out;
}

// ---- im2col ----

struct Im2colLayout {
  bool staged = false;  // taps leave the image: read a bordered copy instead of the input
  int window = 0;       // KH * KW * Cin bytes
  int chunks = 0;       // 16-byte chunks of the padded row
  int row_bytes = 0;    // bytes of one (padded) image row
  PixelStage stage;

  std::int64_t row_area() const { return std::int64_t{chunks} * 16; }
  std::int64_t scratch_bytes() const { return row_area() + (staged ? stage.fill_bytes : 0); }
};

Im2colLayout im2col_layout(const ConvGeometry& g) {
  Im2colLayout l;
  l.staged = g.needs_border();
  l.window = static_cast<int>(g.taps() * g.in_c);
  l.chunks = static_cast<int>(round_up(l.window, 16) / 16);
  const int padded_w = l.staged ? g.left + g.in_w + g.right : g.in_w;
  const int padded_h = l.staged ? g.top + g.in_h + g.bottom : g.in_h;
  l.row_bytes = padded_w * g.in_c;
  l.stage.height = g.in_h;
  l.stage.width = g.in_w;
  l.stage.channels = g.in_c;
  l.stage.top = g.top;
  l.stage.left = g.left;
  l.stage.row_pixels = padded_w;
  l.stage.pixel_stride = g.in_c;
  l.stage.fill_bytes = round_up(std::int64_t{padded_h} * l.row_bytes, 16);
  return l;
}

// Copies the window whose top-left tap is at a7 into the row at a4, four bytes in flight
// (l8ui offsets reach 255: a9 is re-based when a tap lies further).
void emit_window_copy(model::FunctionBuilder& b, const ConvGeometry& g, const Im2colLayout& l) {
  struct Byte {
    std::int32_t src;  // from a7
    int dst;           // in the row
  };
  std::vector<Byte> bytes;
  for (int ky = 0; ky < g.kernel_h; ++ky)
    for (int kx = 0; kx < g.kernel_w; ++kx)
      for (int ic = 0; ic < g.in_c; ++ic)
        bytes.push_back({ky * g.dilation_h * l.row_bytes + kx * g.dilation_w * g.in_c + ic,
                         (ky * g.kernel_w + kx) * g.in_c + ic});
  std::int32_t base = 0;  // a9 = a7 + base
  codegen::add_const(b, 9, 7, 0, 8);
  for (std::size_t i = 0; i < bytes.size(); i += 4) {
    const std::size_t n = std::min<std::size_t>(4, bytes.size() - i);
    for (std::size_t k = 0; k < n; ++k) {
      const Byte& byte = bytes[i + k];
      if (byte.src - base > 255 || byte.src < base) {
        codegen::add_const(b, 9, 9, byte.src - base, 8);
        base = byte.src;
      }
      b.emit(Opcode::kL8ui, {a(12 + static_cast<int>(k)), a(9), imm(byte.src - base)});
    }
    for (std::size_t k = 0; k < n; ++k)
      b.emit(Opcode::kS8i, {a(12 + static_cast<int>(k)), a(4), imm(bytes[i + k].dst)});
  }
}

GeneratedKernel im2col_generate(const Layer& layer, const Variant& variant) {
  const ConvGeometry g = conv_geometry(layer);
  const Im2colLayout l = im2col_layout(g);
  const reference::ChannelQuantization quant = reference::channel_quantization(layer, reference::RoundingMode::kDouble);
  const std::vector<std::int8_t> w = weights_int8(layer);
  const std::int32_t zp = -quant.input_offset;

  // Weights [oc][chunks * 16]: the window order (ky, kx, ic) is the filter's own order.
  GeneratedKernel k;
  k.symbol = variant.symbol();
  ConstantBuffer weights{"weights", {}};
  for (int oc = 0; oc < g.out_c; ++oc)
    for (int j = 0; j < l.chunks * 16; ++j)
      weights.bytes.push_back(
          static_cast<std::uint8_t>(j < l.window ? w[static_cast<std::size_t>(oc) * l.window + j] : 0));
  k.constants.push_back(std::move(weights));
  k.constants.push_back(
      {"requant_table", codegen::requant_table(corrections_of(g, w, bias_int32(layer, g.out_c), zp), quant)});
  k.scratch_bytes = static_cast<std::uint32_t>(l.scratch_bytes());

  model::FunctionBuilder b(k.symbol);
  codegen::emit_prologue(b);
  b.emit(Opcode::kL32i, {a(5), a(4), imm(0)});
  codegen::store_slot(b, 5, kSlotWeights);
  b.emit(Opcode::kL32i, {a(6), a(4), imm(4)});
  codegen::store_slot(b, 6, kSlotTable);
  b.emit(Opcode::kL32i, {a(4), a(4), imm(8)});  // a4 = the row (scratch start) from here on
  // The row's padding stays zero: the copies write only its first `window` bytes.
  b.emit(Opcode::kEeZeroQ, {q(0)});
  b.emit(Opcode::kMov, {a(8), a(4)});
  for (int c = 0; c < l.chunks; ++c) b.emit(Opcode::kEeVst128Ip, {q(0), a(8), imm(16)});

  const codegen::RequantRegs rq{.acc = 12, .t0 = 13, .t1 = 14, .t2 = 15, .table = 6};
  const codegen::DotRegs dot{.src = 9, .weights = 5, .count = 10};
  const int unroll = std::min(4, l.chunks);
  const bool dot_loops = l.chunks / unroll >= 2;  // then the channel loop cannot be a LOOPGTZ too
  const auto channel_body = [&] {
    b.emit(Opcode::kEeZeroAccx, {});
    b.emit(Opcode::kMov, {a(dot.src), a(4)});
    codegen::emit_accx_dot(b, dot, l.chunks, false, unroll);
    b.emit(Opcode::kRurAccx0, {a(rq.acc)});
    codegen::emit_requant_scalar(b, rq, 0, quant);
    b.emit(Opcode::kS8i, {a(rq.acc), a(3), imm(0)});
    b.emit(Opcode::kAddi, {a(3), a(3), imm(1)});
    b.emit(Opcode::kAddi, {a(6), a(6), imm(codegen::kRequantEntryBytes)});
  };

  codegen::slot_loop(b, kSlotBatch, g.batches, 8, [&] {
    if (l.staged) {
      codegen::add_const(b, 9, 4, static_cast<std::int32_t>(l.row_area()), 8);
      emit_stage_pixels(b, l.stage, zp, 9);
      codegen::add_const(b, 7, 4, static_cast<std::int32_t>(l.row_area()), 8);
    } else {
      b.emit(Opcode::kMov, {a(7), a(2)});
      codegen::add_const(b, 2, 2, g.in_h * g.in_w * g.in_c, 8);
    }
    const codegen::OutputPixelLoops pixels{.row_slot = kSlotRow, .oy_slot = kSlotOy, .ox_slot = kSlotOx,
                                            .out_h = g.out_h, .out_w = g.out_w,
                                            .col_step = g.stride_w * g.in_c, .row_step = g.stride_h * l.row_bytes};
    codegen::emit_output_pixel_loops(b, pixels, [&] {
      emit_window_copy(b, g, l);
      codegen::load_slot(b, 5, kSlotWeights);
      codegen::load_slot(b, 6, kSlotTable);
      if (dot_loops)
        codegen::reg_loop(b, 11, g.out_c, channel_body);
      else
        codegen::inner_loop(b, 11, g.out_c, channel_body);
    });
  });
  codegen::emit_epilogue(b);
  k.program = single_function_program(std::move(b).finish());
  return k;
}

// ---- pad4x4 ----

// Where each output column reads: staged copies (shifted by whole pixels) and weight sets (kernel
// at a column offset inside the 4-pixel block), chosen per residue of the window's first column.
struct Pad4Plan {
  int span = 0;                // columns the kernel covers: (KW - 1) * dilation_w + 1
  int period = 1;              // output columns per group: 4 / gcd(stride_w, 4)
  std::vector<int> shifts;     // copy k holds copy 0 from byte 4 * shifts[k] on; shifts[0] = 0
  std::vector<int> offsets;    // weight set k has the kernel at column offsets[k]
  std::array<int, 4> copy_of{};  // per residue r of the window's first column: copy index
  std::array<int, 4> set_of{};   // and weight set index (shift + offset = r)
  int row_pixels = 0;            // padded row, rounded up to 4 pixels so rows start aligned
  int padded_h = 0;
  std::int64_t region = 0;       // bytes of one copy (image plus a 16-byte tail for the last blocks)
  PixelStage stage;

  int row_bytes() const { return 4 * row_pixels; }
  std::int64_t scratch_bytes() const { return region * static_cast<std::int64_t>(shifts.size()); }
};

Pad4Plan pad4_plan(const ConvGeometry& g) {
  Pad4Plan p;
  p.span = (g.kernel_w - 1) * g.dilation_w + 1;
  p.period = 4 / std::gcd(g.stride_w, 4);
  const int max_offset = 4 - p.span;
  std::vector<int> residues;
  for (int phase = 0; phase < p.period; ++phase) residues.push_back(phase * g.stride_w % 4);
  // Fewest copies (weight sets are free at run time): try the subsets of shifts {1, 2, 3} next to
  // shift 0 (residue 0 needs it) by size, and per residue take the largest usable shift.
  for (int size = 0; size <= 3 && p.shifts.empty(); ++size) {
    for (int mask = 0; mask < 8 && p.shifts.empty(); ++mask) {
      if (std::popcount(static_cast<unsigned>(mask)) != size) continue;
      std::vector<int> shifts = {0};
      for (int s = 1; s <= 3; ++s)
        if (mask & (1 << (s - 1))) shifts.push_back(s);
      const bool covers = std::all_of(residues.begin(), residues.end(), [&](int r) {
        return std::any_of(shifts.begin(), shifts.end(), [&](int s) { return s <= r && r - s <= max_offset; });
      });
      if (covers) p.shifts = shifts;
    }
  }
  PIETUNE_CHECK(!p.shifts.empty()) << "span " << p.span;
  for (int r : residues) {
    int copy = 0;
    for (int k = 0; k < static_cast<int>(p.shifts.size()); ++k)
      if (p.shifts[k] <= r && r - p.shifts[k] <= max_offset) copy = k;
    const int offset = r - p.shifts[copy];
    auto it = std::find(p.offsets.begin(), p.offsets.end(), offset);
    if (it == p.offsets.end()) it = p.offsets.insert(p.offsets.end(), offset);
    p.copy_of[r] = copy;
    p.set_of[r] = static_cast<int>(it - p.offsets.begin());
  }
  p.row_pixels = static_cast<int>(round_up(g.left + g.in_w + g.right, 4));
  p.padded_h = g.top + g.in_h + g.bottom;
  // A window block ends at most 3 pixels past the last padded column: the 16-byte tail covers it.
  p.region = round_up(std::int64_t{p.padded_h} * p.row_bytes() + 16, 16);
  p.stage.height = g.in_h;
  p.stage.width = g.in_w;
  p.stage.channels = g.in_c;
  p.stage.top = g.top;
  p.stage.left = g.left;
  p.stage.row_pixels = p.row_pixels;
  p.stage.pixel_stride = 4;
  p.stage.fill_bytes = p.region;
  return p;
}

// Copy k = copy 0 read from byte 4 * shift on, 16 bytes per iteration through the funnel. It reads
// up to 4 * shift + 16 bytes past copy 0, into copy 1: only the tail's last bytes get them, which
// zero weights multiply.
void emit_shifted_copy(model::FunctionBuilder& b, const Pad4Plan& p, int k) {
  codegen::load_slot(b, 12, kSlotScratch);
  codegen::add_const(b, 9, 12, 4 * p.shifts[k], 8);
  codegen::add_const(b, 13, 12, static_cast<std::int32_t>(k * p.region), 8);
  b.emit(Opcode::kEeLd128UsarIp, {q(0), a(9), imm(16)});
  codegen::inner_loop(b, 10, p.region / 16, [&] {
    b.emit(Opcode::kEeVld128Ip, {q(1), a(9), imm(16)});
    b.emit(Opcode::kEeSrcQQup, {q(2), q(0), q(1)});
    b.emit(Opcode::kEeVst128Ip, {q(2), a(13), imm(16)});
  });
}

GeneratedKernel pad4_generate(const Layer& layer, const Variant& variant) {
  const ConvGeometry g = conv_geometry(layer);
  const Pad4Plan p = pad4_plan(g);
  const reference::ChannelQuantization quant = reference::channel_quantization(layer, reference::RoundingMode::kDouble);
  const std::vector<std::int8_t> w = weights_int8(layer);
  const std::int32_t zp = -quant.input_offset;
  const int kh = g.kernel_h;

  // Weights [set][oc][ky][column][channel]: tap kx at column offset + kx * dilation_w.
  GeneratedKernel k;
  k.symbol = variant.symbol();
  ConstantBuffer weights{"weights", {}};
  const std::int32_t set_bytes = g.out_c * kh * 16;
  for (int offset : p.offsets) {
    for (int oc = 0; oc < g.out_c; ++oc) {
      for (int ky = 0; ky < kh; ++ky) {
        std::array<std::int8_t, 16> block{};
        for (int kx = 0; kx < g.kernel_w; ++kx)
          for (int ic = 0; ic < g.in_c; ++ic)
            block[(offset + kx * g.dilation_w) * 4 + ic] =
                w[((static_cast<std::size_t>(oc) * kh + ky) * g.kernel_w + kx) * g.in_c + ic];
        for (std::int8_t v : block) weights.bytes.push_back(static_cast<std::uint8_t>(v));
      }
    }
  }
  weights.bytes.resize(weights.bytes.size() + 16 * kh, 0);  // the last channel's look-ahead loads
  k.constants.push_back(std::move(weights));
  k.constants.push_back(
      {"requant_table", codegen::requant_table(corrections_of(g, w, bias_int32(layer, g.out_c), zp), quant)});
  k.scratch_bytes = static_cast<std::uint32_t>(p.scratch_bytes());

  model::FunctionBuilder b(k.symbol);
  codegen::emit_prologue(b);
  b.emit(Opcode::kL32i, {a(5), a(4), imm(0)});
  codegen::store_slot(b, 5, kSlotWeights);
  b.emit(Opcode::kL32i, {a(6), a(4), imm(4)});
  codegen::store_slot(b, 6, kSlotTable);
  b.emit(Opcode::kL32i, {a(7), a(4), imm(8)});
  codegen::store_slot(b, 7, kSlotScratch);
  const codegen::RequantRegs rq{.acc = 12, .t0 = 13, .t1 = 14, .t2 = 15, .table = 6};

  // One output pixel at column phase `phase` of its group (a7 = the group's first block in copy 0,
  // a10 = the row step): window rows into q0.., weights of channel 0 into q4.., then the channels.
  const auto pixel = [&](int phase) {
    const int x = phase * g.stride_w;
    const int r = x % 4;
    const std::int64_t offset = p.copy_of[r] * p.region + std::int64_t{x - r} * 4;
    codegen::add_const(b, 9, 7, static_cast<std::int32_t>(offset), 8);
    for (int ky = 0; ky < kh; ++ky) b.emit(Opcode::kEeVld128Xp, {q(ky), a(9), a(10)});
    codegen::load_slot(b, 5, kSlotWeights);
    codegen::add_const(b, 5, 5, p.set_of[r] * set_bytes, 8);
    codegen::load_slot(b, 6, kSlotTable);
    for (int ky = 0; ky < kh; ++ky) b.emit(Opcode::kEeVld128Ip, {q(4 + ky), a(5), imm(16)});
    codegen::inner_loop(b, 11, g.out_c, [&] {
      b.emit(Opcode::kEeZeroAccx, {});
      // Each MAC reads row ky's weights and loads the next channel's into the same register.
      for (int ky = 0; ky < kh; ++ky)
        b.emit(Opcode::kEeVmulasS8AccxLdIp, {q(4 + ky), a(5), imm(16), q(ky), q(4 + ky)});
      b.emit(Opcode::kRurAccx0, {a(rq.acc)});
      codegen::emit_requant_scalar(b, rq, 0, quant);
      b.emit(Opcode::kS8i, {a(rq.acc), a(3), imm(0)});
      b.emit(Opcode::kAddi, {a(3), a(3), imm(1)});
      b.emit(Opcode::kAddi, {a(6), a(6), imm(codegen::kRequantEntryBytes)});
    });
  };
  const int groups = g.out_w / p.period;
  const int rest = g.out_w % p.period;

  codegen::slot_loop(b, kSlotBatch, g.batches, 8, [&] {
    codegen::load_slot(b, 9, kSlotScratch);
    emit_stage_pixels(b, p.stage, zp, 9);
    for (int copy = 1; copy < static_cast<int>(p.shifts.size()); ++copy) emit_shifted_copy(b, p, copy);
    codegen::load_slot(b, 7, kSlotScratch);
    codegen::store_slot(b, 7, kSlotRow);
    codegen::slot_loop(b, kSlotOy, g.out_h, 8, [&] {
      codegen::load_slot(b, 7, kSlotRow);
      codegen::load_const(b, 10, g.dilation_h * p.row_bytes());
      if (groups > 0) {
        codegen::slot_loop(b, kSlotOx, groups, 8, [&] {
          for (int phase = 0; phase < p.period; ++phase) pixel(phase);
          codegen::add_const(b, 7, 7, p.period * g.stride_w * 4, 8);
        });
      }
      for (int phase = 0; phase < rest; ++phase) pixel(phase);
      codegen::load_slot(b, 7, kSlotRow);
      codegen::add_const(b, 7, 7, g.stride_h * p.row_bytes(), 8);
      codegen::store_slot(b, 7, kSlotRow);
    });
  });
  codegen::emit_epilogue(b);
  k.program = single_function_program(std::move(b).finish());
  return k;
}

}  // namespace

std::optional<Rejection> conv_first_legal(const Layer& layer, const Variant& variant) {
  PIETUNE_CHECK(layer.op == OpKind::kConv2d) << to_string(layer.op);
  if (auto r = check_types(layer)) return r;
  if (layer.options.groups != 1)
    return Rejection{"groups", fmt::format("grouped convolution ({} groups of {} input channels): the window covers "
                                           "all input channels",
                                           layer.options.groups, layer.input().shape.back() / layer.options.groups)};
  if (auto r = check_shift_range(reference::channel_quantization(layer, reference::RoundingMode::kDouble))) return r;
  const ConvGeometry g = conv_geometry(layer);
  if (path_of(variant) == Path::kIm2col) {
    const int row = g.kernel_w * g.in_c;
    if (row >= 16)
      return Rejection{"row_bytes", fmt::format("a filter row of {} x {} = {} bytes is 16 or more: already whole vectors "
                                                "(esp-nn copies windows only for rows under 16 bytes; conv_accx reads "
                                                "such rows in place)",
                                                g.kernel_w, g.in_c, row)};
    const std::int64_t window = g.taps() * g.in_c;
    if (window > kMaxWindowBytes)
      return Rejection{"window", fmt::format("window of {} x {} x {} = {} bytes exceeds {}: the straight-line copy "
                                             "emits two instructions per byte",
                                             g.kernel_h, g.kernel_w, g.in_c, window, kMaxWindowBytes)};
    return check_scratch(im2col_layout(g).scratch_bytes(), "the window row and the bordered input copy");
  }
  if (g.in_c > 4)
    return Rejection{"channels", fmt::format("input channels {} exceed the 4 bytes of a staged pixel (pad4x4 is for "
                                             "RGB-like inputs)",
                                             g.in_c)};
  const int span = (g.kernel_w - 1) * g.dilation_w + 1;
  if (span > 4)
    return Rejection{"kernel_width", fmt::format("kernel width {} with dilation {} spans {} columns, more than the 4 "
                                                 "pixels of one 16-byte load",
                                                 g.kernel_w, g.dilation_w, span)};
  if (g.kernel_h > 4)
    return Rejection{"kernel_height", fmt::format("kernel height {} exceeds the 4 window rows held in q0..q3 (their "
                                                  "weights in q4..q7)",
                                                  g.kernel_h)};
  const Pad4Plan p = pad4_plan(g);
  return check_scratch(p.scratch_bytes(),
                       fmt::format("{} staged cop{} of the 4-byte-pixel image", p.shifts.size(),
                                   p.shifts.size() == 1 ? "y" : "ies")
                           .c_str());
}

GeneratedKernel conv_first_generate(const Layer& layer, const Variant& variant) {
  PIETUNE_CHECK(!conv_first_legal(layer, variant)) << variant.name() << ": " << conv_first_legal(layer, variant)->reason;
  return path_of(variant) == Path::kIm2col ? im2col_generate(layer, variant) : pad4_generate(layer, variant);
}

}  // namespace pietune::kernels::families
