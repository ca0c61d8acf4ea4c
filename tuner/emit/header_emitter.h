// <model>_pietune.h: the per-layer configuration a firmware build includes. For every layer:
// #defines of its kernel, variant and predicted cycles, the C prototype and call block of its
// kernel, and a table (constexpr in C++, static const in C) of layer, op, family, variant,
// parameters, predicted cycles, kernel and call block. A provenance comment opens it. Kernels of
// layers with two activation inputs (ADD, MUL) take the second as a fourth argument (a5): their
// prototype says so and the table holds them in `kernel2` (`kernel` NULL), so every pointer is
// called with its own type.
#pragma once

#include <string>

#include "tuner/emit/emit_context.h"

namespace pietune::tuner {

std::string emit_header(const EmitContext& context);

}  // namespace pietune::tuner
