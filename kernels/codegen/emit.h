// Small emitters every family uses: constants without a literal pool, pointer arithmetic, the
// stack frame, and loops with the trip-count annotations the timing model's fast mode needs.
//
// Frame: every generated function starts with `entry a1, kFrameBytes`; its locals are 32-bit slots
// at a1 + 16 + 4 * slot (the 16 bytes at a1 stay free as the window save area of the ABI).
// Hardware loops: only the innermost loop of a nest may be a zero-overhead LOOPGTZ (there is one
// LBEG/LEND/LCOUNT set); outer loops are counted loops in a register or in a frame slot.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>

#include "model/ir/builder.h"

namespace pietune::kernels::codegen {

using model::FunctionBuilder;

inline constexpr int kFrameBytes = 96;
inline constexpr int kFrameSlots = (kFrameBytes - 16) / 4;
// Byte offset of a frame slot from a1.
inline constexpr int slot_offset(int slot) { return 16 + 4 * slot; }

// entry a1, kFrameBytes.
void emit_prologue(FunctionBuilder& b);
// retw.n.
void emit_epilogue(FunctionBuilder& b);

// reg = value, with movi, or movi + slli/addi steps for values outside movi's -2048..2047.
void load_const(FunctionBuilder& b, int reg, std::int32_t value);
// dst = src + value (addi, addmi + addi, or load_const into tmp then add). tmp != src; tmp may be
// dst only when dst != src.
void add_const(FunctionBuilder& b, int dst, int src, std::int32_t value, int tmp);

// Frame-slot loads and stores (l32i / s32i at slot_offset).
void load_slot(FunctionBuilder& b, int reg, int slot);
void store_slot(FunctionBuilder& b, int reg, int slot);
// Frame slot slots[i] = word i of the call block at a4 (the constant buffers in order, then the
// scratch address), through register tmp.
void call_block_to_slots(FunctionBuilder& b, std::initializer_list<int> slots, int tmp);

// Runs body `trips` times (trips >= 1; once: no loop code). The counter lives in frame slot `slot`,
// so the body may use every register but tmp is clobbered by the loop code between iterations.
void slot_loop(FunctionBuilder& b, int slot, std::int64_t trips, int tmp, const std::function<void()>& body);
// Runs body `trips` times with the counter in register `counter` (the body must keep it).
void reg_loop(FunctionBuilder& b, int counter, std::int64_t trips, const std::function<void()>& body);
// The output-pixel nest of the spatial families: with a7 = the input address of output pixel
// (0, 0)'s window (a batch's first), runs `pixel` for every output pixel, row by row, with a7 at
// its window; a7 advances by col_step per pixel and the row start (kept in frame slot row_slot) by
// row_step per row. Counters in frame slots oy_slot and ox_slot; a8 is clobbered between pixels.
struct OutputPixelLoops {
  int row_slot = 0, oy_slot = 0, ox_slot = 0;
  std::int64_t out_h = 1, out_w = 1;
  std::int64_t col_step = 0, row_step = 0;
};
void emit_output_pixel_loops(FunctionBuilder& b, const OutputPixelLoops& loops, const std::function<void()>& pixel);

// Innermost loop: LOOPGTZ over `count` (loaded with trips) unless trips == 1. The body must not
// contain another loop and must fit the 256-byte loop reach.
void inner_loop(FunctionBuilder& b, int count, std::int64_t trips, const std::function<void()>& body);

}  // namespace pietune::kernels::codegen
