// One executed instruction as the timing model sees it: the emulator's trace (detailed mode) and
// the fast mode's synthetic loop bodies both produce these.
#pragma once

#include <array>
#include <cstdint>

#include "model/ir/program.h"

namespace pietune::model {

// Where a data access goes; decides whether the data cache is involved.
enum class MemRegion : std::uint8_t { kSram, kPsram, kFlash };

struct MemAccess {
  std::uint32_t addr = 0;  // effective (already aligned) address
  std::uint16_t bytes = 0;
  bool store = false;
  MemRegion region = MemRegion::kSram;
};

struct ExecEvent {
  const Insn* insn = nullptr;  // opcode and register operands
  std::uint32_t pc = 0;
  std::uint32_t index = 0;  // instruction index within its function (attribution, timelines)
  std::uint8_t access_count = 0;
  std::array<MemAccess, 2> accesses{};
  bool taken = false;      // a branch was taken, or a jump/return transferred control
  bool loop_back = false;  // the zero-overhead loop engine jumped back to LBEG after this one
  // A call, or a return to a caller inside the program: its bubble is a call cost (the host's
  // call of the entered function and that function's final return are not).
  bool call_flow = false;
  // The instruction is in flash (its function is not in IRAM): fetched through the I-cache.
  bool code_in_flash = false;
  // Window exceptions raised before this instruction ran: overflow4/8/12, underflow4/8/12.
  std::array<std::uint8_t, 6> window_exceptions{};
};

}  // namespace pietune::model
