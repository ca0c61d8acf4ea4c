// MUL legality shared by the MUL families (see the header).
#include "kernels/families/mul_support.h"

#include <fmt/format.h>

#include "kernels/reference/mul.h"
#include "model/support/error.h"

namespace pietune::kernels::families {

std::optional<Rejection> check_mul_quantization(const Layer& layer) {
  reference::MulParams p;
  try {
    p = reference::mul_params(layer);
  } catch (const InputError& e) {
    return Rejection{"quantization", e.what()};
  }
  const int shift = p.output_multiplier.shift;
  if (shift < -31 || shift > 31)
    return Rejection{"shift_range", fmt::format("output multiplier shift {} outside -31..31", shift)};
  return std::nullopt;
}

}  // namespace pietune::kernels::families
