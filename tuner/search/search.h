// Search over one layer's legal variants.
//
// When the legal variants number at most the budget, every one is estimated (exhaustive).
// Otherwise a seeded local search: start from a random legal variant, estimate every legal
// neighbour (variants of the same family that differ in one parameter), move to the best while it
// improves, restart from a random unestimated variant at a local optimum, until the budget is
// spent. The baseline family's variants are always estimated (the report compares against them).
// The budget counts estimates whether they come from costdb or are computed, so a run that reuses
// stored estimates takes exactly the same path and reaches the same answer.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "kernels/variant.h"
#include "tuner/search/estimate.h"

namespace pietune::tuner {

struct SearchOptions {
  int budget = 256;        // estimates per layer
  std::uint64_t seed = 1;
  // Polled between estimates; true ends the search (a time limit). At least one variant is
  // always estimated so the layer has a choice.
  std::function<bool()> out_of_time = [] { return false; };
};

struct SearchResult {
  std::string strategy;                    // "exhaustive", "local" or "time-limited"
  std::vector<VariantEstimate> estimates;  // in the order they were made
};

using EstimateFn = std::function<VariantEstimate(const kernels::Variant&)>;

// `legal` is the enumeration order (kernels::enumerate_variants); `is_baseline` marks the
// esp-nn-structured baseline variants.
SearchResult search_layer(const std::vector<kernels::Variant>& legal,
                          const std::function<bool(const kernels::Variant&)>& is_baseline,
                          const SearchOptions& options, const EstimateFn& estimate);

}  // namespace pietune::tuner
