// Fast mode: an analytic cycle estimate for a generator's program without running it.
//
// The function is split into its loop nest (zero-overhead LOOP* bodies and counted backward-branch
// loops, trip counts from the Insn::trip_count annotations). Straight code and the first two
// iterations of every loop go through the same Pipeline as detailed mode; the second is the steady
// state, repeated for the remaining iterations (Pipeline::skip), the last falling through instead
// of going back (Pipeline::fall_through). Work is not repeated where the result is known: a second
// iteration that starts from the same pipeline state as the first costs what the first cost (only
// its pointers are followed), and a loop that runs again from an equivalent state (an inner loop
// in the next iteration of its outer loop: same pipeline state, same values, pointers moved by a
// common step) replays its earlier run (Pipeline::replay). Forward branches are assumed not taken.
// Code: in IRAM, fetch is free; in flash and cold (FastOptions::cold_code), one I-cache fill per line.
// Memory: all accesses are timed as SRAM in the pipeline; buffers placed in PSRAM or flash add a
// cache term (fast_memory.h) from their access streams, found through pointer provenance
// (provenance.h): from the argument that points at a buffer, or from the word of an address table
// an argument points to (a generated kernel's call block), through frame slots too.
// Each buffer pays its compulsory line fills, re-fills of what a loop iteration shares with the
// previous one when one iteration's data does not fit the cache, and write-backs of dirty lines.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "model/ir/program.h"
#include "model/timing/cost.h"
#include "model/timing/exec_event.h"
#include "model/timing/machine.h"
#include "model/timing/timed_desc.h"

namespace pietune::model {

// Where a buffer lives, and its size.
struct BufferPlacement {
  MemRegion region = MemRegion::kSram;
  std::uint32_t size_bytes = 0;
  // The data cache holds the buffer at entry, as far as it can (the previous call touched it: the
  // warm single call of published kernel benchmarks, where the reference ran on the same input
  // and weights first). Cold (false): every line is filled once.
  bool warm = false;
};

struct FastOptions {
  // The buffer each argument register a2..a7 points to at entry (nullopt: not a pointer, or a
  // buffer in SRAM of no interest).
  std::array<std::optional<BufferPlacement>, 6> args;
  // indirect[k]: argument k points to a table of 32-bit addresses (a generated kernel's call
  // block, kernels/registry.h); word i points to the buffer indirect[k][i] (nullopt: a null or
  // untracked word). Pointers loaded with `l32i aX, a<2+k>, 4*i` (and kept in frame slots) count
  // their traffic against that buffer. The table itself is args[k].
  std::array<std::vector<std::optional<BufferPlacement>>, 6> indirect;
  // The function is in flash (Function::iram false) and none of its code is in the instruction
  // cache at entry: each line of its code pays one fill from flash (fast mode assumes all of its
  // code runs, as it walks it all). Warm (false): resident, no fetch cost.
  bool cold_code = false;
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
