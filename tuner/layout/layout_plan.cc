// The layout plan's dynamic programme (see the header).
#include "tuner/layout/layout_plan.h"

#include <algorithm>
#include <limits>
#include <map>
#include <utility>

#include <fmt/format.h>

#include "model/support/error.h"

namespace pietune::tuner {
namespace {

using Mask = std::uint8_t;  // bit 0: the tensor exists in NHWC, bit 1: in NCHW
Mask bit(ActivationLayout layout) { return layout == ActivationLayout::kNhwc ? 1 : 2; }

// Live tensors (not layout-free) and the layouts each exists in, sorted by tensor.
using State = std::vector<std::pair<int, Mask>>;

struct Entry {
  State state;
  double cost = 0;
  int parent = -1;  // index into the previous step's entries
  ActivationLayout layout = ActivationLayout::kNhwc;
  std::vector<PlanConversion> conversions;  // made by this step
};

Mask* find(State& state, int tensor) {
  auto it = std::lower_bound(state.begin(), state.end(), std::pair<int, Mask>{tensor, 0},
                             [](const auto& x, const auto& y) { return x.first < y.first; });
  return it != state.end() && it->first == tensor ? &it->second : nullptr;
}

void set(State& state, int tensor, Mask mask) {
  if (Mask* m = find(state, tensor)) {
    *m = mask;
    return;
  }
  state.emplace_back(tensor, mask);
  std::sort(state.begin(), state.end());
}

class Solver {
 public:
  Solver(const PlanProblem& p, bool allow_nchw) : p_(p), allow_nchw_(allow_nchw) {
    const int n = static_cast<int>(p.tensors.size());
    last_use_.assign(static_cast<std::size_t>(n), -1);
    for (std::size_t i = 0; i < p.layers.size(); ++i)
      for (int t : p.layers[i].inputs) last_use_.at(static_cast<std::size_t>(t)) = static_cast<int>(i);
    for (const auto& out : p.outputs) last_use_.at(static_cast<std::size_t>(out.tensor)) = static_cast<int>(p.layers.size());
  }

  LayoutPlan solve() {
    std::vector<std::vector<Entry>> steps(1);
    Entry start;
    for (const auto& in : p_.inputs)
      if (tracked(in.tensor)) set(start.state, in.tensor, bit(in.layout));
    steps[0].push_back(std::move(start));
    for (std::size_t i = 0; i < p_.layers.size(); ++i) steps.push_back(advance(steps.back(), static_cast<int>(i)));
    return finish(steps);
  }

 private:
  bool tracked(int tensor) const {
    return !p_.tensors.at(static_cast<std::size_t>(tensor)).layout_free;
  }

  std::vector<Entry> advance(const std::vector<Entry>& from, int i) {
    const PlanLayer& layer = p_.layers[static_cast<std::size_t>(i)];
    std::vector<Entry> to;
    std::map<State, std::size_t> index;
    bool any_layout = false;
    for (ActivationLayout layout : {ActivationLayout::kNhwc, ActivationLayout::kNchw}) {
      const auto& cycles = layout == ActivationLayout::kNhwc ? layer.nhwc_cycles : layer.nchw_cycles;
      if (!cycles || (layout == ActivationLayout::kNchw && !allow_nchw_)) continue;
      any_layout = true;
      for (std::size_t e = 0; e < from.size(); ++e) {
        Entry next{.state = from[e].state, .cost = from[e].cost + *cycles, .parent = static_cast<int>(e),
                   .layout = layout, .conversions = {}};
        for (int t : layer.inputs) {
          if (!tracked(t)) continue;
          Mask* mask = find(next.state, t);
          if (!mask) throw InputError(fmt::format("layout plan: layer {} reads tensor {} before it is written", i, t));
          if (*mask & bit(layout)) continue;
          const double c = transpose_cycles(t, layout);
          next.conversions.push_back({.tensor = t, .to = layout, .before_layer = i, .cycles = c});
          next.cost += c;
          *mask |= bit(layout);
        }
        if (layer.output >= 0 && tracked(layer.output)) set(next.state, layer.output, bit(layout));
        std::erase_if(next.state, [&](const auto& live) { return last_use_[static_cast<std::size_t>(live.first)] <= i; });
        auto [it, inserted] = index.emplace(next.state, to.size());
        if (inserted) to.push_back(std::move(next));
        else if (next.cost < to[it->second].cost) to[it->second] = std::move(next);
      }
    }
    if (!any_layout) throw InputError(fmt::format("layout plan: layer {} can run in no layout", i));
    return to;
  }

  double transpose_cycles(int tensor, ActivationLayout to) const {
    const PlanTensor& t = p_.tensors.at(static_cast<std::size_t>(tensor));
    return to == ActivationLayout::kNchw ? t.to_nchw_cycles : t.to_nhwc_cycles;
  }

  LayoutPlan finish(const std::vector<std::vector<Entry>>& steps) {
    const int end = static_cast<int>(p_.layers.size());
    double best = std::numeric_limits<double>::infinity();
    int best_index = -1;
    std::vector<PlanConversion> best_tail;
    const auto& last = steps.back();
    for (std::size_t e = 0; e < last.size(); ++e) {
      State state = last[e].state;
      double cost = last[e].cost;
      std::vector<PlanConversion> tail;
      for (const auto& out : p_.outputs) {
        if (!tracked(out.tensor)) continue;
        Mask* mask = find(state, out.tensor);
        PIETUNE_CHECK(mask) << "output tensor " << out.tensor << " not live at the end";
        if (*mask & bit(out.layout)) continue;
        const double c = transpose_cycles(out.tensor, out.layout);
        tail.push_back({.tensor = out.tensor, .to = out.layout, .before_layer = end, .cycles = c});
        cost += c;
        *mask |= bit(out.layout);
      }
      if (cost < best) {
        best = cost;
        best_index = static_cast<int>(e);
        best_tail = std::move(tail);
      }
    }
    PIETUNE_CHECK(best_index >= 0) << "no plan";
    LayoutPlan plan;
    plan.layer_layouts.resize(p_.layers.size());
    std::vector<std::vector<PlanConversion>> per_step(p_.layers.size());
    int index = best_index;
    for (std::size_t s = steps.size() - 1; s > 0; --s) {
      const Entry& e = steps[s][static_cast<std::size_t>(index)];
      plan.layer_layouts[s - 1] = e.layout;
      per_step[s - 1] = e.conversions;
      index = e.parent;
    }
    for (std::size_t i = 0; i < p_.layers.size(); ++i) {
      const PlanLayer& layer = p_.layers[i];
      plan.layer_cycles += plan.layer_layouts[i] == ActivationLayout::kNhwc ? *layer.nhwc_cycles : *layer.nchw_cycles;
      for (const auto& c : per_step[i]) plan.conversions.push_back(c);
    }
    for (const auto& c : best_tail) plan.conversions.push_back(c);
    for (const auto& c : plan.conversions) plan.conversion_cycles += c.cycles;
    return plan;
  }

  const PlanProblem& p_;
  bool allow_nchw_;
  std::vector<int> last_use_;
};

}  // namespace

LayoutPlan plan_layouts(const PlanProblem& problem) { return Solver(problem, true).solve(); }

LayoutPlan all_nhwc_plan(const PlanProblem& problem) { return Solver(problem, false).solve(); }

}  // namespace pietune::tuner
