// Detailed timing: runs a function in the emulator and feeds every executed instruction, with its
// real addresses, to the S3 pipeline model. Exact with respect to the machine description.
#pragma once

#include <functional>
#include <span>
#include <string_view>

#include "emu_bridge/emulator.h"
#include "model/timing/pipeline.h"

namespace pietune::emu {

struct TimingOptions {
  std::uint64_t max_instructions = RunOptions{}.max_instructions;
  std::function<void(const model::IssueRecord&)> listener;  // sees every issue record (timelines)
  bool flush_cache_after = false;  // charge the write-back of dirty lines at the end
  // Code in flash (functions not in .iram1*) starts outside the instruction cache; by default it
  // is resident (the code ran before, as in an inference loop that fits the I-cache).
  bool cold_code = false;
};

struct TimedRun {
  RunResult run;
  model::Cost cost;
};

// Calls `symbol` with `args` (the callee's a2..a7) and times it.
TimedRun run_timed(Emulator& emulator, const model::Machine& machine, std::string_view symbol,
                   std::span<const std::uint32_t> args, const TimingOptions& options = {});

model::MemRegion timing_region(Region region);

}  // namespace pietune::emu
