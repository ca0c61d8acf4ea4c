// maxpool_espnn and the outer structure both esp-nn pools share (see the header).
#include "kernels/families/maxpool_espnn.h"

#include <algorithm>

#include <fmt/format.h>

#include "kernels/codegen/emit.h"
#include "model/support/error.h"

namespace pietune::kernels::families {
namespace espnn_pool {

using model::a;
using model::imm;
using model::Opcode;

std::vector<Run> clipped_runs(int out, int stride, int pad, int kernel, int in) {
  std::vector<Run> runs;
  for (int o = 0; o < out; ++o) {
    const int base = o * stride - pad;
    const int start = std::max(0, -base), stop = std::min(kernel, in - base);
    if (!runs.empty() && runs.back().start == start && runs.back().stop == stop) {
      runs.back().end = o + 1;
    } else {
      runs.push_back({o, o + 1, start, stop});
    }
  }
  return runs;
}

int espnn_chunk(int channels) { return channels % 8 == 0 ? 8 : channels % 4 == 0 ? 4 : 0; }

std::optional<Rejection> check_pool(const Layer& layer, const Variant& variant, bool average) {
  if (auto r = check_pool_quantization(layer)) return r;
  const ConvGeometry g = conv_geometry(layer);
  const int chunk = espnn_chunk(g.in_c);
  if (chunk == 0)
    return Rejection{"espnn_channels", fmt::format("channels {} not a multiple of 4: esp-nn's S3 {} pool handles "
                                                   "channels % 8 == 0 and % 4 == 0 only",
                                                   g.in_c, average ? "average" : "max")};
  if (variant.number("channels") != chunk)
    return Rejection{"espnn_channels", fmt::format("channels {}: esp-nn runs its {}-channel path, not {}", g.in_c,
                                                   chunk, variant.number("channels"))};
  for (const Run& r : clipped_runs(g.out_h, g.stride_h, g.top, g.kernel_h, g.in_h))
    if (r.stop <= r.start)
      return Rejection{"empty_window", fmt::format("output row {} has no window row inside the image", r.begin)};
  for (const Run& r : clipped_runs(g.out_w, g.stride_w, g.left, g.kernel_w, g.in_w))
    if (r.stop <= r.start)
      return Rejection{"empty_window", fmt::format("output column {} has no window column inside the image", r.begin)};
  return std::nullopt;
}

void load(model::FunctionBuilder& b, int reg, int offset) { b.emit(Opcode::kL32i, {a(reg), a(1), imm(offset)}); }
void store(model::FunctionBuilder& b, int reg, int offset) { b.emit(Opcode::kS32i, {a(reg), a(1), imm(offset)}); }

void emit_tap_row_start(model::FunctionBuilder& b) {
  load(b, 3, kXFirst);
  load(b, 2, kChannelOffset);
  b.emit(Opcode::kAddN, {a(3), a(3), a(10)});
  b.emit(Opcode::kMull, {a(3), a(3), a(5)});
  b.emit(Opcode::kAddN, {a(2), a(2), a(3)});
  load(b, 3, kXCount);
  b.emit(Opcode::kAddN, {a(2), a(12), a(2)});
}

namespace {

// A counted loop closed by `bnez` on (counter + 1 - limit), both in stack slots, as esp-nn's
// out_y / out_x loops (the counter runs on across runs; the run's limit is its own slot).
void stack_loop(model::FunctionBuilder& b, int counter, int limit, std::int64_t trips, const std::function<void()>& body) {
  model::Label top = b.new_label("pool_loop");
  b.bind(top);
  body();
  load(b, 14, counter);
  load(b, 8, limit);
  b.emit(Opcode::kAddiN, {a(14), a(14), imm(1)});
  store(b, 14, counter);
  b.emit(Opcode::kSub, {a(14), a(14), a(8)});
  b.emit(Opcode::kBnez, {a(14), model::target(top)}).trip_count = trips;
}

// One output pixel: esp-nn's per-pixel clipping and pointers, then the channel loop.
void emit_pixel(model::FunctionBuilder& b, const PoolCode& code, int channels, int rows, int taps) {
  load(b, 6, kNegBaseX);
  load(b, 13, kOut);
  load(b, 8, kXLimit);
  load(b, 7, kFilterW);
  load(b, 10, kOutPixel);
  b.emit(Opcode::kMoviN, {a(9), imm(0)});
  store(b, 9, kChannelOffset);
  b.emit(Opcode::kAddN, {a(14), a(10), a(5)});
  b.emit(Opcode::kMin, {a(7), a(7), a(8)});  // filter_x_end
  b.emit(Opcode::kAddN, {a(10), a(10), a(13)});
  b.emit(Opcode::kAddN, {a(14), a(13), a(14)});
  store(b, 14, kPixelEnd);
  store(b, 10, kOutPtr);
  b.emit(Opcode::kMoviN, {a(8), imm(0)});
  load(b, 10, kBaseX);
  b.emit(Opcode::kMax, {a(6), a(6), a(8)});  // filter_x_start
  b.emit(Opcode::kSub, {a(9), a(7), a(6)});
  store(b, 9, kXCount);
  b.emit(Opcode::kAddN, {a(13), a(10), a(6)});
  store(b, 13, kXFirst);
  b.emit(Opcode::kAddN, {a(10), a(10), a(7)});
  store(b, 10, kXEnd);

  model::Label chunk_top = b.new_label("chunk");
  b.bind(chunk_top);
  code.chunk(b, rows, taps);
  b.emit(Opcode::kBlt, {a(8), a(9), model::target(chunk_top)}).trip_count = channels / code.chunk_channels;

  // Next pixel: base_x += stride_wd, the slots that follow it, the output offset.
  load(b, 13, kXLimit);
  load(b, 14, kBaseX);
  load(b, 10, kStrideW);
  load(b, 8, kOutPixel);
  load(b, 9, kNegBaseX);
  b.emit(Opcode::kAddN, {a(8), a(8), a(5)});
  store(b, 8, kOutPixel);
  b.emit(Opcode::kSub, {a(9), a(9), a(10)});
  b.emit(Opcode::kAddN, {a(14), a(14), a(10)});
  b.emit(Opcode::kSub, {a(13), a(13), a(10)});
  store(b, 13, kXLimit);
  store(b, 14, kBaseX);
  store(b, 9, kNegBaseX);
}

// One output row: per-row clipping (filter_y_start to a slot, filter_y_end in a15), the pixel
// slots reset, then one loop per run of alike-clipped columns.
void emit_row(model::FunctionBuilder& b, const PoolCode& code, const ConvGeometry& g, int rows,
              const std::vector<Run>& columns) {
  model::Label no_pixels = b.new_label("no_pixels");
  load(b, 8, kOutW);
  b.emit(Opcode::kBeqzN, {a(8), model::target(no_pixels)});  // output_wd == 0: never taken
  b.emit(Opcode::kMoviN, {a(10), imm(0)});
  load(b, 9, kNegBaseY);
  load(b, 15, kInWPad);
  load(b, 8, kOutRow);
  b.emit(Opcode::kL16ui, {a(13), a(1), imm(kPadW)});
  load(b, 14, kNegPadW);
  store(b, 14, kBaseX);
  store(b, 13, kNegBaseX);
  store(b, 8, kOutPixel);
  store(b, 15, kXLimit);
  load(b, 8, kYLimit);
  b.emit(Opcode::kMax, {a(9), a(9), a(10)});  // filter_y_start
  load(b, 15, kFilterH);
  store(b, 9, kYStart);
  b.emit(Opcode::kMoviN, {a(9), imm(0)});
  b.emit(Opcode::kMin, {a(15), a(15), a(8)});  // filter_y_end
  store(b, 9, kOx);
  for (const Run& run : columns) {
    codegen::load_const(b, 8, run.end);
    store(b, 8, kXRunEnd);
    stack_loop(b, kOx, kXRunEnd, run.end - run.begin,
               [&] { emit_pixel(b, code, g.in_c, rows, run.stop - run.start); });
  }
  b.bind(no_pixels);
  // Next row: base_y += stride_ht and the slots that follow it.
  load(b, 8, kNegBaseY);
  load(b, 15, kBaseY);
  load(b, 10, kRowBytes);
  load(b, 14, kStrideH);
  load(b, 13, kYLimit);
  load(b, 9, kOutRow);
  b.emit(Opcode::kSub, {a(13), a(13), a(14)});
  b.emit(Opcode::kAddN, {a(9), a(9), a(10)});
  b.emit(Opcode::kAddN, {a(15), a(15), a(14)});
  b.emit(Opcode::kSub, {a(8), a(8), a(14)});
  store(b, 8, kNegBaseY);
  store(b, 15, kBaseY);
  store(b, 9, kOutRow);
  store(b, 13, kYLimit);
}

// esp-nn's function body for one call (a2 = input, a3 = input_wd, a4 = input_ht, a5 = output,
// a6 = output_wd, a7 = output_ht, the rest in the stack-argument slots).
void emit_call_body(model::FunctionBuilder& b, const PoolCode& code, const ConvGeometry& g) {
  b.emit(Opcode::kMovN, {a(12), a(2)});
  store(b, 6, kOutW);
  store(b, 7, kOutH);
  b.emit(Opcode::kMovN, {a(11), a(3)});
  store(b, 5, kOut);
  b.emit(Opcode::kL16ui, {a(5), a(1), imm(kChannels)});
  code.vector_constants(b);
  // channels % 8, then % 4: esp-nn branches to its path; here the path is known, so the branch
  // to the other one is a never-taken guard.
  model::Label unsupported = b.new_label("unsupported");
  b.emit(Opcode::kExtui, {a(8), a(5), imm(0), imm(3)});
  if (code.chunk_channels == 8) {
    b.emit(Opcode::kBnezN, {a(8), model::target(unsupported)});
  } else {
    b.emit(Opcode::kBeqzN, {a(8), model::target(unsupported)});
    b.emit(Opcode::kExtui, {a(14), a(5), imm(0), imm(2)});
    b.emit(Opcode::kBnezN, {a(14), model::target(unsupported)});
  }
  // The path's setup: the per-call slots.
  b.emit(Opcode::kL16ui, {a(15), a(1), imm(kPadW)});
  b.emit(Opcode::kL16ui, {a(14), a(1), imm(kPadH)});
  b.emit(Opcode::kMoviN, {a(8), imm(0)});
  b.emit(Opcode::kMoviN, {a(10), imm(0)});
  store(b, 14, kNegBaseY);
  b.emit(Opcode::kNeg, {a(15), a(15)});
  b.emit(Opcode::kMul16u, {a(9), a(6), a(5)});
  b.emit(Opcode::kNeg, {a(14), a(14)});
  store(b, 14, kBaseY);
  store(b, 10, kOutRow);
  store(b, 9, kRowBytes);
  store(b, 8, kOy);
  store(b, 15, kNegPadW);
  b.emit(Opcode::kSub, {a(13), a(4), a(14)});
  store(b, 13, kYLimit);
  b.emit(Opcode::kSub, {a(15), a(11), a(15)});
  store(b, 15, kInWPad);
  const std::vector<Run> columns = clipped_runs(g.out_w, g.stride_w, g.left, g.kernel_w, g.in_w);
  for (const Run& run : clipped_runs(g.out_h, g.stride_h, g.top, g.kernel_h, g.in_h)) {
    codegen::load_const(b, 8, run.end);
    store(b, 8, kYRunEnd);
    stack_loop(b, kOy, kYRunEnd, run.end - run.begin, [&] { emit_row(b, code, g, run.stop - run.start, columns); });
  }
  b.bind(unsupported);
}

}  // namespace

GeneratedKernel generate_pool(const Layer& layer, const Variant& variant, const PoolCode& code) {
  const ConvGeometry g = conv_geometry(layer);
  const int act_min = std::max(layer.options.activation.min, -128);
  const int act_max = std::min(layer.options.activation.max, 127);
  GeneratedKernel k;
  k.symbol = variant.symbol();
  k.input_align_bytes = static_cast<std::uint32_t>(code.chunk_channels);
  k.output_align_bytes = static_cast<std::uint32_t>(code.chunk_channels);

  model::FunctionBuilder b(k.symbol);
  b.emit(Opcode::kEntry, {a(1), imm(kFrameBytes)});
  code.save_call_block(b);
  // The wrapper: esp-nn's nine stack arguments, then one call per batch.
  const std::pair<int, int> arguments[] = {{kStrideW, g.stride_w}, {kStrideH, g.stride_h}, {kFilterW, g.kernel_w},
                                           {kFilterH, g.kernel_h}, {kPadW, g.left},        {kPadH, g.top},
                                           {kActMin, act_min},     {kActMax, act_max},     {kChannels, g.in_c}};
  for (const auto& [offset, value] : arguments) {
    codegen::load_const(b, 8, value);
    store(b, 8, offset);
  }
  store(b, 2, kBatchIn);
  store(b, 3, kBatchOut);
  auto call = [&] {
    load(b, 2, kBatchIn);
    codegen::load_const(b, 3, g.in_w);
    codegen::load_const(b, 4, g.in_h);
    load(b, 5, kBatchOut);
    codegen::load_const(b, 6, g.out_w);
    codegen::load_const(b, 7, g.out_h);
    emit_call_body(b, code, g);
  };
  if (g.batches == 1) {
    call();
  } else {
    codegen::load_const(b, 8, g.batches);
    store(b, 8, kBatch);
    model::Label top = b.new_label("batch");
    b.bind(top);
    call();
    load(b, 8, kBatchIn);
    codegen::add_const(b, 8, 8, g.in_h * g.in_w * g.in_c, 9);
    store(b, 8, kBatchIn);
    load(b, 8, kBatchOut);
    codegen::add_const(b, 8, 8, g.out_h * g.out_w * g.in_c, 9);
    store(b, 8, kBatchOut);
    load(b, 8, kBatch);
    b.emit(Opcode::kAddi, {a(8), a(8), imm(-1)});
    store(b, 8, kBatch);
    b.emit(Opcode::kBnez, {a(8), model::target(top)}).trip_count = g.batches;
  }
  b.emit(Opcode::kRetwN, {});
  k.program = single_function_program(std::move(b).finish());
  return k;
}

}  // namespace espnn_pool

namespace {

using model::a;
using model::imm;
using model::Opcode;
using model::q;
using namespace espnn_pool;  // its load / store helpers too

// esp-nn's max-pool channel chunk: q1 = running max from -128 (q3), bounds q4 (max) / q5 (min).
void emit_max_chunk(model::FunctionBuilder& b, int chunk, int rows, int taps) {
  model::Label store_label = b.new_label("max_store");
  load(b, 8, kYStart);
  b.emit(Opcode::kMvQr, {q(1), q(3)});
  b.emit(Opcode::kMovN, {a(13), a(8)});
  b.emit(Opcode::kBge, {a(8), a(15), model::target(store_label)});  // no row inside: never taken
  load(b, 10, kBaseY);
  load(b, 14, kXEnd);
  b.emit(Opcode::kAddN, {a(10), a(10), a(8)});
  b.emit(Opcode::kMull, {a(10), a(11), a(10)});  // first in-image row * input_wd
  b.emit(Opcode::kAddN, {a(14), a(10), a(14)});
  model::Label row_top = b.new_label("max_row");
  model::Label row_next = b.new_label("max_row_next");
  b.bind(row_top);
  b.emit(Opcode::kAddN, {a(14), a(14), a(11)});  // dead in esp-nn too (compiler leftover)
  b.emit(Opcode::kAddiN, {a(13), a(13), imm(1)});
  b.emit(Opcode::kBge, {a(6), a(7), model::target(row_next)});  // no column inside: never taken
  emit_tap_row_start(b);
  b.zero_overhead_loop(Opcode::kLoopgtz, a(3), taps, [&] {
    if (chunk == 8) {
      b.emit(Opcode::kEeVldL64Ip, {q(0), a(2), imm(0)});
    } else {
      b.emit(Opcode::kEeVldbc32, {q(0), a(2)});
    }
    b.emit(Opcode::kAddN, {a(2), a(2), a(5)});
    b.emit(Opcode::kEeVmaxS8, {q(1), q(1), q(0)});
  });
  b.bind(row_next);
  b.emit(Opcode::kAddN, {a(10), a(10), a(11)});
  b.emit(Opcode::kBne, {a(15), a(13), model::target(row_top)}).trip_count = rows;
  b.bind(store_label);
  load(b, 9, kPixelEnd);
  load(b, 13, kChannelOffset);
  load(b, 8, kOutPtr);
  b.emit(Opcode::kEeVminS8, {q(2), q(1), q(4)});
  b.emit(Opcode::kEeVmaxS8, {q(2), q(2), q(5)});  // esp-nn's 4-channel path has vmax q5,q5,q5 here
  b.emit(Opcode::kAddiN, {a(13), a(13), imm(chunk)});
  store(b, 13, kChannelOffset);
  if (chunk == 8) {
    b.emit(Opcode::kMovN, {a(10), a(8)});
    b.emit(Opcode::kEeVstL64Ip, {q(2), a(10), imm(0)});
  } else {
    b.emit(Opcode::kEeMovi32A, {q(2), a(10), imm(0)});
    b.emit(Opcode::kS32iN, {a(10), a(8), imm(0)});
  }
  b.emit(Opcode::kAddiN, {a(8), a(8), imm(chunk)});
  store(b, 8, kOutPtr);
}

}  // namespace

std::optional<Rejection> maxpool_espnn_legal(const Layer& layer, const Variant& variant) {
  PIETUNE_CHECK(layer.op == OpKind::kMaxPool2d) << to_string(layer.op);
  return check_pool(layer, variant, false);
}

GeneratedKernel maxpool_espnn_generate(const Layer& layer, const Variant& variant) {
  PIETUNE_CHECK(!maxpool_espnn_legal(layer, variant)) << variant.name();
  const int chunk = static_cast<int>(variant.number("channels"));
  PoolCode code;
  code.chunk_channels = chunk;
  code.save_call_block = [](model::FunctionBuilder&) {};
  // -128, act_min and act_max broadcast from their stack words (EE.VLDBC.8 reads the low byte).
  code.vector_constants = [](model::FunctionBuilder& b) {
    b.emit(Opcode::kMovi, {a(3), imm(-128)});
    store(b, 3, kI8Min);
    b.emit(Opcode::kAddi, {a(9), a(1), imm(kActMax)});
    b.emit(Opcode::kAddi, {a(15), a(1), imm(kActMin)});
    b.emit(Opcode::kAddi, {a(8), a(1), imm(kI8Min)});
    b.emit(Opcode::kEeVldbc8, {q(3), a(8)});
    b.emit(Opcode::kEeVldbc8, {q(5), a(15)});
    b.emit(Opcode::kEeVldbc8, {q(4), a(9)});
  };
  code.chunk = [chunk](model::FunctionBuilder& b, int rows, int taps) { emit_max_chunk(b, chunk, rows, taps); };
  return generate_pool(layer, variant, code);
}

}  // namespace pietune::kernels::families
