// Constants, pointer arithmetic, frame slots and annotated loops for the generators.
#include "kernels/codegen/emit.h"

#include "model/support/error.h"

namespace pietune::kernels::codegen {

using model::a;
using model::imm;
using model::Opcode;

void emit_prologue(FunctionBuilder& b) { b.emit(Opcode::kEntry, {a(1), imm(kFrameBytes)}); }
void emit_epilogue(FunctionBuilder& b) { b.emit(Opcode::kRetwN, {}); }

void load_const(FunctionBuilder& b, int reg, std::int32_t value) {
  if (value >= -2048 && value <= 2047) {
    b.emit(Opcode::kMovi, {a(reg), imm(value)});
    return;
  }
  // value = hi * 256 + lo with lo in -128..127.
  std::int64_t lo = value & 0xFF;
  std::int64_t hi = static_cast<std::int64_t>(value) >> 8;
  if (lo >= 128) {
    lo -= 256;
    hi += 1;
  }
  load_const(b, reg, static_cast<std::int32_t>(hi));
  b.emit(Opcode::kSlli, {a(reg), a(reg), imm(8)});
  if (lo != 0) b.emit(Opcode::kAddi, {a(reg), a(reg), imm(static_cast<std::int32_t>(lo))});
}

void add_const(FunctionBuilder& b, int dst, int src, std::int32_t value, int tmp) {
  if (value == 0) {
    if (dst != src) b.emit(Opcode::kMov, {a(dst), a(src)});
    return;
  }
  if (value >= -128 && value <= 127) {
    b.emit(Opcode::kAddi, {a(dst), a(src), imm(value)});
    return;
  }
  std::int64_t lo = value & 0xFF;
  std::int64_t hi = static_cast<std::int64_t>(value) - lo;
  if (lo >= 128) {
    lo -= 256;
    hi += 256;
  }
  if (hi >= -32768 && hi <= 32512) {
    b.emit(Opcode::kAddmi, {a(dst), a(src), imm(static_cast<std::int32_t>(hi))});
    if (lo != 0) b.emit(Opcode::kAddi, {a(dst), a(dst), imm(static_cast<std::int32_t>(lo))});
    return;
  }
  PIETUNE_CHECK(tmp != src) << "add_const: tmp a" << tmp << " is the source";
  load_const(b, tmp, value);
  b.emit(Opcode::kAdd, {a(dst), a(src), a(tmp)});
}

void load_slot(FunctionBuilder& b, int reg, int slot) {
  PIETUNE_CHECK(slot >= 0 && slot < kFrameSlots) << slot;
  b.emit(Opcode::kL32i, {a(reg), a(1), imm(slot_offset(slot))});
}

void store_slot(FunctionBuilder& b, int reg, int slot) {
  PIETUNE_CHECK(slot >= 0 && slot < kFrameSlots) << slot;
  b.emit(Opcode::kS32i, {a(reg), a(1), imm(slot_offset(slot))});
}

void call_block_to_slots(FunctionBuilder& b, std::initializer_list<int> slots, int tmp) {
  int word = 0;
  for (int slot : slots) {
    b.emit(Opcode::kL32i, {a(tmp), a(4), imm(4 * word++)});
    store_slot(b, tmp, slot);
  }
}

void slot_loop(FunctionBuilder& b, int slot, std::int64_t trips, int tmp, const std::function<void()>& body) {
  PIETUNE_CHECK(trips >= 1 && trips <= INT32_MAX) << trips;
  if (trips == 1) {
    body();
    return;
  }
  load_const(b, tmp, static_cast<std::int32_t>(trips));
  store_slot(b, tmp, slot);
  model::Label top = b.new_label("slot_loop");
  b.bind(top);
  body();
  load_slot(b, tmp, slot);
  b.emit(Opcode::kAddi, {a(tmp), a(tmp), imm(-1)});
  store_slot(b, tmp, slot);
  b.emit(Opcode::kBnez, {a(tmp), model::target(top)}).trip_count = trips;
}

void reg_loop(FunctionBuilder& b, int counter, std::int64_t trips, const std::function<void()>& body) {
  PIETUNE_CHECK(trips >= 1 && trips <= INT32_MAX) << trips;
  if (trips == 1) {
    body();
    return;
  }
  load_const(b, counter, static_cast<std::int32_t>(trips));
  b.counted_loop(a(counter), trips, body);
}

void inner_loop(FunctionBuilder& b, int count, std::int64_t trips, const std::function<void()>& body) {
  PIETUNE_CHECK(trips >= 1 && trips <= INT32_MAX) << trips;
  if (trips == 1) {
    body();
    return;
  }
  load_const(b, count, static_cast<std::int32_t>(trips));
  b.zero_overhead_loop(Opcode::kLoopgtz, a(count), trips, body);
}

void emit_output_pixel_loops(FunctionBuilder& b, const OutputPixelLoops& loops, const std::function<void()>& pixel) {
  constexpr int kWindow = 7, kTmp = 8;
  store_slot(b, kWindow, loops.row_slot);
  slot_loop(b, loops.oy_slot, loops.out_h, kTmp, [&] {
    load_slot(b, kWindow, loops.row_slot);
    slot_loop(b, loops.ox_slot, loops.out_w, kTmp, [&] {
      pixel();
      add_const(b, kWindow, kWindow, static_cast<std::int32_t>(loops.col_step), kTmp);
    });
    load_slot(b, kWindow, loops.row_slot);
    add_const(b, kWindow, kWindow, static_cast<std::int32_t>(loops.row_step), kTmp);
    store_slot(b, kWindow, loops.row_slot);
  });
}

}  // namespace pietune::kernels::codegen
