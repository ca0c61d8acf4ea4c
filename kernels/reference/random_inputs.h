// Seeded random model inputs, the same on every platform: what `pietune run --random-input` and
// `pietune verify MODEL` feed a model.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/layer.h"
#include "kernels/reference/tensor.h"

namespace pietune::kernels::reference {

// Integers uniform over their type's range (the top bits of mt19937 draws), float32 uniform in
// [-1, 1). InputError for an element type the reference ops do not take.
std::vector<Tensor> random_inputs(std::uint64_t seed, const std::vector<TensorDesc>& descs);

}  // namespace pietune::kernels::reference
