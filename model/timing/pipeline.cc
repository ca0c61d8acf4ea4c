// Issue-time computation with stall attribution.
#include "model/timing/pipeline.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace pietune::model {
namespace {
constexpr double kCycleEpsilon = 1e-6;
}  // namespace

const char* to_string(StallCause cause) {
  switch (cause) {
    case StallCause::kNone: return "none";
    case StallCause::kData: return "data";
    case StallCause::kResource: return "resource";
    case StallCause::kBranch: return "branch";
    case StallCause::kLoop: return "loop";
    case StallCause::kCache: return "cache miss";
    case StallCause::kStore: return "store";
    case StallCause::kCall: return "call";
    case StallCause::kFetch: return "fetch";
  }
  return "?";
}

void Cost::add(StallCause cause, double amount) {
  switch (cause) {
    case StallCause::kNone: issue += amount; break;
    case StallCause::kData: data_stall += amount; break;
    case StallCause::kResource: resource_stall += amount; break;
    case StallCause::kBranch: branch += amount; break;
    case StallCause::kLoop: loop += amount; break;
    case StallCause::kCache: cache_miss += amount; break;
    case StallCause::kStore: store += amount; break;
    case StallCause::kCall: call += amount; break;
    case StallCause::kFetch: fetch += amount; break;
  }
}

Cost cost_between(const Cost& earlier, const Cost& later) {
  Cost d;
  d.cycles = later.cycles - earlier.cycles;
  d.issue = later.issue - earlier.issue;
  d.data_stall = later.data_stall - earlier.data_stall;
  d.resource_stall = later.resource_stall - earlier.resource_stall;
  d.branch = later.branch - earlier.branch;
  d.loop = later.loop - earlier.loop;
  d.cache_miss = later.cache_miss - earlier.cache_miss;
  d.store = later.store - earlier.store;
  d.call = later.call - earlier.call;
  d.fetch = later.fetch - earlier.fetch;
  d.instructions = later.instructions - earlier.instructions;
  d.macs = later.macs - earlier.macs;
  d.cache_misses = later.cache_misses - earlier.cache_misses;
  return d;
}

Pipeline::Pipeline(const Machine& machine, const TimedDescTable& descs)
    : machine_(machine),
      descs_(descs),
      cache_(machine.dcache_size_bytes, machine.dcache_ways, machine.dcache_line_bytes),
      icache_(machine.icache_size_bytes, machine.icache_ways, machine.icache_line_bytes) {}

double Pipeline::fetch_penalty(const ExecEvent& event) {
  const std::uint32_t line = static_cast<std::uint32_t>(machine_.icache_line_bytes);
  const std::uint32_t first = event.pc / line, last = (event.pc + event.insn->desc().size_bytes - 1) / line;
  double penalty = 0;
  for (std::uint32_t l = first; l <= last; ++l)
    if (!icache_.access(l * line, false).hit) penalty += machine_.code_line_fill_cycles();
  return penalty;
}

void Pipeline::warm_code(std::uint32_t begin, std::uint32_t bytes) {
  const std::uint32_t line = static_cast<std::uint32_t>(machine_.icache_line_bytes);
  for (std::uint32_t a = begin / line * line; a < begin + bytes; a += line) icache_.access(a, false);
}

double Pipeline::memory_penalty(const ExecEvent& event, Cost& cost) {
  double penalty = 0;
  for (std::uint8_t i = 0; i < event.access_count; ++i) {
    const MemAccess& access = event.accesses[i];
    if (access.region == MemRegion::kSram) {
      penalty += machine_.sram_latency_cycles;
      continue;
    }
    const bool psram = access.region == MemRegion::kPsram;
    const double fill = psram ? machine_.psram_line_fill_cycles() : machine_.flash_line_fill_cycles();
    const std::uint32_t line = static_cast<std::uint32_t>(machine_.dcache_line_bytes);
    const std::uint32_t first = access.addr / line, last = (access.addr + access.bytes - 1) / line;
    for (std::uint32_t l = first; l <= last; ++l) {
      const CacheOutcome outcome = cache_.access(l * line, access.store);
      if (outcome.hit) continue;
      ++cost.cache_misses;
      penalty += fill;
      if (outcome.wrote_back) penalty += machine_.psram_writeback_cycles_per_byte * line;
    }
  }
  return penalty;
}

void Pipeline::issue(const ExecEvent& event) {
  const Insn& insn = *event.insn;
  const TimedDesc& desc = descs_[insn.opcode];
  const std::int64_t index = count_++;

  // Sequential bound: one per cycle plus the previous instruction's bubble (already in next_min_).
  double t = std::max(next_min_, last_issue_ + 1);
  IssueRecord record;
  record.cause = pending_cause_;
  record.culprit_index = pending_extra_ > 0 ? pending_culprit_ : -1;

  // Code in flash: the instruction waits for its I-cache line(s) before it can issue. Later
  // hazards are measured from then (a data wait overlapping the fill costs nothing more).
  if (event.code_in_flash && simulate_icache_) {
    if (const double fill = fetch_penalty(event); fill > 0) {
      cost_.add(StallCause::kFetch, fill);
      record.cause = StallCause::kFetch;
      record.culprit_index = -1;
      t += fill;
    }
  }

  // Zero-overhead loop: an iteration never takes less than the minimum body time.
  if (body_starts_next_ && loop_back_pending_) {
    const double floor_time = body_start_ + machine_.loop_min_body_cycles;
    if (floor_time > t) {
      cost_.add(StallCause::kLoop, floor_time - t);
      record.cause = StallCause::kLoop;
      t = floor_time;
    }
  }

  // Data hazards.
  double data_bound = t;
  for (const RegUse& use : desc.reads) {
    const int id = use.id(insn);
    const double need = producers_[id].ready - use.stage;
    if (need > data_bound) {
      data_bound = need;
      record.culprit_index = producers_[id].index;
      record.culprit_reg = id;
    }
  }
  if (data_bound > t) {
    cost_.add(StallCause::kData, data_bound - t);
    record.cause = StallCause::kData;
    t = data_bound;
  }

  // Resource hazards: a unit held at stage s by an earlier instruction at cycle issue+s. Issue
  // cycles are fractional (the 1.7-cycle loop floor), so "the same cycle" allows for rounding: a
  // wait that leaves my_cycle one ulp short of their_cycle + 1 must not be retried forever.
  for (bool moved = !desc.units.empty(); moved;) {
    moved = false;
    for (const RecentUse& prev : recent_) {
      for (const UnitUse& mine : desc.units)
        for (const UnitUse& theirs : prev.units) {
          if ((mine.units & theirs.units) == 0) continue;
          const double my_cycle = t + mine.stage, their_cycle = prev.issue + theirs.stage;
          if (std::fabs(my_cycle - their_cycle) < 1.0 - kCycleEpsilon) {
            const double wait = their_cycle + 1 - my_cycle;
            cost_.add(StallCause::kResource, wait);
            record.cause = StallCause::kResource;
            record.culprit_index = prev.index;
            record.culprit_reg = -1;
            t += wait;
            moved = true;
          }
        }
    }
  }

  record.index = event.index;
  record.pc = event.pc;
  record.insn = &insn;
  record.issue_cycle = t;
  record.stall_cycles = t - std::max(last_issue_ + 1, 0.0);
  if (record.stall_cycles <= 0) record.cause = StallCause::kNone;

  // Commit: scoreboard, units, counters.
  for (const RegUse& def : desc.writes) {
    const int id = def.id(insn);
    producers_[id] = {t + def.stage + 1, index};
  }
  if (!desc.units.empty()) {
    recent_[recent_next_] = {t, desc.units, index};
    recent_next_ = (recent_next_ + 1) % recent_.size();
  }
  cost_.issue += 1;
  ++cost_.instructions;
  cost_.macs += desc.macs;
  if (body_starts_next_) body_start_ = t;
  body_starts_next_ = false;
  loop_back_pending_ = false;
  last_issue_ = t;

  // Bubble this instruction leaves for the next one.
  pending_extra_ = 0;
  pending_cause_ = StallCause::kNone;
  pending_culprit_ = index;
  auto leave = [&](StallCause cause, double cycles) {
    if (cycles <= 0) return;
    cost_.add(cause, cycles);
    pending_extra_ += cycles;
    if (pending_cause_ == StallCause::kNone) pending_cause_ = cause;
  };
  last_taken_bubble_ = 0;
  last_loop_back_bubble_ = 0;
  last_loop_back_fetch_ = 0;
  if (event.taken && event.call_flow) {
    // A call or a return inside the program: its bubble is a call cost.
    leave(StallCause::kCall, (desc.flags & kFlagCall) ? machine_.call_penalty : machine_.return_penalty);
  } else if (event.taken) {
    const bool jump = (desc.flags & (kFlagJump | kFlagReturn)) != 0;
    last_taken_bubble_ = jump ? machine_.jump_penalty : machine_.taken_branch_penalty;
    leave(StallCause::kBranch, last_taken_bubble_);
  }
  if (desc.flags & kFlagEntry) leave(StallCause::kCall, machine_.entry_extra_cycles);
  // Window exceptions taken before this instruction ran, charged after it (same total): the
  // exception entry and RFWO/RFWU return, plus the handler's cycles.
  for (std::size_t k = 0; k < event.window_exceptions.size(); ++k)
    if (event.window_exceptions[k] > 0)
      leave(StallCause::kCall, event.window_exceptions[k] * (machine_.window_exception_overhead_cycles +
                                                            machine_.window_handler_cycles[k]));
  if (desc.flags & kFlagStore) leave(StallCause::kStore, machine_.store_extra_cycles);
  if (event.access_count > 0) leave(StallCause::kCache, memory_penalty(event, cost_));
  if (desc.flags & kFlagLoop) {
    leave(StallCause::kLoop, machine_.loop_setup_cycles);
    body_starts_next_ = !event.taken;
  }
  if (event.loop_back) {
    last_loop_back_bubble_ = machine_.loop_back_penalty;
    leave(StallCause::kLoop, machine_.loop_back_penalty);
    // From flash the loop-back refetches LBEG through the instruction cache (free from IRAM).
    if (event.code_in_flash) {
      last_loop_back_fetch_ = machine_.flash_loop_back_cycles;
      leave(StallCause::kFetch, last_loop_back_fetch_);
    }
    body_starts_next_ = true;
    loop_back_pending_ = true;
  }
  next_min_ = t + 1 + pending_extra_;
  if (listener_) listener_(record);
}

void Pipeline::skip(const Cost& per_iteration, std::int64_t iterations) {
  if (iterations <= 0) return;
  const double n = static_cast<double>(iterations);
  const double shift = per_iteration.cycles * n;
  for (const CostCause& cause : kCostCauses) cost_.*cause.field += per_iteration.*cause.field * n;
  cost_.instructions += per_iteration.instructions * static_cast<std::uint64_t>(iterations);
  cost_.macs += per_iteration.macs * static_cast<std::uint64_t>(iterations);
  cost_.cache_misses += per_iteration.cache_misses * static_cast<std::uint64_t>(iterations);
  for (Producer& p : producers_) p.ready += shift;
  for (RecentUse& r : recent_) r.issue += shift;
  last_issue_ += shift;
  next_min_ += shift;
  body_start_ += shift;
  count_ += static_cast<std::int64_t>(per_iteration.instructions) * iterations;
}

Pipeline::Snapshot Pipeline::snapshot() const {
  Snapshot s;
  for (std::size_t id = 0; id < producers_.size(); ++id) s.ready[id] = producers_[id].ready;
  for (std::size_t i = 0; i < recent_.size(); ++i) {
    s.unit_issue[i] = recent_[i].issue;
    s.units[i] = recent_[i].units;
  }
  s.recent_next = recent_next_;
  s.cost = cost_;
  s.last_issue = last_issue_;
  s.next_min = next_min_;
  s.pending_extra = pending_extra_;
  s.body_start = body_start_;
  s.last_taken_bubble = last_taken_bubble_;
  s.last_loop_back_bubble = last_loop_back_bubble_;
  s.last_loop_back_fetch = last_loop_back_fetch_;
  s.count = count_;
  s.pending_cause = pending_cause_;
  s.body_starts_next = body_starts_next_;
  s.loop_back_pending = loop_back_pending_;
  return s;
}

bool Pipeline::same_state(const Snapshot& then, std::uint64_t reads) const {
  for (std::uint64_t m = reads; m != 0; m &= m - 1) {
    const auto id = static_cast<std::size_t>(std::countr_zero(m));
    if (std::max(0.0, producers_[id].ready - next_min_) != std::max(0.0, then.ready[id] - then.next_min)) return false;
  }
  // A unit held at stage <= 2 by an instruction 3 or more cycles back can no longer conflict.
  for (std::size_t i = 0; i < recent_.size(); ++i) {
    const RecentUse& now = recent_[(recent_next_ + i) % recent_.size()];
    const std::size_t j = (then.recent_next + i) % recent_.size();
    const bool live_now = !now.units.empty() && now.issue + 3 > next_min_;
    const bool live_then = !then.units[j].empty() && then.unit_issue[j] + 3 > then.next_min;
    if (live_now != live_then) return false;
    if (!live_now) continue;
    if (now.units.data() != then.units[j].data() || now.issue - next_min_ != then.unit_issue[j] - then.next_min)
      return false;
  }
  auto floor = [&](bool starts, bool back, double start, double next) {
    return starts && back ? std::max(0.0, start + machine_.loop_min_body_cycles - next) : 0.0;
  };
  return floor(body_starts_next_, loop_back_pending_, body_start_, next_min_) ==
         floor(then.body_starts_next, then.loop_back_pending, then.body_start, then.next_min);
}

std::uint64_t Pipeline::reads_of(const Insn& insn) const {
  std::uint64_t mask = 0;
  for (const RegUse& use : descs_[insn.opcode].reads) mask |= std::uint64_t{1} << use.id(insn);
  return mask;
}

void Pipeline::replay(const Snapshot& from, const Snapshot& to) {
  const double shift = next_min_ - from.next_min;
  const std::int64_t moved = count_ - from.count;  // instruction indices move too
  const Cost delta = cost_between(from.cost, to.cost);
  for (const CostCause& cause : kCostCauses) cost_.*cause.field += delta.*cause.field;
  cost_.instructions += delta.instructions;
  cost_.macs += delta.macs;
  cost_.cache_misses += delta.cache_misses;
  for (std::size_t id = 0; id < producers_.size(); ++id) producers_[id] = {to.ready[id] + shift, -1};
  for (std::size_t i = 0; i < recent_.size(); ++i) recent_[i] = {to.unit_issue[i] + shift, to.units[i], -1};
  recent_next_ = to.recent_next;
  last_issue_ = to.last_issue + shift;
  next_min_ = to.next_min + shift;
  pending_extra_ = to.pending_extra;
  body_start_ = to.body_start + shift;
  last_taken_bubble_ = to.last_taken_bubble;
  last_loop_back_bubble_ = to.last_loop_back_bubble;
  last_loop_back_fetch_ = to.last_loop_back_fetch;
  pending_cause_ = to.pending_cause;
  pending_culprit_ = -1;
  count_ = to.count + moved;
  body_starts_next_ = to.body_starts_next;
  loop_back_pending_ = to.loop_back_pending;
}

void Pipeline::fall_through() {
  const double taken = std::max(last_taken_bubble_, 0.0), loop_back = std::max(last_loop_back_bubble_, 0.0);
  const double refetch = std::max(last_loop_back_fetch_, 0.0);
  cost_.branch -= taken;
  cost_.loop -= loop_back;
  cost_.fetch -= refetch;
  next_min_ -= taken + loop_back + refetch;
  pending_extra_ -= taken + loop_back + refetch;
  if (pending_extra_ <= 0) pending_cause_ = StallCause::kNone;
  body_starts_next_ = loop_back_pending_ ? false : body_starts_next_;
  loop_back_pending_ = false;
  last_taken_bubble_ = last_loop_back_bubble_ = last_loop_back_fetch_ = 0;
}

void Pipeline::flush_cache() {
  const double cycles = static_cast<double>(cache_.clean_all()) * machine_.psram_writeback_cycles_per_byte *
                        machine_.dcache_line_bytes;
  cost_.add(StallCause::kCache, cycles);
  next_min_ += cycles;
}

Cost Pipeline::cost() const {
  Cost c = cost_;
  c.cycles = count_ == 0 ? 0 : next_min_;
  return c;
}

}  // namespace pietune::model
