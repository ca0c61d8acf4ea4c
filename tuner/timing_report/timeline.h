// Views over a detailed-mode run for kernel authors: the cycle breakdown, and an llvm-mca-style
// timeline of one steady-state iteration of the hottest loop, each stall with its cause and culprit:
//
//   line  cycle  stall  instruction                              why
//     12      0      .  ee.vld.128.ip q0, a2, 16
//     13      2      1  ee.vmulas.s8.accx q0, q1                 waits 1 cycle for q0 loaded by ee.vld.128.ip at line 12
#pragma once

#include <string>
#include <vector>

#include "model/ir/program.h"
#include "model/timing/cost.h"
#include "model/timing/pipeline.h"

namespace pietune::tuner {

// Collects issue records of one function's instructions as the pipeline produces them.
struct IssueLog {
  std::vector<model::IssueRecord> records;
};

struct TimelineRow {
  std::uint32_t line = 0;  // source line (1-based) or instruction index + 1 when built in code
  double cycle = 0;        // issue cycle relative to the iteration's first instruction
  double stall = 0;
  std::string text;
  std::string why;
};

struct Timeline {
  std::uint32_t first_index = 0, last_index = 0;  // the loop body (instruction indices, inclusive)
  double iteration_cycles = 0;
  std::vector<TimelineRow> rows;
};

// The innermost loop with the most cycles and the rows of its second iteration (the first one
// that runs in steady state; the first iteration if the loop ran once). Empty rows: no loop ran.
Timeline hot_loop_timeline(const model::Function& function, const IssueLog& log);

std::string format_breakdown(const model::Cost& cost);
std::string format_timeline(const Timeline& timeline);

}  // namespace pietune::tuner
