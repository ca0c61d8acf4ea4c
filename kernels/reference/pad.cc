// Reference PAD: fill the output with the pad value, then copy the input into its interior.
#include "kernels/reference/pad.h"

#include <algorithm>

#include <fmt/format.h>

#include "kernels/layer_check.h"
#include "kernels/reference/layer_tensors.h"

namespace pietune::kernels::reference {
namespace {

// Copies `in` (row-major, shape in_shape) into `out` (out_shape) at offset `before`.
template <typename T>
void copy_interior(std::span<const T> in, std::span<T> out, const Shape& in_shape, const Shape& out_shape,
                   const std::vector<std::int32_t>& before) {
  const std::size_t rank = in_shape.size();
  std::vector<std::int64_t> index(rank, 0);
  for (std::size_t i = 0; i < in.size(); ++i) {
    std::int64_t flat = 0;
    for (std::size_t d = 0; d < rank; ++d) flat = flat * out_shape[d] + index[d] + before[d];
    out[static_cast<std::size_t>(flat)] = in[i];
    for (std::size_t d = rank; d-- > 0;) {
      if (++index[d] < in_shape[d]) break;
      index[d] = 0;
    }
  }
}

}  // namespace

PadParams pad_params(const Layer& layer) {
  PIETUNE_CHECK(!layer.inputs.empty() && layer.outputs.size() == 1)
      << layer_label(layer) << " has no input/output";
  return with_layer_context(layer, [&] {
    if (layer.op_name == "PADV2") {
      throw InputError("PADV2 not supported: the layer does not keep its constant pad value");
    }
    const Shape& in = layer.input().shape;
    const Shape& out = layer.output().shape;
    PadParams p;
    p.before.assign(in.size(), 0);
    p.after.assign(in.size(), 0);
    if (in.size() == 4) {
      const PadAmounts& pads = layer.options.pads;
      p.before[1] = pads.top;
      p.after[1] = pads.bottom;
      p.before[2] = pads.left;
      p.after[2] = pads.right;
    }
    for (std::size_t d = 0; d < in.size(); ++d) {
      if (in[d] + p.before[d] + p.after[d] != out[d]) {
        throw InputError(
            fmt::format("padding of dimension {} ({} to {}) not kept by the layer (only the "
                        "spatial pads of a rank-4 tensor are)",
                        d, in[d], out[d]));
      }
    }
    if (layer.output().type == ElementType::kInt8) {
      p.int8_value = activation_quant(layer.output(), "output 0").zero_point;
    }
    return p;
  });
}

Tensor pad(const Layer& layer, const Tensor& input) {
  with_layer_context(layer, [&] {
    check_layer(layer);
    check_runtime_tensor(layer.input(), input, "input 0");
    expect_type(layer.output(), layer.input().type, "output 0");
  });
  const PadParams p = pad_params(layer);
  const Shape& out_shape = layer.output().shape;
  Tensor out = Tensor::zeros(input.type(), out_shape);
  switch (input.type()) {
    case ElementType::kInt8: {
      std::span<std::int8_t> o = out.int8();
      std::fill(o.begin(), o.end(), static_cast<std::int8_t>(p.int8_value));
      copy_interior<std::int8_t>(input.int8(), o, input.shape(), out_shape, p.before);
      break;
    }
    case ElementType::kInt16:
      copy_interior<std::int16_t>(input.int16(), out.int16(), input.shape(), out_shape, p.before);
      break;
    case ElementType::kInt32:
      copy_interior<std::int32_t>(input.int32(), out.int32(), input.shape(), out_shape, p.before);
      break;
    default:
      copy_interior<float>(input.float32(), out.float32(), input.shape(), out_shape, p.before);
      break;
  }
  return out;
}

}  // namespace pietune::kernels::reference
