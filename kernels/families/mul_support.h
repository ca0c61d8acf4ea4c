// MUL legality shared by mul_vec and mul_espnn: both take TFLM's MUL parameters and one output
// multiplier whose shift their code handles only in -31..31.
#pragma once

#include <optional>

#include "kernels/families/family_support.h"

namespace pietune::kernels::families {

// Rules "quantization" (the reference's parameters cannot be made) and "shift_range".
std::optional<Rejection> check_mul_quantization(const Layer& layer);

}  // namespace pietune::kernels::families
