// Reference TRANSPOSE: one pass over the output in row-major order, the input read through the
// permuted strides.
#include "kernels/reference/transpose.h"

#include <variant>

#include "kernels/layer_check.h"
#include "kernels/reference/layer_tensors.h"

namespace pietune::kernels::reference {
namespace {

template <typename T>
void permute_values(std::span<const T> in, const Shape& in_shape, const std::vector<std::int32_t>& perm,
                    std::span<T> out) {
  const std::size_t rank = in_shape.size();
  std::vector<std::int64_t> in_strides(rank, 1);
  for (std::size_t d = rank; d-- > 1;) in_strides[d - 1] = in_strides[d] * in_shape[d];
  // Output dimension d steps the input by the stride of its input dimension perm[d].
  std::vector<std::int64_t> step(rank), extent(rank);
  for (std::size_t d = 0; d < rank; ++d) {
    step[d] = in_strides[static_cast<std::size_t>(perm[d])];
    extent[d] = in_shape[static_cast<std::size_t>(perm[d])];
  }
  std::vector<std::int64_t> index(rank, 0);
  std::int64_t source = 0;
  for (T& value : out) {
    value = in[static_cast<std::size_t>(source)];
    for (std::size_t d = rank; d-- > 0;) {  // odometer increment, last dimension fastest
      source += step[d];
      if (++index[d] < extent[d]) break;
      source -= step[d] * extent[d];
      index[d] = 0;
    }
  }
}

}  // namespace

Tensor permute(const Tensor& input, const std::vector<std::int32_t>& perm) {
  PIETUNE_CHECK(perm.size() == input.shape().size()) << "permutation of rank " << perm.size();
  Shape out_shape;
  for (std::int32_t p : perm) out_shape.push_back(input.shape().at(static_cast<std::size_t>(p)));
  Tensor out = Tensor::zeros(input.type(), out_shape);
  switch (input.type()) {
    case ElementType::kInt8: permute_values(input.int8(), input.shape(), perm, out.int8()); break;
    case ElementType::kInt16: permute_values(input.int16(), input.shape(), perm, out.int16()); break;
    case ElementType::kInt32: permute_values(input.int32(), input.shape(), perm, out.int32()); break;
    case ElementType::kFloat32: permute_values(input.float32(), input.shape(), perm, out.float32()); break;
    default: PIETUNE_CHECK(false) << "tensor type " << to_string(input.type());
  }
  return out;
}

Tensor transpose(const Layer& layer, const Tensor& input) {
  return with_layer_context(layer, [&] {
    check_layer(layer);
    check_runtime_tensor(layer.input(), input, "input 0");
    if (layer.options.perm.empty()) {
      throw InputError("perm: not a constant tensor (the reference needs the permutation when the layer is read)");
    }
    return permute(input, layer.options.perm);
  });
}

}  // namespace pietune::kernels::reference
