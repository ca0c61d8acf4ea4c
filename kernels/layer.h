// The layer vocabulary every module shares: op kind, tensors, quantization, options, derived figures.
//
// A Layer is one operator of a model as pietune sees it: what it computes (op and options), on what
// (tensor shapes, element types, quantization) and what that costs in the abstract (MACs, bytes).
// It is produced by the .tflite reader (tuner/) or read from a JSON layer file, and consumed by the
// variant generators, the reference ops and the timing model.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace pietune::kernels {

enum class OpKind {
  kConv2d,
  kDepthwiseConv2d,
  kFullyConnected,
  kAdd,
  kMul,
  kAveragePool2d,
  kMaxPool2d,
  kReshape,
  kSoftmax,
  kQuantize,
  kDequantize,
  kPad,
  kMean,
  kConcatenation,
  kUnsupported,  // an operator pietune does not model (SVDF, LSTM, ...); Layer::op_name names it
};

enum class ElementType { kInt8, kUint8, kInt16, kInt32, kInt64, kFloat32, kBool, kOther };

// real = scale * (q - zero_point). One scale = per-tensor; scales.size() == channels = per-channel
// along quantized_dimension. zero_points has the same length as scales (or is empty = all zero).
struct Quantization {
  std::vector<float> scales;
  std::vector<std::int64_t> zero_points;
  int quantized_dimension = 0;

  bool per_channel() const { return scales.size() > 1; }
  std::int64_t zero_point() const { return zero_points.empty() ? 0 : zero_points.front(); }
};

struct TensorDesc {
  std::string name;
  int id = -1;                     // tensor index in the source model (-1 for JSON-only tensors)
  std::vector<std::int32_t> shape;  // NHWC for images
  ElementType type = ElementType::kInt8;
  std::optional<Quantization> quant;
  // Constant contents (weights, bias) as raw little-endian bytes; null for activations. Not part of
  // the JSON form or of either hash.
  std::shared_ptr<const std::vector<std::uint8_t>> data;

  std::int64_t element_count() const;
  std::int64_t size_bytes() const;
};

enum class Padding { kSame, kValid };

enum class ActivationKind { kNone, kRelu, kReluN1To1, kRelu6, kTanh, kSignBit };

// Fused activation as the clamp bounds it implies on the quantized output.
struct Activation {
  ActivationKind kind = ActivationKind::kNone;
  std::int32_t min = -128;
  std::int32_t max = 127;
};

// Padding amounts actually applied; bottom/right may exceed top/left by one (SAME, TFLite rule).
struct PadAmounts {
  int top = 0, bottom = 0, left = 0, right = 0;
};

struct LayerOptions {
  int stride_h = 1, stride_w = 1;
  Padding padding = Padding::kValid;
  PadAmounts pads;  // derived from padding, sizes, stride and dilation
  int dilation_h = 1, dilation_w = 1;
  int depth_multiplier = 1;  // depthwise only
  int groups = 1;            // conv only: input channels / filter input channels
  int filter_h = 0, filter_w = 0;  // kernel extent (from the filter tensor, or the pool options)
  Activation activation;
  int axis = 0;           // concatenation
  bool keep_dims = false;  // mean, fully connected
  float beta = 1.0f;      // softmax
};

struct Layer {
  int index = 0;          // operator index in the model
  OpKind op = OpKind::kUnsupported;
  std::string op_name;    // builtin operator name, e.g. "CONV_2D", "SVDF"
  std::vector<TensorDesc> inputs;   // activation inputs (ADD/MUL/CONCAT have several)
  std::vector<TensorDesc> outputs;
  std::optional<TensorDesc> weights;
  std::optional<TensorDesc> bias;
  LayerOptions options;

  const TensorDesc& input() const { return inputs.at(0); }
  const TensorDesc& output() const { return outputs.at(0); }

  // Derived figures.
  std::int64_t macs() const;
  std::int64_t weight_bytes() const;      // weights + bias
  std::int64_t activation_bytes() const;  // all activation inputs + outputs

  // Timing signature: hash of everything that changes cycles: op, every tensor's shape and element
  // type, the options (stride, padding and pad amounts, dilation, depth multiplier, groups, kernel
  // size, activation kind and whether it clamps), per-tensor vs per-channel quantization of each
  // tensor, and whether the input/output zero points are non-zero. Layers with equal signatures
  // take the same cycles for every variant.
  std::uint64_t timing_signature() const;
  // Full identity: the timing signature plus the quantization values (every scale and zero point)
  // and the activation clamp bounds. Layers with equal identities compute the same function for
  // the same weights. Both hashes are FNV-1a 64 over a canonical text form (layer_hash.cc), stable
  // across platforms and runs.
  std::uint64_t full_identity() const;
};

// A whole model: layers in execution order plus the graph's input and output tensor ids.
struct Model {
  std::string name;
  std::vector<Layer> layers;
  std::vector<int> input_ids;
  std::vector<int> output_ids;
};

const char* to_string(OpKind op);
const char* to_string(ElementType type);
const char* to_string(Padding padding);
const char* to_string(ActivationKind kind);

}  // namespace pietune::kernels
