// Fast mode's pointer provenance: which placed buffer each address register points into, followed
// through moves, constant additions, post-increments, frame slots (s32i/l32i off a1) and address
// tables (l32i of word i of a call block gives a pointer to buffer i). Displacements and integer
// constants are tracked where they are known (movi, addi, add of two known values, .ip/.xp/.incp
// steps), so a frame slot or table word is found by its exact offset and an access's place in its
// buffer is known; anything else writing a register clears what it knew.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "model/ir/program.h"

namespace pietune::model {

// An abstract register value: a pointer into `buffer` (kNoBuffer: a plain integer; kFrame: the
// stack frame a1 points to) plus `value`, the displacement or integer, when `known`.
struct AbstractValue {
  static constexpr std::int16_t kNoBuffer = -1;
  static constexpr std::int16_t kFrame = -2;
  std::int16_t buffer = kNoBuffer;
  bool known = false;
  std::int64_t value = 0;
};

class Provenance {
 public:
  static constexpr int kFrameWords = 64;  // frame slots tracked: a1 + 0 .. a1 + 252

  // tables[b]: for a buffer b that is an address table, the buffer id word i points to (-1: none).
  explicit Provenance(const std::vector<std::vector<int>>& tables);

  // Where the memory access of `insn` goes: its buffer (kNoBuffer if none) and displacement.
  AbstractValue access(const Insn& insn) const;
  // Updates the registers `insn` writes (and the frame slots it stores to).
  void step(const Insn& insn);
  // Fast mode skips `iterations` loop iterations: every register and slot that moved by a known
  // step from `one_iteration_earlier` to now moves that step `iterations` more times.
  void extrapolate(const Provenance& one_iteration_earlier, std::int64_t iterations);

 private:
  AbstractValue& reg(const Insn& insn, std::size_t operand) {
    return regs_[static_cast<std::size_t>(insn.operands[operand].value)];
  }
  void store_to_frame(const Insn& insn);
  void post_increment(const Insn& insn);
  AbstractValue load(const AbstractValue& base, std::int64_t offset) const;

  const std::vector<std::vector<int>>* tables_;
  std::array<AbstractValue, 16> regs_{};
  std::array<AbstractValue, kFrameWords> frame_{};
};

}  // namespace pietune::model
