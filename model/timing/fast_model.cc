// Fast mode: loop-nest decomposition, steady-state loop compression and the memory term.
#include "model/timing/fast_model.h"

#include <fmt/format.h>

#include <cmath>

#include "model/support/error.h"
#include "model/timing/pipeline.h"

namespace pietune::model {
namespace {

constexpr int kNoTag = -1;
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

struct Traffic {
  std::array<double, 6> loaded{};
  std::array<double, 6> stored{};
};

class Simulator {
 public:
  Simulator(const Function& f, Pipeline& pipe, const std::vector<std::uint32_t>& bytes)
      : f_(f), pipe_(pipe), access_bytes_(bytes) {
    tags_.fill(kNoTag);
    for (int k = 0; k < 6; ++k) tags_[2 + k] = k;
  }

  void run(const std::vector<Node>& nodes) {
    for (const Node& node : nodes) run_node(node);
  }

  const Traffic& traffic() const { return traffic_; }

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

  void iterate(const Node& loop, std::int64_t trips) {
    if (trips <= kSimulatedIterations) {
      for (std::int64_t it = 1; it <= trips; ++it) body(loop, it == trips);
      return;
    }
    body(loop, false);
    const Cost before = pipe_.cost();
    const Traffic traffic_before = traffic_;
    body(loop, false);
    const Cost steady = cost_between(before, pipe_.cost());
    const std::int64_t skipped = trips - kSimulatedIterations;
    pipe_.skip(steady, skipped);
    for (int k = 0; k < 6; ++k) {
      traffic_.loaded[k] += (traffic_.loaded[k] - traffic_before.loaded[k]) * static_cast<double>(skipped);
      traffic_.stored[k] += (traffic_.stored[k] - traffic_before.stored[k]) * static_cast<double>(skipped);
    }
    body(loop, true);
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
      e.access_count = 1;
      e.accesses[0] = {0x3FC88000, static_cast<std::uint16_t>(access_bytes_[static_cast<std::size_t>(insn.opcode)]),
                       d.has(kFlagStore), MemRegion::kSram};
      count_traffic(insn, d);
    }
    track_tags(insn, d);
    pipe_.issue(e);
  }

  // The buffer a memory instruction touches: the tag of its base register (operand "as").
  void count_traffic(const Insn& insn, const InsnDesc& d) {
    for (std::size_t i = 0; i < d.operands.size(); ++i) {
      if (d.operands[i].kind != OperandKind::kAr || d.operands[i].name != "as") continue;
      const int tag = tags_[static_cast<std::size_t>(insn.operands[i].value)];
      if (tag == kNoTag) return;
      const double bytes = access_bytes_[static_cast<std::size_t>(insn.opcode)];
      (d.has(kFlagStore) ? traffic_.stored : traffic_.loaded)[static_cast<std::size_t>(tag)] += bytes;
      return;
    }
  }

  // Pointer provenance: moves and additions keep the tag of their pointer source; any other
  // write to an address register clears it.
  void track_tags(const Insn& insn, const InsnDesc& d) {
    int derived = kNoTag;
    bool pointer_arith = false;
    switch (insn.opcode) {
      case Opcode::kMov: case Opcode::kMovN: case Opcode::kAddi: case Opcode::kAddiN: case Opcode::kAddmi:
        derived = tags_[static_cast<std::size_t>(insn.operands[1].value)];
        pointer_arith = true;
        break;
      case Opcode::kAdd: case Opcode::kAddN: case Opcode::kAddx2: case Opcode::kAddx4: case Opcode::kAddx8:
      case Opcode::kSub: {
        const int s = tags_[static_cast<std::size_t>(insn.operands[1].value)];
        derived = s != kNoTag ? s : tags_[static_cast<std::size_t>(insn.operands[2].value)];
        pointer_arith = true;
        break;
      }
      default: break;
    }
    for (std::size_t i = 0; i < d.operands.size(); ++i) {
      const OperandDesc& op = d.operands[i];
      if (op.kind != OperandKind::kAr || op.role != Role::kOut) continue;
      tags_[static_cast<std::size_t>(insn.operands[i].value)] = pointer_arith ? derived : kNoTag;
    }
  }

  const Function& f_;
  Pipeline& pipe_;
  const std::vector<std::uint32_t>& access_bytes_;
  std::array<int, 16> tags_{};
  Traffic traffic_;
};

// Cache term for buffers behind the data cache.
void add_memory_term(const Machine& m, const FastOptions& options, const Traffic& traffic, Cost& cost) {
  double cached_footprint = 0;
  for (const auto& arg : options.args)
    if (arg && arg->region != MemRegion::kSram) cached_footprint += arg->size_bytes;
  const bool fits = cached_footprint <= m.dcache_size_bytes;
  const double line = m.dcache_line_bytes;
  for (std::size_t k = 0; k < options.args.size(); ++k) {
    const auto& arg = options.args[k];
    if (!arg || arg->region == MemRegion::kSram) continue;
    const double fill = arg->region == MemRegion::kPsram ? m.psram_line_fill_cycles() : m.flash_line_fill_cycles();
    const double touched = traffic.loaded[k] + traffic.stored[k];
    double misses = 0, writebacks = 0;
    if (fits) {
      misses = std::min(std::ceil(arg->size_bytes / line), std::ceil(touched / line));
    } else {
      misses = std::ceil(traffic.loaded[k] / line) + std::ceil(traffic.stored[k] / line);
      writebacks = std::ceil(traffic.stored[k] / line);
    }
    const double cycles = misses * fill + writebacks * m.psram_writeback_cycles_per_byte * line;
    cost.cache_miss += cycles;
    cost.cycles += cycles;
    cost.cache_misses += static_cast<std::uint64_t>(misses);
  }
}

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
  Pipeline pipe(machine_, descs_);
  Simulator sim(function, pipe, bytes);
  sim.run(nest);
  Cost cost = pipe.cost();
  add_memory_term(machine_, options, sim.traffic(), cost);
  return cost;
}

}  // namespace pietune::model
