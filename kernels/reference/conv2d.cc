// Reference CONV_2D: direct loops over the output, taps outside the image skipped.
#include "kernels/reference/conv2d.h"

#include "kernels/layer_check.h"
#include "kernels/reference/channel_quantization.h"
#include "kernels/reference/layer_tensors.h"

namespace pietune::kernels::reference {

Tensor conv2d_accumulators(const Layer& layer, const Tensor& input) {
  return with_layer_context(layer, [&] {
    check_layer(layer);
    check_runtime_tensor(layer.input(), input, "input 0");
    expect_type(layer.input(), ElementType::kInt8, "input 0");
    const std::int32_t input_offset = -activation_quant(layer.input(), "input 0").zero_point;
    const Tensor weights = weight_values(layer);

    const Shape& in_shape = layer.input().shape;    // [N, H, W, Cin]
    const Shape& w_shape = layer.weights->shape;    // [Cout, KH, KW, Cin_g]
    const Shape& out_shape = layer.output().shape;  // [N, OH, OW, Cout]
    const int batches = in_shape[0], in_h = in_shape[1], in_w = in_shape[2], in_c = in_shape[3];
    const int out_c = w_shape[0], k_h = w_shape[1], k_w = w_shape[2], group_c = w_shape[3];
    const int out_h = out_shape[1], out_w = out_shape[2];
    const int filters_per_group = out_c / (in_c / group_c);
    const LayerOptions& o = layer.options;
    const std::vector<std::int32_t> bias = bias_values(layer, out_c);

    const std::span<const std::int8_t> x = input.int8();
    const std::span<const std::int8_t> w = weights.int8();
    std::vector<std::int32_t> acc_out;
    acc_out.reserve(static_cast<std::size_t>(batches) * out_h * out_w * out_c);
    for (int b = 0; b < batches; ++b) {
      for (int oy = 0; oy < out_h; ++oy) {
        for (int ox = 0; ox < out_w; ++ox) {
          const int origin_y = oy * o.stride_h - o.pads.top;
          const int origin_x = ox * o.stride_w - o.pads.left;
          for (int oc = 0; oc < out_c; ++oc) {
            const int first_in_c = (oc / filters_per_group) * group_c;
            std::int64_t acc = 0;
            for (int ky = 0; ky < k_h; ++ky) {
              const int iy = origin_y + ky * o.dilation_h;
              if (iy < 0 || iy >= in_h) continue;
              for (int kx = 0; kx < k_w; ++kx) {
                const int ix = origin_x + kx * o.dilation_w;
                if (ix < 0 || ix >= in_w) continue;
                const std::size_t x_base =
                    ((static_cast<std::size_t>(b) * in_h + iy) * in_w + ix) * in_c + first_in_c;
                const std::size_t w_base = ((static_cast<std::size_t>(oc) * k_h + ky) * k_w + kx) * group_c;
                for (int ic = 0; ic < group_c; ++ic) {
                  acc += std::int64_t{w[w_base + ic]} * (std::int64_t{x[x_base + ic]} + input_offset);
                }
              }
            }
            // TFLM accumulates in int32; keeping 64 bits and wrapping once gives the same bits.
            acc_out.push_back(static_cast<std::int32_t>(static_cast<std::uint32_t>(acc + bias[oc])));
          }
        }
      }
    }
    return Tensor::from_int32(out_shape, std::move(acc_out));
  });
}

Tensor conv2d(const Layer& layer, const Tensor& input, RoundingMode rounding) {
  const Tensor acc = conv2d_accumulators(layer, input);
  return requantize_accumulators(acc, channel_quantization(layer, rounding));
}

}  // namespace pietune::kernels::reference
