// The key of a fast-mode estimate: a hash of everything FastModel::estimate reads besides the
// machine description (keyed separately by its own hash).
//
// Estimates are reused by this key (tuner/search/estimate_cache.h), so two layers share a number
// only when they generate the same program with the same buffers: a generator whose code depends
// on quantization values, constant data or anything else can never hand one layer's cycles to
// another. Whoever teaches FastModel to read something new adds it here.
#pragma once

#include <cstdint>

#include "model/ir/program.h"
#include "model/timing/fast_model.h"

namespace pietune::model {

// Covers the function (name, alignment, every instruction's mnemonic, operands and trip count,
// every label's position) and the options (each argument's and each call-block word's region and
// size, and whether the data cache is warm). Source line numbers are left out: they do not change what runs.
std::uint64_t fast_input_key(const Function& function, const FastOptions& options);

}  // namespace pietune::model
