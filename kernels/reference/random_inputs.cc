// Seeded random model inputs (see the header).
#include "kernels/reference/random_inputs.h"

#include <random>

#include <fmt/format.h>

#include "model/support/error.h"

namespace pietune::kernels::reference {

std::vector<Tensor> random_inputs(std::uint64_t seed, const std::vector<TensorDesc>& descs) {
  std::mt19937 engine(static_cast<std::mt19937::result_type>(seed ^ (seed >> 32)));
  std::vector<Tensor> tensors;
  for (const TensorDesc& d : descs) {
    if (!is_tensor_type(d.type)) {
      throw InputError(
          fmt::format("input tensor {}: element type {} not supported", d.id, to_string(d.type)));
    }
    Tensor t = Tensor::zeros(d.type, d.shape);
    switch (d.type) {
      case ElementType::kInt8:
        for (std::int8_t& v : t.int8()) v = static_cast<std::int8_t>(engine() >> 24);
        break;
      case ElementType::kInt16:
        for (std::int16_t& v : t.int16()) v = static_cast<std::int16_t>(engine() >> 16);
        break;
      case ElementType::kInt32:
        for (std::int32_t& v : t.int32()) v = static_cast<std::int32_t>(engine());
        break;
      default:
        for (float& v : t.float32()) v = static_cast<float>(engine() >> 8) / 8388608.0f - 1.0f;
        break;
    }
    tensors.push_back(std::move(t));
  }
  return tensors;
}

}  // namespace pietune::kernels::reference
