// Fast mode's pointer provenance: which placed buffer each address register points into, followed
// through moves, constant additions, post-increments, frame slots (s32i/l32i off a1) and address
// tables (l32i of word i of a call block gives a pointer to buffer i). Displacements and integer
// constants are tracked where they are known (movi, addi, add of two known values, .ip/.xp/.incp
// steps), so a frame slot or table word is found by its exact offset and an access's place in its
// buffer is known; anything else writing a register clears what it knew.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <vector>

#include "model/ir/program.h"

namespace pietune::model {

// An abstract register value: a pointer into `buffer` (kNoBuffer: a plain integer; kFrame: the
// stack frame a1 points to) plus `value`, the displacement or integer, when `known`.
// 32-bit like the registers; a result that does not fit is not known.
struct AbstractValue {
  static constexpr std::int16_t kNoBuffer = -1;
  static constexpr std::int16_t kFrame = -2;
  std::int16_t buffer = kNoBuffer;
  bool known = false;
  std::int32_t value = 0;

  // `buffer` + `v`, known when v fits.
  static AbstractValue of(std::int16_t buffer, std::int64_t v) {
    const bool fits = v >= INT32_MIN && v <= INT32_MAX;
    return {buffer, fits, fits ? static_cast<std::int32_t>(v) : 0};
  }
};

struct AddressForm;  // how an opcode addresses memory and which registers it writes (provenance.cc)

// Registers and frame words (a1 + 4 * i) a piece of code reads before writing them, or writes.
struct RegisterSet {
  std::uint16_t regs = 0;
  std::uint64_t frame = 0;
};

// What a stretch of code reads before writing it (`reads`) and what it writes; frame words are
// those addressed as a1 + immediate.
struct RegisterUse {
  RegisterSet reads, writes;
};
// One instruction's.
RegisterUse register_use(const Insn& insn);
// Extends `code` with `next`, which runs after it.
void append(RegisterUse& code, const RegisterUse& next);

class Provenance {
 public:
  static constexpr int kFrameWords = 32;  // frame slots tracked: a1 + 0 .. a1 + 124

  // tables[b]: for a buffer b that is an address table, the buffer id word i points to (-1: none).
  explicit Provenance(const std::vector<std::vector<int>>& tables);

  // Where the memory access of `insn` goes: its buffer (kNoBuffer if none) and displacement.
  AbstractValue access(const Insn& insn) const;
  // Updates the registers `insn` writes (and the frame slots it stores to).
  void step(const Insn& insn);
  // Fast mode skips `iterations` loop iterations: every register and slot that moved by a known
  // step from `one_iteration_earlier` to now moves that step `iterations` more times.
  void extrapolate(const Provenance& one_iteration_earlier, std::int64_t iterations);

  // Re-use of a simulated stretch of code (a loop run before): true if every value in `live_in`
  // equals the one it had in `then`, except for pointers into a buffer that all moved by the same
  // amount (shift[b], NaN where no live value says; tables and the frame never move).
  bool same_up_to_shift(const Provenance& then, const RegisterSet& live_in, std::vector<double>& shift) const;
  // Takes the values in `written` from `then_after` (the state that stretch of code left), each
  // pointer moved by its buffer's shift (none where it is NaN).
  void replay(const Provenance& then_after, const RegisterSet& written, const std::vector<double>& shift);

 private:
  AbstractValue& reg(const Insn& insn, std::size_t operand) {
    return regs_[static_cast<std::size_t>(insn.operands[operand].value)];
  }
  void store_to_frame(const Insn& insn);
  void post_increment(const Insn& insn);
  AbstractValue load(const AbstractValue& base, std::int64_t offset) const;

  const std::vector<std::vector<int>>* tables_;
  const AddressForm* forms_;  // per opcode
  std::array<AbstractValue, 16> regs_{};
  std::array<AbstractValue, kFrameWords> frame_{};
};

}  // namespace pietune::model
