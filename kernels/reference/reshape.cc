// Reference RESHAPE: a copy of the values with the output's dims.
#include "kernels/reference/reshape.h"

#include "kernels/layer_check.h"
#include "kernels/reference/layer_tensors.h"

namespace pietune::kernels::reference {

Tensor reshape(const Layer& layer, const Tensor& input) {
  return with_layer_context(layer, [&] {
    check_layer(layer);
    check_runtime_tensor(layer.input(), input, "input 0");
    expect_type(layer.output(), layer.input().type, "output 0");
    return input.with_shape(layer.output().shape);
  });
}

}  // namespace pietune::kernels::reference
