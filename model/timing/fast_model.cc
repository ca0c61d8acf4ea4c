// Fast mode: loop-nest decomposition, steady-state loop compression and the memory term.
#include "model/timing/fast_model.h"

#include <fmt/format.h>

#include <cmath>

#include "model/support/error.h"
#include "model/timing/fast_memory.h"
#include "model/timing/pipeline.h"
#include "model/timing/provenance.h"

namespace pietune::model {
namespace {

constexpr std::int64_t kSimulatedIterations = 3;  // first (entry), second (steady), last (exit)

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

struct Node {
  enum class Kind { kInsn, kZeroOverheadLoop, kBranchLoop } kind = Kind::kInsn;
  std::uint32_t insn = 0;  // the instruction, the LOOP* instruction, or the backward branch
  std::vector<Node> body;
  std::int64_t trips = 0;
};

class NestParser {
 public:
  explicit NestParser(const Function& f) : f_(f), back_branch_(f.insns.size() + 1, -1) {
    for (std::uint32_t j = 0; j < f.insns.size(); ++j) {
      const Insn& insn = f.insns[j];
      if (!insn.desc().has(kFlagBranch)) continue;
      const auto target = f.label_position(static_cast<std::uint32_t>(insn.operands[*insn.desc().label_operand()].value));
      if (target && *target <= j) back_branch_[*target] = std::max<std::int64_t>(back_branch_[*target], j);
    }
  }

  std::vector<Node> parse(std::uint32_t begin, std::uint32_t end) const {
    std::vector<Node> nodes;
    for (std::uint32_t i = begin; i < end;) {
      const std::int64_t j = back_branch_[i];
      const Insn& insn = f_.insns[i];
      if (j >= 0 && j < static_cast<std::int64_t>(end)) {
        Node loop{Node::Kind::kBranchLoop, static_cast<std::uint32_t>(j), parse(i, static_cast<std::uint32_t>(j)),
                  trips(static_cast<std::uint32_t>(j))};
        nodes.push_back(std::move(loop));
        i = static_cast<std::uint32_t>(j) + 1;
      } else if (insn.desc().has(kFlagLoop)) {
        const std::uint32_t loop_end =
            *f_.label_position(static_cast<std::uint32_t>(insn.operands[*insn.desc().label_operand()].value));
        PIETUNE_CHECK(loop_end > i && loop_end <= end) << f_.name << ": loop end outside its parent";
        nodes.push_back(Node{Node::Kind::kZeroOverheadLoop, i, parse(i + 1, loop_end), trips(i)});
        i = loop_end;
      } else {
        nodes.push_back(Node{Node::Kind::kInsn, i, {}, 0});
        ++i;
      }
    }
    return nodes;
  }

 private:
  std::int64_t trips(std::uint32_t i) const {
    const std::int64_t t = f_.insns[i].trip_count;
    if (t == kUnknownTrips)
      throw InputError(fmt::format("{}: instruction {} ({}): loop without a trip-count annotation", f_.name, i,
                                   f_.insns[i].desc().mnemonic));
    return t;
  }

  const Function& f_;
  std::vector<std::int64_t> back_branch_;  // per label position: the furthest backward branch to it
};

class Simulator {
 public:
  Simulator(const Machine& m, const Function& f, Pipeline& pipe, const std::vector<std::uint32_t>& bytes,
            const BufferSet& buffers)
      : machine_(m), f_(f), pipe_(pipe), access_bytes_(bytes), buffers_(buffers), provenance_(buffers.tables),
        traffic_(buffers.placement.size()) {
    open_.emplace_back(buffers.placement.size());
  }

  void run(const std::vector<Node>& nodes) {
    for (const Node& node : nodes) run_node(node);
  }

  const Traffic& traffic() const { return traffic_; }
  const Extents& footprint() const { return open_.front(); }

 private:
  void run_node(const Node& node) {
    switch (node.kind) {
      case Node::Kind::kInsn: issue(node.insn, false, false); break;
      case Node::Kind::kZeroOverheadLoop:
        issue(node.insn, node.trips <= 0, false);  // LOOPNEZ/LOOPGTZ skip an empty loop
        iterate(node, node.trips);
        break;
      case Node::Kind::kBranchLoop: iterate(node, node.trips); break;
    }
  }

  void body(const Node& loop, bool last) {
    if (loop.kind == Node::Kind::kBranchLoop) {
      run(loop.body);
      issue(loop.insn, !last, false);
      return;
    }
    // Zero-overhead: the loop-back happens after the body's last instruction.
    for (std::size_t i = 0; i < loop.body.size(); ++i) {
      const Node& n = loop.body[i];
      if (i + 1 == loop.body.size() && n.kind == Node::Kind::kInsn) {
        issue(n.insn, false, !last);
      } else {
        run_node(n);
      }
    }
  }

  // One iteration with its own extents, merged into the enclosing iteration's afterwards.
  Extents iteration(const Node& loop, bool last) {
    open_.emplace_back(buffers_.placement.size());
    body(loop, last);
    Extents mine = std::move(open_.back());
    open_.pop_back();
    for (std::size_t b = 0; b < mine.size(); ++b) open_.back()[b].merge(mine[b]);
    return mine;
  }

  // First iteration, second (the steady state: its cost, traffic and pointer steps are repeated
  // for the skipped ones), then the last; fewer than four trips are all simulated. The loop's
  // re-touch misses are added once the whole loop is done (they are per execution, not per trip).
  void iterate(const Node& loop, std::int64_t trips) {
    if (trips <= 0) return;
    const Extents first = iteration(loop, trips == 1);
    if (trips == 1) return;
    const Cost before = pipe_.cost();
    const Traffic traffic_before = traffic_;
    const Provenance provenance_before = provenance_;
    const Extents second = iteration(loop, trips == 2);
    Traffic steady(traffic_.loaded.size());
    for (std::size_t b = 0; b < steady.loaded.size(); ++b) {
      steady.loaded[b] = traffic_.loaded[b] - traffic_before.loaded[b];
      steady.stored[b] = traffic_.stored[b] - traffic_before.stored[b];
    }
    if (trips > kSimulatedIterations) {
      const std::int64_t skipped = trips - kSimulatedIterations;
      pipe_.skip(cost_between(before, pipe_.cost()), skipped);
      traffic_.repeat_since(traffic_before, static_cast<double>(skipped));
      provenance_.extrapolate(provenance_before, skipped);
    }
    if (trips > 2) (void)iteration(loop, true);
    add_retouch_misses(machine_, buffers_, first, second, steady, trips, traffic_);
  }

  void issue(std::uint32_t index, bool taken, bool loop_back) {
    const Insn& insn = f_.insns[index];
    const InsnDesc& d = insn.desc();
    ExecEvent e;
    e.insn = &insn;
    e.index = index;
    e.taken = taken || d.has(kFlagJump) || d.has(kFlagReturn);
    e.loop_back = loop_back;
    if (d.has(kFlagLoad) || d.has(kFlagStore)) {
      const std::uint32_t bytes = access_bytes_[static_cast<std::size_t>(insn.opcode)];
      e.access_count = 1;
      e.accesses[0] = {0x3FC88000, static_cast<std::uint16_t>(bytes), d.has(kFlagStore), MemRegion::kSram};
      count(provenance_.access(insn), bytes, d.has(kFlagStore));
    }
    provenance_.step(insn);
    pipe_.issue(e);
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
    const double from = static_cast<double>(bytes > 1 ? at.value / bytes * bytes : at.value);
    e.add(from, from + bytes);
  }

  const Machine& machine_;
  const Function& f_;
  Pipeline& pipe_;
  const std::vector<std::uint32_t>& access_bytes_;
  const BufferSet& buffers_;
  Provenance provenance_;
  Traffic traffic_;
  std::vector<Extents> open_;  // extents of the open loop iterations; the front is the whole run
};

}  // namespace

FastModel::FastModel(const Machine& machine) : machine_(machine), descs_(machine) {}

Cost FastModel::estimate(const Function& function, const FastOptions& options) const {
  static const std::vector<std::uint32_t> bytes = [] {
    std::vector<std::uint32_t> b;
    for (const InsnDesc& d : all_insns()) b.push_back(access_bytes(d));
    return b;
  }();
  const NestParser parser(function);
  const std::vector<Node> nest = parser.parse(0, static_cast<std::uint32_t>(function.insns.size()));
  const BufferSet buffers(options);
  Pipeline pipe(machine_, descs_);
  Simulator sim(machine_, function, pipe, bytes, buffers);
  sim.run(nest);
  Cost cost = pipe.cost();
  add_memory_term(machine_, buffers, sim.traffic(), sim.footprint(), cost);
  return cost;
}

}  // namespace pietune::model
