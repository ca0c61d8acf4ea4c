// The S3 issue model: in order, single issue, 5 stages. Each executed instruction issues at the
// earliest cycle that satisfies
//   - one instruction per cycle, plus the bubbles the previous one left (taken branch, jump,
//     store cost, data-cache line fill, zero-overhead loop minimum body time);
//   - code in flash: the instruction-cache line fills its bytes need, and a zero-overhead
//     loop-back's refetch through the cache (code in IRAM is fetched 4 bytes per cycle, never the
//     bottleneck for one 2-4-byte instruction per cycle, and loops back for free);
//   - data hazards: issue >= producer issue + D with D = max(def - use + 1, 0) (TRM §1.7.1),
//     for registers and implicit special registers alike;
//   - resource hazards: no functional unit held by two instructions in the same cycle (§1.7.2).
// Every cycle of delay is attributed to one StallCause with its culprit, so Cost's breakdown sums
// to its total. Detailed mode feeds it the emulator's trace; fast mode feeds it loop bodies.
#pragma once

#include <array>
#include <functional>

#include "model/timing/cost.h"
#include "model/timing/data_cache.h"
#include "model/timing/exec_event.h"
#include "model/timing/timed_desc.h"

namespace pietune::model {

// What happened to one instruction: when it issued, how long it waited and why.
struct IssueRecord {
  std::uint32_t index = 0;  // instruction index in its function
  std::uint32_t pc = 0;
  const Insn* insn = nullptr;
  double issue_cycle = 0;
  double stall_cycles = 0;
  StallCause cause = StallCause::kNone;
  std::int64_t culprit_index = -1;  // instruction that caused the stall, -1 if none
  int culprit_reg = -1;             // scoreboard register id for data stalls
};

class Pipeline {
 public:
  Pipeline(const Machine& machine, const TimedDescTable& descs);

  void issue(const ExecEvent& event);
  // Cost so far, including the bubble the last instruction leaves behind.
  Cost cost() const;
  void set_listener(std::function<void(const IssueRecord&)> listener) { listener_ = std::move(listener); }
  DataCache& cache() { return cache_; }
  // Fast mode: account `iterations` more copies of a steady-state loop iteration whose cost was
  // `per_iteration`, shifting the pipeline's clock so that what follows sees the same state.
  void skip(const Cost& per_iteration, std::int64_t iterations);
  // Fast mode, after skipping to a loop's last iteration: the last instruction issued (the loop's
  // backward branch, or the last of a zero-overhead body) falls through instead of going back, so
  // the bubble and loop-back state it left are taken back.
  void fall_through();
  // Everything the pipeline holds, for fast mode to replay a stretch of code run before.
  struct Snapshot;
  Snapshot snapshot() const;
  // Whether the next instructions would see the same as from `then`: the same waits for the
  // scoreboard ids in `reads` (the operands they read), units still held, zero-overhead loop
  // floor. Then the same instruction sequence takes the same cycles.
  bool same_state(const Snapshot& then, std::uint64_t reads) const;
  // The code that took an earlier run from `from` to `to` runs again from a state equivalent to
  // `from`: this pipeline moves to `to`, shifted to the current cycle, and pays its cost.
  void replay(const Snapshot& from, const Snapshot& to);
  // Scoreboard ids (bit per id) the instruction reads.
  std::uint64_t reads_of(const Insn& insn) const;
  // Writes every dirty PSRAM line back (what a harness that flushes the cache after the timed
  // code pays), charged as cache cycles.
  void flush_cache();
  // Puts the code at [begin, begin + bytes) in the instruction cache (a warm-code scenario: the
  // function ran before and nothing evicted it).
  void warm_code(std::uint32_t begin, std::uint32_t bytes);
  // Detailed mode: instructions in flash look their addresses up in the instruction cache (fast
  // mode has no addresses: it charges cold code as a term of its own).
  void simulate_instruction_cache() { simulate_icache_ = true; }

 private:
  struct Producer {
    double ready = 0;  // earliest issue cycle for a reader at stage 0
    std::int64_t index = -1;
  };
  struct RecentUse {
    double issue = 0;
    std::span<const UnitUse> units;
    std::int64_t index = -1;
  };

  double memory_penalty(const ExecEvent& event, Cost& cost);
  double fetch_penalty(const ExecEvent& event);

 public:
  // Culprit indices are not kept: replays serve fast mode, which has no timeline.
  struct Snapshot {
    std::array<double, kRegIdCount> ready{};
    std::array<double, 3> unit_issue{};
    std::array<std::span<const UnitUse>, 3> units{};
    std::size_t recent_next = 0;
    Cost cost;
    double last_issue = 0, next_min = 0, pending_extra = 0, body_start = 0;
    double last_taken_bubble = 0, last_loop_back_bubble = 0, last_loop_back_fetch = 0;
    std::int64_t count = 0;
    StallCause pending_cause = StallCause::kNone;
    bool body_starts_next = false, loop_back_pending = false;
  };

 private:
  const Machine& machine_;
  const TimedDescTable& descs_;
  DataCache cache_;
  DataCache icache_;  // same organisation as the data cache: set-associative LRU
  std::array<Producer, kRegIdCount> producers_{};
  std::array<RecentUse, 3> recent_{};  // the last instructions that held units (M is at most 2 ahead)
  std::size_t recent_next_ = 0;
  Cost cost_;
  double last_issue_ = -1;
  double next_min_ = 0;            // earliest issue for the next instruction (sequential bound)
  StallCause pending_cause_ = StallCause::kNone;
  double pending_extra_ = 0;       // bubble left by the previous instruction, already in next_min_
  std::int64_t pending_culprit_ = -1;
  double body_start_ = 0;          // issue cycle of the current zero-overhead loop iteration's first insn
  bool body_starts_next_ = false;
  bool loop_back_pending_ = false;
  double last_taken_bubble_ = 0;     // branch bubble the last instruction left (fall_through)
  double last_loop_back_bubble_ = 0;  // loop-back bubble the last instruction left
  double last_loop_back_fetch_ = 0;   // its refetch through the instruction cache (code in flash)
  bool simulate_icache_ = false;      // look instruction addresses up in icache_ (detailed mode)
  std::int64_t count_ = 0;
  std::function<void(const IssueRecord&)> listener_;
};

}  // namespace pietune::model
