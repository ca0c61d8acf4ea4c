// Fast mode: an analytic cycle estimate for a generator's program without running it.
//
// The function is split into its loop nest (zero-overhead LOOP* bodies and counted backward-branch
// loops, trip counts from the Insn::trip_count annotations). Straight code and the first
// iterations of every loop go through the same Pipeline as detailed mode; once a loop reaches its
// steady state, the remaining iterations are accounted as copies of the last measured one
// (Pipeline::skip), and the final iteration is simulated so the exit is exact. Forward branches
// are assumed not taken. Memory: all accesses are timed as SRAM in the pipeline; buffers placed in
// PSRAM or flash add a cache term from their access streams: the bytes each buffer loads and
// stores (counted through the pointer registers derived from the argument that points at it)
// against the cache capacity (compulsory misses if every cached buffer fits, else one miss per
// line streamed).
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "model/ir/program.h"
#include "model/timing/cost.h"
#include "model/timing/exec_event.h"
#include "model/timing/machine.h"
#include "model/timing/timed_desc.h"

namespace pietune::model {

// Where the buffer an argument register (a2..a7 at entry) points to lives, and its size.
struct BufferPlacement {
  MemRegion region = MemRegion::kSram;
  std::uint32_t size_bytes = 0;
};

struct FastOptions {
  std::array<std::optional<BufferPlacement>, 6> args;  // a2..a7
};

class FastModel {
 public:
  explicit FastModel(const Machine& machine);
  // Throws InputError if a loop lacks its trip-count annotation.
  Cost estimate(const Function& function, const FastOptions& options = {}) const;

 private:
  const Machine& machine_;
  TimedDescTable descs_;
};

}  // namespace pietune::model
