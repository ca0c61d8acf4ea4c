// Exhaustive and seeded local search over a layer's legal variants.
#include "tuner/search/search.h"

#include <algorithm>
#include <random>

namespace pietune::tuner {
namespace {

// True when a and b are of one family and differ in exactly one parameter value.
bool neighbours(const kernels::Variant& a, const kernels::Variant& b) {
  if (a.family != b.family || a.params.size() != b.params.size()) return false;
  int differ = 0;
  for (std::size_t i = 0; i < a.params.size(); ++i)
    if (!(a.params[i].value == b.params[i].value)) ++differ;
  return differ == 1;
}

class LocalSearch {
 public:
  LocalSearch(const std::vector<kernels::Variant>& legal, const SearchOptions& options, const EstimateFn& estimate,
              SearchResult& result)
      : legal_(legal), options_(options), estimate_(estimate), result_(result), done_(legal.size(), false),
        cycles_(legal.size(), 0), rng_(options.seed) {}

  bool spent() const {
    const auto made = static_cast<int>(result_.estimates.size());
    if (made >= options_.budget || made == static_cast<int>(legal_.size())) return true;
    return made > 0 && options_.out_of_time();
  }

  // Estimates legal_[i] once; returns its cycles.
  double visit(std::size_t i) {
    if (!done_[i]) {
      result_.estimates.push_back(estimate_(legal_[i]));
      cycles_[i] = result_.estimates.back().cost.cycles;
      done_[i] = true;
    }
    return cycles_[i];
  }

  void run() {
    while (!spent()) {
      std::size_t current = random_unvisited();
      double best = visit(current);
      for (bool improved = true; improved && !spent();) {
        improved = false;
        std::size_t next = current;
        for (std::size_t j = 0; j < legal_.size() && !spent(); ++j) {
          if (j == current || !neighbours(legal_[current], legal_[j])) continue;
          const double c = visit(j);
          if (c < best) {
            best = c;
            next = j;
            improved = true;
          }
        }
        current = next;
      }
    }
  }

 private:
  std::size_t random_unvisited() {
    std::vector<std::size_t> open;
    for (std::size_t i = 0; i < legal_.size(); ++i)
      if (!done_[i]) open.push_back(i);
    std::uniform_int_distribution<std::size_t> pick(0, open.size() - 1);
    return open[pick(rng_)];
  }

  const std::vector<kernels::Variant>& legal_;
  const SearchOptions& options_;
  const EstimateFn& estimate_;
  SearchResult& result_;
  std::vector<bool> done_;
  std::vector<double> cycles_;
  std::mt19937_64 rng_;
};

}  // namespace

SearchResult search_layer(const std::vector<kernels::Variant>& legal,
                          const std::function<bool(const kernels::Variant&)>& is_baseline,
                          const SearchOptions& options, const EstimateFn& estimate) {
  SearchResult result;
  if (legal.empty()) return result;
  // Baselines first, outside the budget's choice of variants but counted in it.
  std::vector<kernels::Variant> rest;
  for (const kernels::Variant& v : legal) {
    if (is_baseline(v))
      result.estimates.push_back(estimate(v));
    else
      rest.push_back(v);
  }
  const int remaining_budget = options.budget - static_cast<int>(result.estimates.size());
  if (static_cast<int>(rest.size()) <= remaining_budget) {
    result.strategy = "exhaustive";
    for (const kernels::Variant& v : rest) {
      if (!result.estimates.empty() && options.out_of_time()) {
        result.strategy = "time-limited";
        break;
      }
      result.estimates.push_back(estimate(v));
    }
    return result;
  }
  result.strategy = "local";
  SearchOptions local = options;
  local.budget = std::max(1, remaining_budget);
  SearchResult found;
  LocalSearch(rest, local, estimate, found).run();
  if (!found.estimates.empty() && options.out_of_time() && static_cast<int>(found.estimates.size()) < local.budget)
    result.strategy = "time-limited";
  for (VariantEstimate& e : found.estimates) result.estimates.push_back(std::move(e));
  return result;
}

}  // namespace pietune::tuner
