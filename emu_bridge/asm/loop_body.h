// The zero-overhead loop encoding limit: LEND = loop address + 4 + 8-bit offset (facts §5.6), so the
// body (from the instruction after LOOP* to its end label) is 1..256 bytes and follows the loop.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "model/ir/program.h"

namespace pietune::emu {

inline constexpr std::uint32_t kMaxLoopBodyBytes = 256;

struct LoopBodyProblem {
  std::size_t insn_index = 0;  // the LOOP/LOOPNEZ/LOOPGTZ instruction
  std::string message;         // "loop body is 260 bytes, more than 256 (end label '.Lend')"
};

// The first loop instruction of the function whose end label cannot be encoded, if any. Every label
// operand must be bound (the caller checks that first).
std::optional<LoopBodyProblem> find_bad_loop_body(const model::Function& function);

}  // namespace pietune::emu
