// Fused activation clamp bounds from the output quantization, float math as TFLite's.
#include "kernels/activation.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "model/support/error.h"

namespace pietune::kernels {
namespace {

// zero_point + (int32) round(f / scale) with float division and float round; saturates at the
// int32 limits where TFLite would overflow.
std::int32_t quantize(float f, float scale, std::int32_t zero_point) {
  const float q = std::round(f / scale);
  const double sum = static_cast<double>(zero_point) + static_cast<double>(q);
  const double lo = std::numeric_limits<std::int32_t>::min();
  const double hi = std::numeric_limits<std::int32_t>::max();
  return static_cast<std::int32_t>(std::clamp(sum, lo, hi));
}

bool needs_scale(ActivationKind kind) {
  return kind == ActivationKind::kRelu6 || kind == ActivationKind::kReluN1To1;
}

}  // namespace

QuantRange quantized_range(ElementType type) {
  switch (type) {
    case ElementType::kInt8:
      return {-128, 127};
    case ElementType::kUint8:
      return {0, 255};
    case ElementType::kInt16:
      return {-32768, 32767};
    default:
      return {std::numeric_limits<std::int32_t>::min(), std::numeric_limits<std::int32_t>::max()};
  }
}

Activation make_activation(ActivationKind kind, ElementType type, float scale,
                           std::int32_t zero_point) {
  const QuantRange range = quantized_range(type);
  if (needs_scale(kind) && !(std::isfinite(scale) && scale > 0.0f)) {
    throw InputError("output scale " + std::to_string(scale) + " is not a positive number: " +
                     to_string(kind) + " needs it");
  }
  Activation act{kind, range.min, range.max};
  switch (kind) {
    case ActivationKind::kNone:
    case ActivationKind::kTanh:
    case ActivationKind::kSignBit:
      break;
    case ActivationKind::kRelu:
      act.min = std::max(range.min, zero_point);
      break;
    case ActivationKind::kRelu6:
      act.min = std::max(range.min, zero_point);
      act.max = std::min(range.max, quantize(6.0f, scale, zero_point));
      break;
    case ActivationKind::kReluN1To1:
      act.min = std::max(range.min, quantize(-1.0f, scale, zero_point));
      act.max = std::min(range.max, quantize(1.0f, scale, zero_point));
      break;
  }
  return act;
}

Activation activation_for_output(ActivationKind kind, const TensorDesc& output) {
  if (!output.quant || output.quant->scales.empty()) {
    // Float outputs carry the activation kind only: their clamp is not on quantized values.
    const bool integer = output.type == ElementType::kInt8 || output.type == ElementType::kUint8 ||
                         output.type == ElementType::kInt16;
    if (integer && needs_scale(kind)) {
      throw InputError(std::string("output has no quantization: ") + to_string(kind) +
                       " needs its scale");
    }
    const QuantRange range = quantized_range(output.type);
    Activation act{kind, range.min, range.max};
    if (integer && kind == ActivationKind::kRelu) act.min = std::max(range.min, 0);
    return act;
  }
  const std::int64_t zp = output.quant->zero_point();
  const auto zp32 = static_cast<std::int32_t>(
      std::clamp<std::int64_t>(zp, std::numeric_limits<std::int32_t>::min(),
                               std::numeric_limits<std::int32_t>::max()));
  return make_activation(kind, output.type, output.quant->scales.front(), zp32);
}

}  // namespace pietune::kernels
