// For a layer: every candidate variant of every family of its op, split into the legal ones and
// the rejected ones with the rule and reason (no silent fallback, DESIGN principle 3).
#pragma once

#include <vector>

#include "kernels/layer.h"
#include "kernels/registry.h"
#include "kernels/variant.h"

namespace pietune::kernels {

struct RejectedVariant {
  Variant variant;
  Rejection rejection;
};

struct Enumeration {
  std::vector<Variant> legal;
  std::vector<RejectedVariant> rejected;
};

// Candidates come from each family's `candidates` (or its whole domain), in registry order and,
// within a family, with the first parameter varying slowest. A layer whose op has no family gives
// an empty enumeration. Throws InputError for a layer the families cannot read (missing
// quantization).
Enumeration enumerate_variants(const Layer& layer);

// The candidates of one family for the layer, legal or not.
std::vector<Variant> candidate_variants(const FamilySpec& family, const Layer& layer);

}  // namespace pietune::kernels
