// Fast mode: loop-nest decomposition, steady-state loop compression and the memory term.
#include "model/timing/fast_model.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <optional>

#include "model/support/error.h"
#include "model/timing/fast_memory.h"
#include "model/timing/pipeline.h"
#include "model/timing/provenance.h"

namespace pietune::model {
namespace {

// Instructions whose operands a wait left at the start of a loop iteration can still delay: a
// wait is at most 3 cycles (a result defined at W), and each instruction takes at least one.
constexpr int kHeadInstructions = 4;

// Bytes one execution of a load/store moves, from the mnemonic's width field.
std::uint32_t access_bytes(const InsnDesc& d) {
  const std::string_view m = d.mnemonic;
  auto has = [&](std::string_view s) { return m.find(s) != std::string_view::npos; };
  if (has("ldbc.incp")) return has("8.") ? 1 : 2;  // MAC with a broadcast load of one element
  if (m.starts_with("l8") || m.starts_with("s8") || has("vldbc.8")) return 1;
  if (m.starts_with("l16") || m.starts_with("s16") || has("vldbc.16")) return 2;
  if (m.starts_with("l32") || m.starts_with("s32") || has("vldbc.32") || has(".h.32.")) return 4;
  if (has(".64.") || has("accx.ip")) return 8;
  return 16;
}

// What fast mode needs of an opcode, looked up once: flags, label operand, bytes accessed.
struct OpInfo {
  std::uint16_t flags = 0;
  std::int8_t label = -1;
  std::uint32_t bytes = 0;
};

const std::vector<OpInfo>& op_info() {
  static const std::vector<OpInfo> table = [] {
    std::vector<OpInfo> t;
    for (const InsnDesc& d : all_insns())
      t.push_back({d.flags, d.label_operand() ? static_cast<std::int8_t>(*d.label_operand()) : std::int8_t{-1},
                   access_bytes(d)});
    return t;
  }();
  return table;
}

// The loop nest: straight runs of instructions, zero-overhead loops (`insn` = the LOOP*, body
// after it) and counted loops closed by a backward branch (`insn` = the branch).
struct Node {
  enum class Kind { kRun, kZeroOverheadLoop, kBranchLoop } kind = Kind::kRun;
  std::uint32_t begin = 0, end = 0;  // kRun: instructions [begin, end); loops: the iterated ones
  std::uint32_t insn = 0;
  std::vector<Node> body;
  std::int64_t trips = 0;
  int id = -1;                        // loops: index of their memo
  // What one pass over the node reads first and writes; found when a replay first needs it.
  mutable std::optional<RegisterUse> use;
};

// A loop's last simulated execution, replayed when it runs again from an equivalent state.
struct Memo {
  std::optional<Provenance> entry, after;
  Pipeline::Snapshot pipe_before, pipe_after;
  Traffic traffic{0};
  Extents extents;
};

// Storage kept from one estimate to the next on the same thread (no allocation per estimate).
struct Workspace {
  std::vector<std::int64_t> back_branch, label_at;
  std::vector<Extents> open, pool;
  std::vector<Memo> memos;
  std::vector<double> shift;
};

class NestParser {
 public:
  int loops = 0;

  NestParser(const Function& f, Workspace& ws) : f_(f), back_branch_(ws.back_branch), label_at_(ws.label_at) {
    back_branch_.assign(f.insns.size() + 1, -1);
    std::uint32_t labels = 0;
    for (const LabelDef& def : f.label_defs) labels = std::max(labels, def.id + 1);
    label_at_.assign(labels, -1);
    for (const LabelDef& def : f.label_defs) label_at_[def.id] = def.position;
    for (std::uint32_t j = 0; j < f.insns.size(); ++j) {
      const Insn& insn = f.insns[j];
      const std::uint16_t flags = ops_[static_cast<std::size_t>(insn.opcode)].flags;
      // Fast mode is analytic over one function's loop nest: a call leaves it (and may raise window
      // exceptions that depend on the call depth), so only detailed mode times code that calls.
      if (flags & kFlagCall)
        throw InputError(fmt::format("{}: instruction {} ({}): fast mode times one function's loop nest and cannot "
                                     "follow calls; time this code in detailed mode",
                                     f.name, j, insn.desc().mnemonic));
      if (!(flags & kFlagBranch)) continue;
      const std::int64_t target = label(insn);
      if (target < 0 || target > j) continue;
      std::int64_t& furthest = back_branch_[static_cast<std::size_t>(target)];
      furthest = std::max<std::int64_t>(furthest, j);
    }
  }

  std::vector<Node> parse(std::uint32_t begin, std::uint32_t end) {
    std::vector<Node> nodes;
    auto straight = [&](std::uint32_t i) {
      if (nodes.empty() || nodes.back().kind != Node::Kind::kRun)
        nodes.push_back(Node{Node::Kind::kRun, i, i, 0, {}, 0, -1, {}});
      nodes.back().end = i + 1;
    };
    for (std::uint32_t i = begin; i < end;) {
      const std::int64_t j = back_branch_[i];
      const Insn& insn = f_.insns[i];
      if (j >= 0 && j < static_cast<std::int64_t>(end)) {
        const auto branch = static_cast<std::uint32_t>(j);
        nodes.push_back(loop(Node::Kind::kBranchLoop, i, branch + 1, branch, parse(i, branch)));
        i = branch + 1;
      } else if (ops_[static_cast<std::size_t>(insn.opcode)].flags & kFlagLoop) {
        const std::int64_t target = label(insn);
        PIETUNE_CHECK(target > i && target <= end) << f_.name << ": loop end outside its parent";
        const auto loop_end = static_cast<std::uint32_t>(target);
        nodes.push_back(loop(Node::Kind::kZeroOverheadLoop, i + 1, loop_end, i, parse(i + 1, loop_end)));
        i = loop_end;
      } else {
        straight(i);
        ++i;
      }
    }
    return nodes;
  }

 private:
  Node loop(Node::Kind kind, std::uint32_t begin, std::uint32_t end, std::uint32_t insn, std::vector<Node> body) {
    return Node{kind, begin, end, insn, std::move(body), trips(insn), loops++, {}};
  }

  // Position of the instruction a branch or loop instruction's label names (-1: none).
  std::int64_t label(const Insn& insn) const {
    const auto operand = static_cast<std::size_t>(ops_[static_cast<std::size_t>(insn.opcode)].label);
    const auto id = static_cast<std::size_t>(insn.operands[operand].value);
    return id < label_at_.size() ? label_at_[id] : -1;
  }

  std::int64_t trips(std::uint32_t i) const {
    const std::int64_t t = f_.insns[i].trip_count;
    if (t == kUnknownTrips)
      throw InputError(fmt::format("{}: instruction {} ({}): loop without a trip-count annotation", f_.name, i,
                                   f_.insns[i].desc().mnemonic));
    return t;
  }

  const Function& f_;
  const OpInfo* ops_ = op_info().data();
  std::vector<std::int64_t>& back_branch_;  // per label position: the furthest backward branch to it
  std::vector<std::int64_t>& label_at_;     // per label id: its position
};

class Simulator {
 public:
  Simulator(const Machine& m, const Function& f, Pipeline& pipe, const BufferSet& buffers, int loops, Workspace& ws)
      : machine_(m), f_(f), pipe_(pipe), buffers_(buffers), provenance_(buffers.tables),
        traffic_(buffers.placement.size()), open_(ws.open), pool_(ws.pool), memos_(ws.memos), shift_(ws.shift) {
    for (Extents& e : open_) pool_.push_back(std::move(e));
    open_.clear();
    if (memos_.size() < static_cast<std::size_t>(loops)) memos_.resize(static_cast<std::size_t>(loops));
    for (Memo& memo : memos_) {
      if (!memo.extents.empty()) pool_.push_back(std::move(memo.extents));
      memo.extents.clear();
      memo.entry.reset();
      memo.after.reset();
    }
    open_.push_back(spare());
    for (Extent& e : open_.back()) e = Extent{};
  }

  void run(const std::vector<Node>& nodes, bool loop_back_at_end = false) {
    for (std::size_t i = 0; i < nodes.size(); ++i) run_node(nodes[i], loop_back_at_end && i + 1 == nodes.size());
  }

  const Traffic& traffic() const { return traffic_; }
  const Extents& footprint() const { return open_.front(); }

 private:
  // `loop_back`: the node ends a zero-overhead body that goes back after it.
  void run_node(const Node& node, bool loop_back) {
    switch (node.kind) {
      case Node::Kind::kRun:
        for (std::uint32_t i = node.begin; i < node.end; ++i) issue(i, false, loop_back && i + 1 == node.end);
        break;
      case Node::Kind::kZeroOverheadLoop:
        issue(node.insn, node.trips <= 0, false);  // LOOPNEZ/LOOPGTZ skip an empty loop
        execute(node);
        break;
      case Node::Kind::kBranchLoop: execute(node); break;
    }
  }

  // A loop run before from an equivalent state (the same pipeline state, the same values it reads,
  // pointers moved by a common step per buffer: the next iteration of an enclosing loop) costs
  // what it cost then and moves the same traffic and pointers, shifted; otherwise it is simulated
  // and remembered.
  void execute(const Node& loop) {
    Memo& memo = memos_[static_cast<std::size_t>(loop.id)];
    if (memo.entry && (shadow_ || pipe_.same_state(memo.pipe_before, head_reads(loop)))) {
      shift_.assign(buffers_.placement.size(), std::numeric_limits<double>::quiet_NaN());
      if (provenance_.same_up_to_shift(*memo.entry, use_of(loop).reads, shift_)) {
        if (!shadow_) pipe_.replay(memo.pipe_before, memo.pipe_after);
        for (std::size_t b = 0; b < shift_.size(); ++b) {
          traffic_.loaded[b] += memo.traffic.loaded[b];
          traffic_.stored[b] += memo.traffic.stored[b];
          traffic_.remissed[b] += memo.traffic.remissed[b];
          const Extent& e = memo.extents[b];
          Extent& into = open_.back()[b];
          into.unknown = into.unknown || e.unknown;
          const double by = std::isnan(shift_[b]) ? 0 : shift_[b];
          if (e.any) into.add(e.lo + by, e.hi + by);
        }
        provenance_.replay(*memo.after, use_of(loop).writes, shift_);
        return;
      }
    }
    const bool remember = !shadow_;
    if (remember) {
      memo.entry = provenance_;
      memo.pipe_before = pipe_.snapshot();
    }
    const Traffic traffic_before = traffic_;
    Extents extents = spare();
    open_.push_back(std::move(extents));
    for (Extent& e : open_.back()) e = Extent{};
    iterate(loop, loop.trips);
    extents = std::move(open_.back());
    open_.pop_back();
    for (std::size_t b = 0; b < extents.size(); ++b) open_.back()[b].merge(extents[b]);
    if (!remember) {
      pool_.push_back(std::move(extents));
      return;
    }
    if (!memo.extents.empty()) pool_.push_back(std::move(memo.extents));
    memo.after = provenance_;
    memo.pipe_after = pipe_.snapshot();
    memo.traffic = traffic_.since(traffic_before);
    memo.extents = std::move(extents);
  }

  void body(const Node& loop, bool last) {
    if (loop.kind == Node::Kind::kBranchLoop) {
      run(loop.body);
      issue(loop.insn, !last, false);
    } else {
      run(loop.body, !last);  // the zero-overhead loop-back follows the body's last instruction
    }
  }

  // One iteration with its own extents, merged into the enclosing iteration's afterwards.
  void iteration(const Node& loop, bool last, Extents& out) {
    open_.push_back(std::move(out));
    for (Extent& e : open_.back()) e = Extent{};
    body(loop, last);
    out = std::move(open_.back());
    open_.pop_back();
    for (std::size_t b = 0; b < out.size(); ++b) open_.back()[b].merge(out[b]);
  }

  // The first iteration, then the second (the steady state); the remaining ones are copies of the
  // second (cost, traffic, pointer steps, extents moved by the per-iteration step) and the last
  // falls through instead of going back. The re-touch misses are per execution of the loop.
  // When the second iteration starts from the same pipeline state as the first, its cycles are
  // the first's and only its pointers and accesses are followed (shadow mode, no pipeline).
  void iterate(const Node& loop, std::int64_t trips) {
    if (trips <= 0) return;
    Extents first = spare(), second = spare();
    const bool timed = !shadow_;
    const std::uint64_t head = timed && trips > 2 ? head_reads(loop) : 0;
    Pipeline::Snapshot start;
    if (timed && trips > 2) start = pipe_.snapshot();
    const Cost at_start = pipe_.cost();
    iteration(loop, trips == 1, first);
    if (trips > 1) {
      const Cost before = pipe_.cost();
      const Traffic traffic_before = traffic_;
      const Provenance provenance_before = provenance_;
      if (timed && trips > 2 && pipe_.same_state(start, head)) {
        shadow_ = true;
        iteration(loop, false, second);
        shadow_ = false;
        pipe_.skip(cost_between(at_start, before), 1);
      } else {
        iteration(loop, trips == 2, second);
      }
      if (trips > 2) {
        const std::int64_t more = trips - 2;
        const Traffic steady = traffic_.since(traffic_before);
        if (timed) {
          pipe_.skip(cost_between(before, pipe_.cost()), more);
          pipe_.fall_through();
        }
        traffic_.repeat_since(traffic_before, static_cast<double>(more));
        provenance_.extrapolate(provenance_before, more);
        for (std::size_t b = 0; b < second.size(); ++b) {
          const Extent& s = second[b];
          if (!s.any || !first[b].any) continue;
          const double step = (s.lo - first[b].lo) * static_cast<double>(more);
          open_.back()[b].add(s.lo + step, s.hi + step);
        }
        add_retouch_misses(machine_, buffers_, first, second, steady, trips, traffic_);
      } else {
        add_retouch_misses(machine_, buffers_, first, second, traffic_.since(traffic_before), trips, traffic_);
      }
    }
    pool_.push_back(std::move(first));
    pool_.push_back(std::move(second));
  }

  // What the first instructions of an iteration read: the only operands a wait left at the start
  // of the iteration can delay (a wait is at most a few cycles, each instruction takes one).
  // Everything when the body is too short to tell.
  std::uint64_t head_reads(const Node& loop) const {
    std::uint64_t mask = 0;
    int wanted = kHeadInstructions;
    const bool complete = first_reads(loop.body, wanted, mask);
    return complete ? mask : ~0u;
  }

  // Adds the reads of the first `wanted` instructions `nodes` execute; false if they run out.
  bool first_reads(const std::vector<Node>& nodes, int& wanted, std::uint64_t& mask) const {
    for (const Node& n : nodes) {
      if (wanted <= 0) return true;
      switch (n.kind) {
        case Node::Kind::kRun:
          for (std::uint32_t i = n.begin; i < n.end && wanted > 0; ++i, --wanted) mask |= pipe_.reads_of(f_.insns[i]);
          break;
        case Node::Kind::kZeroOverheadLoop:
          mask |= pipe_.reads_of(f_.insns[n.insn]);
          --wanted;
          if (n.trips > 0 && !first_reads(n.body, wanted, mask)) return false;
          break;
        case Node::Kind::kBranchLoop:
          if (!first_reads(n.body, wanted, mask)) return false;
          if (wanted > 0) {
            mask |= pipe_.reads_of(f_.insns[n.insn]);
            --wanted;
          }
          break;
      }
    }
    return wanted <= 0;
  }

  const RegisterUse& use_of(const Node& n) const {
    if (!n.use) {
      RegisterUse u;
      if (n.kind == Node::Kind::kRun) {
        for (std::uint32_t i = n.begin; i < n.end; ++i) append(u, register_use(f_.insns[i]));
      } else {
        for (const Node& child : n.body) append(u, use_of(child));
        if (n.kind == Node::Kind::kBranchLoop) append(u, register_use(f_.insns[n.insn]));
      }
      n.use = u;
    }
    return *n.use;
  }

  Extents spare() {
    if (pool_.empty()) return Extents(buffers_.placement.size());
    Extents e = std::move(pool_.back());
    pool_.pop_back();
    e.resize(buffers_.placement.size());
    return e;
  }

  void issue(std::uint32_t index, bool taken, bool loop_back) {
    if (shadow_) {
      shadow_issue(index);
      return;
    }
    const Insn& insn = f_.insns[index];
    const std::uint16_t flags = ops_[static_cast<std::size_t>(insn.opcode)].flags;
    ExecEvent e;
    e.insn = &insn;
    e.index = index;
    e.taken = taken || (flags & (kFlagJump | kFlagReturn)) != 0;
    e.loop_back = loop_back;
    e.code_in_flash = !f_.iram;
    if (flags & (kFlagLoad | kFlagStore)) {
      const bool store = (flags & kFlagStore) != 0;
      const std::uint32_t bytes = ops_[static_cast<std::size_t>(insn.opcode)].bytes;
      e.access_count = 1;
      e.accesses[0] = {0x3FC88000, static_cast<std::uint16_t>(bytes), store, MemRegion::kSram};
      count(provenance_.access(insn), bytes, store);
    }
    provenance_.step(insn);
    pipe_.issue(e);
  }

  // Shadow mode: pointers and accesses only.
  void shadow_issue(std::uint32_t index) {
    const Insn& insn = f_.insns[index];
    const OpInfo& op = ops_[static_cast<std::size_t>(insn.opcode)];
    if (op.flags & (kFlagLoad | kFlagStore)) count(provenance_.access(insn), op.bytes, (op.flags & kFlagStore) != 0);
    provenance_.step(insn);
  }

  void count(const AbstractValue& at, std::uint32_t bytes, bool store) {
    if (at.buffer < 0) return;
    const auto b = static_cast<std::size_t>(at.buffer);
    (store ? traffic_.stored : traffic_.loaded)[b] += bytes;
    Extent& e = open_.back()[b];
    if (!at.known) {
      e.unknown = true;
      return;
    }
    // PIE accesses ignore the low address bits of their width (16-byte loads: the aligned block).
    const std::int64_t width = bytes;
    const double from = static_cast<double>(width > 1 ? at.value / width * width : at.value);
    e.add(from, from + bytes);
  }

  const Machine& machine_;
  const Function& f_;
  Pipeline& pipe_;
  const OpInfo* ops_ = op_info().data();
  const BufferSet& buffers_;
  Provenance provenance_;
  Traffic traffic_;

  std::vector<Extents>& open_;  // extents of the open loop iterations; the front is the whole run
  std::vector<Extents>& pool_;  // spare extents vectors (no allocation per iteration)
  std::vector<Memo>& memos_;    // per loop node: its last simulated execution
  std::vector<double>& shift_;
  bool shadow_ = false;  // following pointers and accesses without the pipeline
};

}  // namespace

FastModel::FastModel(const Machine& machine) : machine_(machine), descs_(machine) {}

Cost FastModel::estimate(const Function& function, const FastOptions& options) const {
  static thread_local Workspace ws;
  NestParser parser(function, ws);
  const std::vector<Node> nest = parser.parse(0, static_cast<std::uint32_t>(function.insns.size()));
  const BufferSet buffers(options);
  Pipeline pipe(machine_, descs_);
  Simulator sim(machine_, function, pipe, buffers, parser.loops, ws);
  sim.run(nest);
  Cost cost = pipe.cost();
  add_memory_term(machine_, buffers, sim.traffic(), sim.footprint(), cost);
  if (options.cold_code && !function.iram) {
    const double lines = std::ceil(static_cast<double>(function.size_bytes()) / machine_.icache_line_bytes);
    cost.fetch += lines * machine_.code_line_fill_cycles();
    cost.cycles += lines * machine_.code_line_fill_cycles();
  }
  return cost;
}

}  // namespace pietune::model
