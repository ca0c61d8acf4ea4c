// conv_pwpix: legality and code generation (see the header).
#include "kernels/families/conv_pwpix.h"

#include <algorithm>
#include <cstdlib>
#include <utility>

#include <fmt/format.h>

#include "kernels/codegen/emit.h"
#include "kernels/codegen/qacc_image.h"
#include "kernels/codegen/requant_pix.h"
#include "kernels/codegen/transpose8.h"
#include "kernels/families/s16_lane_rules.h"
#include "model/support/error.h"

namespace pietune::kernels::families {
namespace {

using model::a;
using model::FunctionBuilder;
using model::imm;
using model::Opcode;
using model::q;

constexpr int kLanes = 8;
// Input channels up to which the taps are straight-line code (longer rows loop over 16 taps).
constexpr int kStraightLineChannels = 64;

struct Shape {
  int batches = 1, size = 0, in_c = 0, out_c = 0;
  bool left_shifts = false;  // some channel shifts left: every row ends with a second record
};

Shape shape_of(const Layer& layer, const reference::ChannelQuantization& qz) {
  const ConvGeometry g = conv_geometry(layer);
  return {.batches = g.batches,
          .size = g.out_h * g.out_w,
          .in_c = g.in_c,
          .out_c = g.out_c,
          .left_shifts = codegen::rqpix_left_shifts(qz)};
}

// Scratch: [-2^15, 1], the block's C rows, the rqpix vectors [-2^15, 1, 2^14, zp, min, max] (16
// bytes each), the QACC save area, the output tile.
struct ScratchLayout {
  std::int32_t rows = 0, tail = 0, save = 0, tile = 0, bytes = 0;
};

ScratchLayout scratch_of(const Shape& s) {
  ScratchLayout l;
  l.rows = 32;
  l.tail = l.rows + 16 * s.in_c;
  l.save = l.tail + codegen::kRqpixVectorBytes;
  l.tile = l.save + codegen::kQaccImageBytes;
  l.bytes = l.tile + kLanes * s.out_c;  // room for the largest tile
  return l;
}

// Weights as int16 (one 16-byte load per 8 taps) or int8 (an 8-byte load widened in the tap
// stream: half the bytes from flash, two more instructions per 8 taps).
bool int8_weights(const Variant& v) { return v.number("weightbits") == 8; }

// One output channel's constants: its record, then its C weights (int8 rows padded to 16 bytes so
// that every record stays 16-byte aligned), then its second record when the layer shifts left.
std::int32_t weight_bytes(const Shape& s, bool int8) { return int8 ? static_cast<std::int32_t>(round_up(s.in_c, 16)) : 2 * s.in_c; }
std::int32_t row_bytes(const Shape& s, bool int8) {
  return codegen::kRecordBytes * (s.left_shifts ? 2 : 1) + weight_bytes(s, int8);
}

// Output channels per tile: every channel (tilekb 0), or as many whole groups of 8 as keep the
// tile's rows within tilekb KB (at least 8), so that a tile's rows stay in the 32 KB data cache
// while every block of pixels reads them (the input is transposed once per tile and block).
int tile_channels(const Shape& s, const Variant& v) {
  const std::int64_t budget = v.number("tilekb") * 1024;
  if (budget == 0) return s.out_c;
  const std::int64_t fit = budget / row_bytes(s, int8_weights(v)) / 8 * 8;
  return static_cast<int>(std::clamp<std::int64_t>(fit, 8, s.out_c));
}

// Frame slots.
constexpr int kSlotRows = 0, kSlotVectors = 1, kSlotScratch = 2, kSlotOffset = 3, kSlotBatch = 4, kSlotBlock = 5,
              kSlotTile = 6, kSlotInBatch = 7, kSlotOutBatch = 8, kSlotTileRows = 9, kSlotTileOut = 10;
// Registers: a2 / a3 the block's first input / output pixel; a7 the scratch; a5 the channel rows;
// a6 the tile; a8 the stream; a11 / a12 / a14 the SRCMB shifts 16 / 15 / 0; a13 the save area.
constexpr int kIn = 2, kOut = 3, kRowsReg = 5, kTile = 6, kScratch = 7, kStream = 8, kCount = 9, kT0 = 10,
              kShift16 = 11, kShift15 = 12, kSave = 13, kShift0 = 14, kRecord = 15;

// The weight row of chunk j (8 taps) alternates between q7 and q4.
int weight_q(int chunk) { return chunk % 2 == 0 ? 7 : 4; }

// Chunk j's weights into weight_q(j): int16 in one load; int8 loaded, then widened with its sign
// mask (q5, against the zero vector `zero`), spread over the taps at `step` 0, 2 and 4 of the
// chunk before so that no tap waits for them.
void emit_weight_step(FunctionBuilder& b, int chunk, bool int8, int step, int zero) {
  const int w = weight_q(chunk);
  if (!int8) {
    if (step == 0) b.emit(Opcode::kEeVld128Ip, {q(w), a(kRowsReg), imm(16)});
    return;
  }
  if (step == 0) b.emit(Opcode::kEeVldL64Ip, {q(w), a(kRowsReg), imm(8)});
  if (step == 2) b.emit(Opcode::kEeVcmpLtS8, {q(5), q(w), q(zero)});
  if (step == 4) b.emit(Opcode::kEeVzip8, {q(w), q(5)});
}

// Tap c of the channel (stream element c + 2): the MAC of the input row in q(e % 4) by lane c % 8
// of its weight row, the row two elements ahead loaded; with `load_next`, the next chunk's
// weights come in over the chunk's first taps.
void emit_tap(FunctionBuilder& b, int c, bool int8, bool load_next) {
  const int e = c + 2;
  b.emit(Opcode::kEeVsmulasS16QaccLdIncp, {q((e + 2) % 4), a(kStream), q(e % 4), q(weight_q(c / 8)), imm(c % 8)});
  if (load_next) emit_weight_step(b, c / 8 + 1, int8, c % 8, 6);
}

// One output channel of the block: a5 at its row (advanced past it), a6 at its tile row (advanced).
// q6 holds the record; with int8 weights it is the zero vector during the taps and the record is
// loaded again for the epilogue.
void emit_channel(FunctionBuilder& b, const Shape& s, bool int8) {
  const int chunks = s.in_c / 8;
  b.emit(Opcode::kMov, {a(kRecord), a(kRowsReg)});
  b.emit(Opcode::kEeZeroQacc, {});
  b.emit(Opcode::kEeVld128Ip, {q(6), a(kRowsReg), imm(16)});
  b.emit(Opcode::kMov, {a(kStream), a(kScratch)});
  if (int8) b.emit(Opcode::kEeZeroQ, {q(4)});
  for (int step = 0; step <= 4; step += 2) emit_weight_step(b, 0, int8, step, 4);
  b.emit(Opcode::kEeVld128Ip, {q(0), a(kStream), imm(16)});
  b.emit(Opcode::kEeVld128Ip, {q(1), a(kStream), imm(16)});
  // The bias as taps of the vectors -2^15 (q0, twice: the high digit weighs 2^16) and 1 (q1).
  b.emit(Opcode::kEeVsmulasS16QaccLdIncp, {q(2), a(kStream), q(0), q(6), imm(codegen::kBiasHigh)});
  b.emit(Opcode::kEeVsmulasS16Qacc, {q(0), q(6), imm(codegen::kBiasHigh)});
  b.emit(Opcode::kEeVsmulasS16QaccLdIncp, {q(3), a(kStream), q(1), q(6), imm(codegen::kBiasLow)});
  if (int8) b.emit(Opcode::kEeZeroQ, {q(6)});
  int first = 0;  // the first chunk of the straight-line taps
  if (s.in_c > kStraightLineChannels) {
    // Pairs of chunks in a loop, each loading the next chunk (always one that exists), then the
    // last one or two chunks straight-line.
    const int trips = (chunks - 1) / 2;
    codegen::inner_loop(b, kT0, trips, [&] {
      for (int c = 0; c < 16; ++c) emit_tap(b, c, int8, true);
    });
    first = 2 * trips;
  }
  for (int c = 8 * first; c < s.in_c; ++c) emit_tap(b, c, int8, c / 8 + 1 < chunks);
  if (const int pad = weight_bytes(s, int8) - (int8 ? s.in_c : 2 * s.in_c); pad > 0)
    b.emit(Opcode::kAddi, {a(kRowsReg), a(kRowsReg), imm(pad)});
  if (int8) b.emit(Opcode::kEeVld128Ip, {q(6), a(kRecord), imm(0)});
  codegen::emit_rqpix_epilogue(b, codegen::RqpixRegs{.record_q = 6,
                                                     .minus_2_15_q = 2,
                                                     .ones_q = 3,
                                                     .vectors = kStream,
                                                     .record = kRecord,
                                                     .save = kSave,
                                                     .shift16 = kShift16,
                                                     .shift15 = kShift15,
                                                     .shift0 = kShift0,
                                                     .t0 = kT0,
                                                     .left_record = s.left_shifts ? kRowsReg : -1});
  b.emit(Opcode::kEeVstL64Ip, {q(7), a(kTile), imm(8)});
}

// One block of 8 pixels for the tile of `channels` output channels whose rows start at frame slot
// kSlotTileRows: a2 its first input pixel, a3 its first output pixel in the tile's first channel
// (both kept).
void emit_block(FunctionBuilder& b, const Shape& s, const ScratchLayout& l, bool int8, int channels) {
  // The input rows: C / 8 transposes of 8 channels.
  b.emit(Opcode::kMov, {a(8), a(kIn)});
  codegen::load_const(b, 11, s.in_c);
  b.emit(Opcode::kAddi, {a(10), a(kScratch), imm(l.rows)});
  b.emit(Opcode::kAddi, {a(9), a(1), imm(codegen::slot_offset(kSlotOffset))});
  b.emit(Opcode::kEeVldbc16, {q(5), a(9)});
  b.emit(Opcode::kEeZeroQ, {q(7)});
  codegen::inner_loop(b, 12, s.in_c / 8, [&] { codegen::emit_transpose8_widen(b); });
  // Every output channel into the tile.
  codegen::load_slot(b, kRowsReg, kSlotTileRows);
  codegen::add_const(b, kTile, kScratch, l.tile, kT0);
  codegen::add_const(b, kSave, kScratch, l.save, kT0);
  b.emit(Opcode::kMovi, {a(kShift16), imm(16)});
  b.emit(Opcode::kMovi, {a(kShift15), imm(15)});
  b.emit(Opcode::kMovi, {a(kShift0), imm(0)});
  codegen::reg_loop(b, kCount, channels, [&] { emit_channel(b, s, int8); });
  // The tile back to the 8 pixels, 8 channels at a time.
  codegen::add_const(b, kTile, kScratch, l.tile, kT0);
  b.emit(Opcode::kMov, {a(4), a(kOut)});
  codegen::load_const(b, kT0, s.out_c);
  codegen::inner_loop(b, kCount, channels / 8, [&] {
    b.emit(Opcode::kMov, {a(kRecord), a(4)});
    codegen::emit_transpose8_bytes(b, kTile, kRecord, kT0);
    b.emit(Opcode::kAddiN, {a(4), a(4), imm(8)});
  });
}

}  // namespace

std::optional<Rejection> conv_pwpix_legal(const Layer& layer, const Variant& variant) {
  PIETUNE_CHECK(layer.op == OpKind::kConv2d) << to_string(layer.op);
  if (auto r = check_types(layer)) return r;
  const reference::ChannelQuantization qz = reference::channel_quantization(layer, reference::RoundingMode::kDouble);
  if (auto r = check_shift_range(qz)) return r;
  const ConvGeometry g = conv_geometry(layer);
  const Shape s = shape_of(layer, qz);
  if (g.kernel_h != 1 || g.kernel_w != 1 || g.stride_h != 1 || g.stride_w != 1 || layer.options.groups != 1)
    return Rejection{"pwpix_shape", fmt::format("kernel {}x{}, stride {}x{}, {} groups: the kernel is for 1x1 "
                                                "convolutions with stride 1 and one group",
                                                g.kernel_h, g.kernel_w, g.stride_h, g.stride_w, layer.options.groups)};
  if (s.in_c % 8 != 0 || s.out_c % 8 != 0)
    return Rejection{"pwpix_shape", fmt::format("{} input and {} output channels: both must be multiples of 8 (8x8 "
                                                "transposes)",
                                                s.in_c, s.out_c)};
  if (s.size < kLanes)
    return Rejection{"pwpix_shape", fmt::format("{} pixels per image: a block needs at least 8", s.size)};
  const AbsWeightSums sums = conv_abs_weight_sums(layer, g);
  if (auto r = check_qacc40_range(sums, s.in_c, "products")) return r;
  if (auto r = check_rqpix_s16(layer, qz, sums)) return r;
  if (variant.number("tilekb") > 0 && tile_channels(s, variant) == s.out_c)
    return Rejection{"pwpix_tile", fmt::format("the {} channel rows ({} bytes each) fit one {} KB tile: the same "
                                               "kernel as tilekb 0",
                                               s.out_c, row_bytes(s, int8_weights(variant)), variant.number("tilekb"))};
  return check_scratch(scratch_of(s).bytes, "the transposed block and the output tile");
}

GeneratedKernel conv_pwpix_generate(const Layer& layer, const Variant& variant) {
  PIETUNE_CHECK(!conv_pwpix_legal(layer, variant)) << variant.name();
  const reference::ChannelQuantization qz = reference::channel_quantization(layer, reference::RoundingMode::kDouble);
  const Shape s = shape_of(layer, qz);
  const ScratchLayout l = scratch_of(s);
  const std::vector<std::int8_t> w = weights_int8(layer);
  const std::vector<std::int32_t> bias = bias_int32(layer, s.out_c);
  const bool int8 = int8_weights(variant);

  GeneratedKernel k;
  k.symbol = variant.symbol();
  k.input_align_bytes = 8;
  k.output_align_bytes = 8;
  ConstantBuffer rows{"channel_rows", {}};
  for (int oc = 0; oc < s.out_c; ++oc) {
    const std::vector<std::uint8_t> record = codegen::rqpix_record(qz, bias[static_cast<std::size_t>(oc)],
                                                                   static_cast<std::size_t>(oc));
    rows.bytes.insert(rows.bytes.end(), record.begin(), record.end());
    const std::size_t row_end = rows.bytes.size() + static_cast<std::size_t>(weight_bytes(s, int8));
    for (int ci = 0; ci < s.in_c; ++ci) {
      const auto u = static_cast<std::uint16_t>(std::int16_t{w[static_cast<std::size_t>(oc * s.in_c + ci)]});
      rows.bytes.push_back(static_cast<std::uint8_t>(u));
      if (!int8) rows.bytes.push_back(static_cast<std::uint8_t>(u >> 8));
    }
    rows.bytes.resize(row_end, 0);
    if (s.left_shifts) {
      const std::vector<std::uint8_t> left = codegen::rqpix_left_record(qz, static_cast<std::size_t>(oc));
      rows.bytes.insert(rows.bytes.end(), left.begin(), left.end());
    }
  }
  PIETUNE_CHECK(rows.bytes.size() == static_cast<std::size_t>(s.out_c) * row_bytes(s, int8));
  k.constants.push_back(std::move(rows));
  k.constants.push_back({"rqpix_vectors", codegen::rqpix_vectors(qz)});
  k.scratch_bytes = static_cast<std::uint32_t>(l.bytes);

  FunctionBuilder b(k.symbol);
  codegen::emit_prologue(b);
  codegen::call_block_to_slots(b, {kSlotRows, kSlotVectors, kSlotScratch}, kScratch);
  codegen::load_const(b, 9, qz.input_offset);
  codegen::store_slot(b, 9, kSlotOffset);
  // The vectors around the block's rows, written once: [-2^15, 1] before, all six after.
  constexpr int kVectors = codegen::kRqpixVectorBytes / 16;
  codegen::load_slot(b, 9, kSlotVectors);
  for (int v = 0; v < kVectors; ++v) b.emit(Opcode::kEeVld128Ip, {q(v), a(9), imm(16)});
  b.emit(Opcode::kMov, {a(10), a(kScratch)});
  b.emit(Opcode::kEeVst128Ip, {q(0), a(10), imm(16)});
  b.emit(Opcode::kEeVst128Ip, {q(1), a(10), imm(16)});
  codegen::add_const(b, 10, kScratch, l.tail, 11);
  for (int v = 0; v < kVectors; ++v) b.emit(Opcode::kEeVst128Ip, {q(v), a(10), imm(16)});

  const int full_blocks = s.size / kLanes, rest = s.size % kLanes;
  const auto advance = [&](int pixels) {
    codegen::add_const(b, kIn, kIn, pixels * s.in_c, 9);
    codegen::add_const(b, kOut, kOut, pixels * s.out_c, 9);
  };
  // Every block of the batch for one tile, then the tile slots past its channels.
  const auto tile = [&](int channels) {
    codegen::load_slot(b, kIn, kSlotInBatch);
    codegen::load_slot(b, kOut, kSlotTileOut);
    codegen::slot_loop(b, kSlotBlock, full_blocks, 9, [&] {
      emit_block(b, s, l, int8, channels);
      advance(kLanes);
    });
    if (rest > 0) {  // the last 8 pixels: overlaps the block before, rewrites the same values
      advance(rest - kLanes);
      emit_block(b, s, l, int8, channels);
    }
    for (const auto& [slot, step] : {std::pair{kSlotTileRows, channels * row_bytes(s, int8)}, std::pair{kSlotTileOut, channels}}) {
      codegen::load_slot(b, 9, slot);
      codegen::add_const(b, 9, 9, step, 10);
      codegen::store_slot(b, 9, slot);
    }
  };
  const int per_tile = tile_channels(s, variant);
  codegen::slot_loop(b, kSlotBatch, s.batches, 9, [&] {
    codegen::store_slot(b, kIn, kSlotInBatch);
    codegen::store_slot(b, kOut, kSlotOutBatch);
    codegen::store_slot(b, kOut, kSlotTileOut);
    codegen::load_slot(b, 9, kSlotRows);
    codegen::store_slot(b, 9, kSlotTileRows);
    codegen::slot_loop(b, kSlotTile, s.out_c / per_tile, 9, [&] { tile(per_tile); });
    if (s.out_c % per_tile > 0) tile(s.out_c % per_tile);
    codegen::load_slot(b, kIn, kSlotInBatch);
    codegen::load_slot(b, kOut, kSlotOutBatch);
    advance(s.size);
  });
  codegen::emit_epilogue(b);
  k.program = single_function_program(std::move(b).finish());
  return k;
}

}  // namespace pietune::kernels::families
