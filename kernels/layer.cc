// Derived figures of a Layer (element counts, bytes, MACs) and the names of its enums.
#include "kernels/layer.h"

#include <array>
#include <limits>
#include <utility>

namespace pietune::kernels {
namespace {

constexpr std::int64_t kSaturated = std::numeric_limits<std::int64_t>::max();

std::int64_t saturating_mul(std::int64_t a, std::int64_t b) {
  std::int64_t product = 0;
  return __builtin_mul_overflow(a, b, &product) ? kSaturated : product;
}

std::int64_t saturating_add(std::int64_t a, std::int64_t b) {
  std::int64_t sum = 0;
  return __builtin_add_overflow(a, b, &sum) ? kSaturated : sum;
}

std::int64_t dim(const TensorDesc& tensor, std::size_t i) {
  return i < tensor.shape.size() ? tensor.shape[i] : 0;
}

template <typename Enum, std::size_t N>
const char* name_of(const std::array<std::pair<Enum, const char*>, N>& table, Enum value) {
  for (const auto& [v, name] : table) {
    if (v == value) return name;
  }
  return "?";
}

template <typename Enum, std::size_t N>
std::optional<Enum> value_of(const std::array<std::pair<Enum, const char*>, N>& table,
                             std::string_view name) {
  for (const auto& [v, n] : table) {
    if (name == n) return v;
  }
  return std::nullopt;
}

constexpr std::array<std::pair<OpKind, const char*>, 16> kOpNames{{
    {OpKind::kConv2d, "CONV_2D"},
    {OpKind::kDepthwiseConv2d, "DEPTHWISE_CONV_2D"},
    {OpKind::kFullyConnected, "FULLY_CONNECTED"},
    {OpKind::kAdd, "ADD"},
    {OpKind::kMul, "MUL"},
    {OpKind::kAveragePool2d, "AVERAGE_POOL_2D"},
    {OpKind::kMaxPool2d, "MAX_POOL_2D"},
    {OpKind::kReshape, "RESHAPE"},
    {OpKind::kSoftmax, "SOFTMAX"},
    {OpKind::kQuantize, "QUANTIZE"},
    {OpKind::kDequantize, "DEQUANTIZE"},
    {OpKind::kPad, "PAD"},
    {OpKind::kMean, "MEAN"},
    {OpKind::kConcatenation, "CONCATENATION"},
    {OpKind::kTranspose, "TRANSPOSE"},
    {OpKind::kUnsupported, "UNSUPPORTED"},
}};

constexpr std::array<std::pair<ElementType, const char*>, 10> kTypeNames{{
    {ElementType::kInt8, "int8"},
    {ElementType::kUint8, "uint8"},
    {ElementType::kInt16, "int16"},
    {ElementType::kInt32, "int32"},
    {ElementType::kInt64, "int64"},
    {ElementType::kFloat32, "float32"},
    {ElementType::kBool, "bool"},
    {ElementType::kOther, "other"},
    {ElementType::kInt4, "int4"},
    {ElementType::kFloat16, "float16"},
}};

constexpr std::array<std::pair<Padding, const char*>, 3> kPaddingNames{{
    {Padding::kSame, "SAME"},
    {Padding::kValid, "VALID"},
    {Padding::kExplicit, "EXPLICIT"},
}};

constexpr std::array<std::pair<ActivationLayout, const char*>, 2> kLayoutNames{{
    {ActivationLayout::kNhwc, "NHWC"},
    {ActivationLayout::kNchw, "NCHW"},
}};

constexpr std::array<std::pair<ActivationKind, const char*>, 6> kActivationNames{{
    {ActivationKind::kNone, "NONE"},
    {ActivationKind::kRelu, "RELU"},
    {ActivationKind::kReluN1To1, "RELU_N1_TO_1"},
    {ActivationKind::kRelu6, "RELU6"},
    {ActivationKind::kTanh, "TANH"},
    {ActivationKind::kSignBit, "SIGN_BIT"},
}};

}  // namespace

std::int64_t TensorDesc::element_count() const {
  std::int64_t count = 1;
  for (std::int32_t d : shape) count = saturating_mul(count, d < 0 ? 0 : d);
  return count;
}

std::int64_t TensorDesc::size_bytes() const {
  const std::int64_t count = element_count();
  if (type == ElementType::kInt4) return count == kSaturated ? count : (count + 1) / 2;
  return saturating_mul(count, element_size_bytes(type));
}

std::int64_t Layer::macs() const {
  switch (op) {
    case OpKind::kConv2d: {
      // Every output element accumulates filter_h x filter_w x (input channels per group).
      if (!weights) return 0;
      const std::int64_t taps = saturating_mul(dim(*weights, 1) * dim(*weights, 2), dim(*weights, 3));
      return saturating_mul(output().element_count(), taps);
    }
    case OpKind::kDepthwiseConv2d: {
      if (!weights) return 0;
      return saturating_mul(output().element_count(), dim(*weights, 1) * dim(*weights, 2));
    }
    case OpKind::kFullyConnected: {
      // Weights are [output units, depth]; every output element is one dot product of `depth`.
      if (!weights || weights->shape.empty()) return 0;
      return saturating_mul(output().element_count(), weights->shape.back());
    }
    default:
      return 0;
  }
}

std::int64_t Layer::weight_bytes() const {
  std::int64_t bytes = 0;
  if (weights) bytes = saturating_add(bytes, weights->size_bytes());
  if (bias) bytes = saturating_add(bytes, bias->size_bytes());
  for (const TensorDesc& t : inputs) {
    if (t.constant) bytes = saturating_add(bytes, t.size_bytes());
  }
  return bytes;
}

std::int64_t Layer::activation_bytes() const {
  std::int64_t bytes = 0;
  for (const TensorDesc& t : inputs) {
    if (!t.constant) bytes = saturating_add(bytes, t.size_bytes());
  }
  for (const TensorDesc& t : outputs) bytes = saturating_add(bytes, t.size_bytes());
  return bytes;
}

const char* to_string(OpKind op) { return name_of(kOpNames, op); }
const char* to_string(ElementType type) { return name_of(kTypeNames, type); }
const char* to_string(Padding padding) { return name_of(kPaddingNames, padding); }
const char* to_string(ActivationKind kind) { return name_of(kActivationNames, kind); }
const char* to_string(ActivationLayout layout) { return name_of(kLayoutNames, layout); }

std::optional<OpKind> op_kind_from_string(std::string_view name) {
  return value_of(kOpNames, name);
}
std::optional<ElementType> element_type_from_string(std::string_view name) {
  return value_of(kTypeNames, name);
}
std::optional<Padding> padding_from_string(std::string_view name) {
  return value_of(kPaddingNames, name);
}
std::optional<ActivationKind> activation_kind_from_string(std::string_view name) {
  return value_of(kActivationNames, name);
}
std::optional<ActivationLayout> activation_layout_from_string(std::string_view name) {
  return value_of(kLayoutNames, name);
}

bool is_spatial(OpKind op) {
  return op == OpKind::kConv2d || op == OpKind::kDepthwiseConv2d || op == OpKind::kAveragePool2d ||
         op == OpKind::kMaxPool2d;
}

bool layout_free(const TensorDesc& tensor) {
  const auto& s = tensor.shape;
  return s.size() != 4 || std::int64_t{s[1]} * s[2] == 1 || s[3] == 1;
}

bool layout_agnostic(const Layer& layer) {
  if (layer.op != OpKind::kAdd && layer.op != OpKind::kMul) return false;
  for (const TensorDesc& in : layer.inputs) {
    if (in.element_count() == 1) continue;
    if (in.shape != layer.output().shape) return false;
  }
  return true;
}

int element_size_bytes(ElementType type) {
  switch (type) {
    case ElementType::kInt8:
    case ElementType::kUint8:
    case ElementType::kBool:
      return 1;
    case ElementType::kInt16:
    case ElementType::kFloat16:
      return 2;
    case ElementType::kInt32:
    case ElementType::kFloat32:
      return 4;
    case ElementType::kInt64:
      return 8;
    case ElementType::kInt4:
    case ElementType::kOther:
      return 0;
  }
  return 0;
}

std::string shape_to_string(const std::vector<std::int32_t>& shape) {
  if (shape.empty()) return "scalar";
  std::string text;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) text += 'x';
    text += std::to_string(shape[i]);
  }
  return text;
}

}  // namespace pietune::kernels
