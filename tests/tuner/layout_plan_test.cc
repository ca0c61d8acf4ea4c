// The layout-plan solver: hand-checked chains and a residual join, and exactness against brute
// force over every assignment of layouts on random graphs (several consumers per tensor, joins,
// layers fixed to one layout, layout-free tensors, boundary layouts).
#include <cmath>
#include <random>

#include <gtest/gtest.h>

#include "model/support/error.h"
#include "tuner/layout/layout_plan.h"

namespace pietune::tuner {
namespace {

constexpr auto kNhwc = ActivationLayout::kNhwc;
constexpr auto kNchw = ActivationLayout::kNchw;

PlanTensor tensor(double to_nchw, double to_nhwc) {
  return PlanTensor{.layout_free = false, .to_nchw_cycles = to_nchw, .to_nhwc_cycles = to_nhwc};
}

PlanLayer layer(std::vector<int> inputs, int output, std::optional<double> nhwc, std::optional<double> nchw) {
  return PlanLayer{.inputs = std::move(inputs), .output = output, .nhwc_cycles = nhwc, .nchw_cycles = nchw};
}

// A chain t0 -> L0 -> t1 -> L1 -> t2 -> L2 -> t3.
PlanProblem chain(double l1_nchw) {
  PlanProblem p;
  p.tensors = {tensor(10, 10), tensor(10, 10), tensor(10, 10), tensor(10, 10)};
  p.layers = {layer({0}, 1, 100, std::nullopt), layer({1}, 2, 100, l1_nchw), layer({2}, 3, 100, std::nullopt)};
  p.inputs = {{0, kNhwc}};
  p.outputs = {{3, kNhwc}};
  return p;
}

TEST(LayoutPlan, TakesNchwOnlyWhenItPaysForItsTransposes) {
  const LayoutPlan slow = plan_layouts(chain(85));  // saves 15, costs 20 of transposes
  EXPECT_EQ(slow.layer_layouts, (std::vector{kNhwc, kNhwc, kNhwc}));
  EXPECT_DOUBLE_EQ(slow.cycles(), 300);
  EXPECT_TRUE(slow.conversions.empty());

  const LayoutPlan fast = plan_layouts(chain(70));  // saves 30
  EXPECT_EQ(fast.layer_layouts, (std::vector{kNhwc, kNchw, kNhwc}));
  EXPECT_DOUBLE_EQ(fast.cycles(), 290);
  ASSERT_EQ(fast.conversions.size(), 2u);
  EXPECT_EQ(fast.conversions[0].tensor, 1);
  EXPECT_EQ(fast.conversions[0].to, kNchw);
  EXPECT_EQ(fast.conversions[0].before_layer, 1);
  EXPECT_EQ(fast.conversions[1].tensor, 2);
  EXPECT_EQ(fast.conversions[1].to, kNhwc);
  EXPECT_EQ(fast.conversions[1].before_layer, 2);
  EXPECT_DOUBLE_EQ(all_nhwc_plan(chain(70)).cycles(), 300);
}

TEST(LayoutPlan, BoundaryLayoutsAndLayoutFreeTensors) {
  PlanProblem p = chain(70);
  p.inputs = {{0, kNchw}};  // the application hands over NCHW: L0 (NHWC only) needs a transpose first
  LayoutPlan plan = plan_layouts(p);
  ASSERT_FALSE(plan.conversions.empty());
  EXPECT_EQ(plan.conversions.front().tensor, 0);
  EXPECT_EQ(plan.conversions.front().before_layer, 0);
  p.tensors[0].layout_free = true;  // e.g. C == 1: the same bytes in both layouts
  plan = plan_layouts(p);
  for (const auto& c : plan.conversions) EXPECT_NE(c.tensor, 0);
  p.outputs = {{3, kNchw}};  // and the application wants NCHW back: one transpose at the end
  plan = plan_layouts(p);
  ASSERT_FALSE(plan.conversions.empty());
  EXPECT_EQ(plan.conversions.back().tensor, 3);
  EXPECT_EQ(plan.conversions.back().before_layer, 3);
}

TEST(LayoutPlan, AResidualJoinSharesOneTransposePerLayout) {
  // t0 -> A -> t1; t1 -> B -> t2; t1 -> C -> t3; ADD(t2, t3) -> t4. B and C are cheaper in NCHW;
  // t1 is transposed once for both.
  PlanProblem p;
  p.tensors = {tensor(5, 5), tensor(8, 8), tensor(8, 8), tensor(8, 8), tensor(5, 5)};
  p.layers = {layer({0}, 1, 50, std::nullopt), layer({1}, 2, 50, 40), layer({1}, 3, 50, 40),
              layer({2, 3}, 4, 20, 20)};
  p.inputs = {{0, kNhwc}};
  p.outputs = {{4, kNhwc}};
  const LayoutPlan plan = plan_layouts(p);
  // All NHWC: 170. B, C, ADD in NCHW: 150 + 8 (t1 once) + 5 (t4 back) = 163.
  EXPECT_DOUBLE_EQ(plan.cycles(), 163);
  EXPECT_EQ(plan.layer_layouts, (std::vector{kNhwc, kNchw, kNchw, kNchw}));
  EXPECT_EQ(plan.conversions.size(), 2u);
}

TEST(LayoutPlan, RefusesALayerWithoutLayoutAndATensorReadBeforeItIsWritten) {
  PlanProblem p = chain(70);
  p.layers[1].nhwc_cycles.reset();
  p.layers[1].nchw_cycles.reset();
  EXPECT_THROW(plan_layouts(p), InputError);
  p = chain(70);
  p.layers[0].inputs = {2};
  EXPECT_THROW(plan_layouts(p), InputError);
}

// The plan's cost model evaluated directly for one assignment of layouts to layers.
double assignment_cost(const PlanProblem& p, const std::vector<ActivationLayout>& layouts) {
  double cost = 0;
  std::vector<std::optional<ActivationLayout>> produced(p.tensors.size());
  for (const auto& in : p.inputs) produced[static_cast<std::size_t>(in.tensor)] = in.layout;
  std::vector<std::vector<ActivationLayout>> needed(p.tensors.size());
  for (std::size_t i = 0; i < p.layers.size(); ++i) {
    const PlanLayer& l = p.layers[i];
    const auto& cycles = layouts[i] == kNhwc ? l.nhwc_cycles : l.nchw_cycles;
    if (!cycles) return INFINITY;
    cost += *cycles;
    for (int t : l.inputs) needed[static_cast<std::size_t>(t)].push_back(layouts[i]);
    produced[static_cast<std::size_t>(l.output)] = layouts[i];
  }
  for (const auto& out : p.outputs) needed[static_cast<std::size_t>(out.tensor)].push_back(out.layout);
  for (std::size_t t = 0; t < p.tensors.size(); ++t) {
    if (p.tensors[t].layout_free || !produced[t]) continue;
    for (ActivationLayout want : {kNhwc, kNchw}) {
      const bool wanted = std::find(needed[t].begin(), needed[t].end(), want) != needed[t].end();
      if (wanted && want != *produced[t])
        cost += want == kNchw ? p.tensors[t].to_nchw_cycles : p.tensors[t].to_nhwc_cycles;
    }
  }
  return cost;
}

TEST(LayoutPlan, EqualsBruteForceOnRandomGraphs) {
  std::mt19937_64 rng(17);
  int graphs = 0;
  for (int trial = 0; trial < 300; ++trial) {
    const int n = std::uniform_int_distribution<int>(1, 10)(rng);
    std::uniform_real_distribution<double> cycles(10, 100), transpose(1, 40);
    std::uniform_int_distribution<int> pick(0, 9);
    PlanProblem p;
    p.tensors.push_back(tensor(transpose(rng), transpose(rng)));  // the model input
    p.inputs = {{0, pick(rng) < 7 ? kNhwc : kNchw}};
    for (int i = 0; i < n; ++i) {
      PlanTensor t = tensor(transpose(rng), transpose(rng));
      t.layout_free = pick(rng) == 0;
      p.tensors.push_back(t);
      const int produced = static_cast<int>(p.tensors.size()) - 1;
      std::vector<int> inputs = {std::uniform_int_distribution<int>(0, produced - 1)(rng)};
      if (pick(rng) < 3) inputs.push_back(std::uniform_int_distribution<int>(0, produced - 1)(rng));  // a join
      const int kind = pick(rng);
      std::optional<double> nhwc = cycles(rng), nchw = cycles(rng);
      if (kind < 3) nchw.reset();  // NHWC only, as most families
      p.layers.push_back(layer(inputs, produced, nhwc, nchw));
    }
    p.outputs = {{static_cast<int>(p.tensors.size()) - 1, pick(rng) < 7 ? kNhwc : kNchw}};
    double best = INFINITY;
    for (std::uint32_t bits = 0; bits < (1u << n); ++bits) {
      std::vector<ActivationLayout> layouts;
      for (int i = 0; i < n; ++i) layouts.push_back((bits >> i) & 1 ? kNchw : kNhwc);
      best = std::min(best, assignment_cost(p, layouts));
    }
    const LayoutPlan plan = plan_layouts(p);
    ASSERT_NEAR(plan.cycles(), best, 1e-9) << "trial " << trial;
    ASSERT_NEAR(assignment_cost(p, plan.layer_layouts), plan.cycles(), 1e-9) << "trial " << trial;
    ASSERT_LE(plan.cycles(), all_nhwc_plan(p).cycles() + 1e-9);
    ++graphs;
  }
  EXPECT_EQ(graphs, 300);
}

}  // namespace
}  // namespace pietune::tuner
