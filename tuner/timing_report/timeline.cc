// Hot-loop detection and the text views of a timed run.
#include "tuner/timing_report/timeline.h"

#include <fmt/format.h>

#include <map>

#include "emu_bridge/emulator.h"
#include "model/timing/timed_desc.h"

namespace pietune::tuner {
namespace {

struct LoopRange {
  std::uint32_t first = 0, last = 0;  // body, inclusive
};

// Bodies of zero-overhead loops and of backward-branch loops.
std::vector<LoopRange> loop_ranges(const model::Function& f) {
  std::vector<LoopRange> loops;
  for (std::uint32_t i = 0; i < f.insns.size(); ++i) {
    const model::InsnDesc& d = f.insns[i].desc();
    const auto label = d.label_operand();
    if (!label) continue;
    const auto target = f.label_position(static_cast<std::uint32_t>(f.insns[i].operands[*label].value));
    if (!target) continue;
    if (d.has(model::kFlagLoop) && *target > i + 1) loops.push_back({i + 1, *target - 1});
    if (d.has(model::kFlagBranch) && *target <= i) loops.push_back({*target, i});
  }
  return loops;
}

std::uint32_t line_of(const model::Insn& insn, std::uint32_t index) {
  return insn.source_line != 0 ? insn.source_line : index + 1;
}

}  // namespace

Timeline hot_loop_timeline(const model::Function& function, const IssueLog& log) {
  Timeline timeline;
  // Cycles spent per instruction index (its issue cycle plus stall before it).
  std::map<std::uint32_t, double> cycles;
  for (const model::IssueRecord& r : log.records) cycles[r.index] += 1 + r.stall_cycles;
  std::vector<LoopRange> loops = loop_ranges(function);
  auto total_of = [&](const LoopRange& loop) {
    double total = 0;
    for (std::uint32_t i = loop.first; i <= loop.last; ++i) total += cycles.count(i) ? cycles[i] : 0;
    return total;
  };
  // The loop with the most cycles, then descend into an inner loop while one holds at least half.
  const LoopRange* hot = nullptr;
  double hot_cycles = 0;
  for (const LoopRange& loop : loops)
    if (const double t = total_of(loop); t > hot_cycles) hot = &loop, hot_cycles = t;
  for (bool descended = hot != nullptr; descended;) {
    descended = false;
    for (const LoopRange& loop : loops) {
      const bool inner = loop.first >= hot->first && loop.last <= hot->last && (loop.first != hot->first || loop.last != hot->last);
      if (const double t = total_of(loop); inner && t * 2 >= hot_cycles) {
        hot = &loop;
        hot_cycles = t;
        descended = true;
        break;
      }
    }
  }
  if (!hot) return timeline;
  timeline.first_index = hot->first;
  timeline.last_index = hot->last;
  // Iterations start at each record of the body's first instruction; take the second if any.
  std::vector<std::size_t> starts;
  for (std::size_t k = 0; k < log.records.size(); ++k)
    if (log.records[k].index == hot->first) starts.push_back(k);
  if (starts.empty()) return timeline;
  const std::size_t begin = starts.size() > 1 ? starts[1] : starts[0];
  const double t0 = log.records[begin].issue_cycle;
  double end_cycle = t0;
  for (std::size_t k = begin; k < log.records.size(); ++k) {
    const model::IssueRecord& r = log.records[k];
    if (k != begin && r.index == hot->first) {
      end_cycle = r.issue_cycle;
      break;
    }
    if (r.index < hot->first || r.index > hot->last) continue;
    TimelineRow row;
    row.line = line_of(*r.insn, r.index);
    row.cycle = r.issue_cycle - t0;
    row.stall = k == begin ? 0 : r.stall_cycles;
    row.text = emu::format_insn(function, *r.insn);
    if (row.stall > 0) {
      // Culprit records are addressed by their position in the run (IssueRecord::culprit_index).
      const model::IssueRecord* c =
          r.culprit_index >= 0 && static_cast<std::size_t>(r.culprit_index) < log.records.size()
              ? &log.records[static_cast<std::size_t>(r.culprit_index)]
              : nullptr;
      const std::string by = c ? fmt::format("{} at line {}", c->insn->desc().mnemonic, line_of(*c->insn, c->index)) : "";
      switch (r.cause) {
        case model::StallCause::kData:
          row.why = fmt::format("waits {:g} cycle{} for {} written by {}", row.stall, row.stall == 1 ? "" : "s",
                                model::reg_name(r.culprit_reg), by);
          break;
        case model::StallCause::kResource:
          row.why = fmt::format("waits {:g} cycle{} for a functional unit held by {}", row.stall,
                                row.stall == 1 ? "" : "s", by);
          break;
        default:
          row.why = fmt::format("{:g} cycle{} of {} after {}", row.stall, row.stall == 1 ? "" : "s",
                                model::to_string(r.cause), by);
      }
    }
    timeline.rows.push_back(row);
    end_cycle = r.issue_cycle + 1;
  }
  timeline.iteration_cycles = end_cycle - t0;
  return timeline;
}

std::string format_breakdown(const model::Cost& c) {
  std::string out = fmt::format("cycles        {:>12.1f}\ninstructions  {:>12}\n", c.cycles, c.instructions);
  auto line = [&](const char* name, double v) {
    out += fmt::format("  {:<14}{:>10.1f}  {:5.1f}%\n", name, v, c.cycles > 0 ? 100.0 * v / c.cycles : 0.0);
  };
  // call and fetch only where they occur (code that calls; code in flash).
  for (const model::CostCause& cause : model::kCostCauses)
    if (c.*cause.field != 0 || (cause.field != &model::Cost::call && cause.field != &model::Cost::fetch))
      line(cause.label, c.*cause.field);
  out += fmt::format("MACs          {:>12}\nMAC/cycle     {:>12.2f}  ({:.1f}% of the 16 MAC/cycle peak)\n", c.macs,
                     c.macs_per_cycle(), 100.0 * c.peak_utilisation());
  if (c.cache_misses) out += fmt::format("cache misses  {:>12}\n", c.cache_misses);
  return out;
}

std::string format_timeline(const Timeline& t) {
  if (t.rows.empty()) return "no loop was executed: no timeline\n";
  std::string out = fmt::format("hottest loop: one steady-state iteration, {:g} cycles\n\n", t.iteration_cycles);
  out += fmt::format("{:>5}  {:>6}  {:>5}  {:<44} {}\n", "line", "cycle", "stall", "instruction", "why");
  for (const TimelineRow& r : t.rows)
    out += fmt::format("{:>5}  {:>6g}  {:>5}  {:<44} {}\n", r.line, r.cycle, r.stall > 0 ? fmt::format("{:g}", r.stall) : ".",
                       r.text, r.why);
  return out;
}

}  // namespace pietune::tuner
