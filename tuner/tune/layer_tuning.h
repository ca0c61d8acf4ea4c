// Tuning one layer: enumerate its variants, drop those over the SRAM limit, search the rest,
// rank them, and name the baseline and the families that could not be used.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kernels/enumerate.h"
#include "kernels/layer.h"
#include "tuner/search/estimate_cache.h"
#include "tuner/search/search.h"

namespace pietune::tuner {

// A family with no legal variant for the layer: the first rejection says why.
struct IllegalFamily {
  std::string family;
  std::string rule;
  std::string reason;
};

struct LayerTuning {
  int layer_index = 0;
  bool covered = false;                    // some family implements the op
  std::string strategy;                    // "exhaustive", "local", "time-limited"
  std::vector<VariantEstimate> ranked;     // every estimate made, fastest first (ties: by name)
  // What esp-nn runs: the fastest baseline-family variant, estimated with its code in flash.
  std::optional<VariantEstimate> baseline;
  std::vector<IllegalFamily> illegal_families;
  std::vector<kernels::RejectedVariant> rejected;  // every rejection (legality and the SRAM limit)
  int legal_count = 0;

  const VariantEstimate* chosen() const { return ranked.empty() ? nullptr : &ranked.front(); }
};

struct LayerTuningOptions {
  SearchOptions search;
  std::uint32_t sram_limit_bytes = 0;  // scratch buffers larger than this are rejected
};

bool is_baseline(const kernels::Variant& variant);

// Thread-safe (the cache is). InputError when the layer cannot be read by the families.
LayerTuning tune_layer(const kernels::Layer& layer, const LayerTuningOptions& options, EstimateCache& cache);

}  // namespace pietune::tuner
