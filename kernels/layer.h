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
#include <string_view>
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
  kTranspose,
  kUnsupported,  // an operator pietune does not model (SVDF, LSTM, ...); Layer::op_name names it
};

// kOther: a type pietune does not size or model (string, complex, float64, ...); its size in bytes
// is reported as 0. kInt4 is packed two per byte.
enum class ElementType {
  kInt8, kUint8, kInt16, kInt32, kInt64, kFloat32, kBool, kOther, kInt4, kFloat16
};

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
  // True for model constants (weights, bias, a constant operand of ADD/MUL, ...): they count as
  // weight bytes, not activation bytes. Kept in the JSON form, where `data` is absent.
  bool constant = false;
  // Constant contents (weights, bias) as raw little-endian bytes; null for activations. Not part of
  // the JSON form or of either hash.
  std::shared_ptr<const std::vector<std::uint8_t>> data;

  // Product of the dims (1 for rank 0), saturating at INT64_MAX; size_bytes saturates likewise.
  std::int64_t element_count() const;
  std::int64_t size_bytes() const;
};

// kExplicit: the pad amounts are given (layer files only; a .tflite model says SAME or VALID). The
// published kernel tests of esp-nn pad 1 before and 3 after, which neither TFLite rule gives.
enum class Padding { kSame, kValid, kExplicit };

// The memory order of a layer's 4-D activation tensors as its kernel is called with them. Shapes
// are always written NHWC; NCHW only changes where element (n, y, x, c) lives. Layers read from a
// .tflite model are NHWC; a layer file may say NCHW (a compiler asking about its own layout).
enum class ActivationLayout { kNhwc, kNchw };

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
  PadAmounts pads;  // derived from padding, sizes, stride and dilation; given when kExplicit
  int dilation_h = 1, dilation_w = 1;
  int depth_multiplier = 1;  // depthwise only
  int groups = 1;            // conv only: input channels / filter input channels
  int filter_h = 0, filter_w = 0;  // kernel extent (from the filter tensor, or the pool options)
  Activation activation;
  int axis = 0;           // concatenation (normalised to 0..rank-1)
  std::vector<std::int32_t> axes;  // mean: reduced axes (from its axis tensor, normalised, sorted)
  // transpose: output dim i is input dim perm[i] (from its constant perm tensor; empty elsewhere)
  std::vector<std::int32_t> perm;
  bool keep_dims = false;  // mean, fully connected
  float beta = 1.0f;      // softmax
  ActivationLayout layout = ActivationLayout::kNhwc;  // spatial ops, ADD, MUL
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

  // Derived figures. MACs are the multiply-accumulates of the inner products of CONV_2D,
  // DEPTHWISE_CONV_2D and FULLY_CONNECTED counted over every output element and every kernel tap
  // (taps that fall in the padding included); every other op counts 0.
  std::int64_t macs() const;
  std::int64_t weight_bytes() const;      // weights + bias + constant inputs
  std::int64_t activation_bytes() const;  // non-constant inputs + outputs

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

  // The canonical text forms the two hashes are taken over (ASCII, no locale, no floating-point
  // printing). Fields are separated by '|', tensors are written as
  //   <role>=<dims joined by 'x', "scalar" for rank 0>:<type>:<quant>:<zp>[:const]
  // with role in0, in1, ..., w, b, out0, ...; quant "none", "pt" (per-tensor) or "pc<dim>"
  // (per-channel along <dim>); zp "zp" when any zero point is non-zero, else "nozp".
  // Timing form, in this order:
  //   pietune-layer-v1|op=<to_string(op)>/<op_name>|<tensors: inputs, w, b, outputs>
  //   |stride=<h>x<w>|pad=<SAME|VALID>:<top>,<bottom>,<left>,<right>|dil=<h>x<w>|dm=<n>|groups=<n>
  //   |kernel=<h>x<w>|act=<kind>:<clamp|noclamp>|axis=<n>|axes=<a,b,..>|keep_dims=<0|1>
  //   then |layout=NCHW for an NCHW layer and |perm=<p0,p1,..> for a TRANSPOSE (absent otherwise,
  //   so that the keys of earlier layers stay as they were).
  // "clamp" = the bounds are narrower than the output type's range. The identity form is the
  // timing form followed by
  //   |q:<role>=<scales as 8 hex digits of their IEEE-754 bits, ','-joined>/<zero points>
  //   for every quantized tensor, then |act_bounds=<min>,<max>|beta=<8 hex digits>
  // Tensor names, model ids, the layer index and constant data never enter either form.
  std::string timing_signature_text() const;
  std::string full_identity_text() const;
};

// A whole model: layers in execution order plus the graph's input and output tensor ids.
struct Model {
  std::string name;
  std::vector<Layer> layers;
  // The file it was read from: its size and FNV-1a 64 over every byte (0, 0: built in code).
  std::uint64_t file_bytes = 0;
  std::uint64_t file_fnv1a = 0;
  std::vector<int> input_ids;
  std::vector<int> output_ids;
  // Layer::index of each TRANSPOSE a layout plan inserted between two layers (tuner/layout): not
  // an operator of the source model.
  std::vector<int> layout_conversions;

  bool is_layout_conversion(int layer_index) const {
    for (int i : layout_conversions)
      if (i == layer_index) return true;
    return false;
  }
};

// Names used in tables, JSON and the hash text: "CONV_2D", "int8", "SAME", "RELU6", ...
// (OpKind uses the TFLite builtin names; kUnsupported is "UNSUPPORTED").
const char* to_string(OpKind op);
const char* to_string(ElementType type);
const char* to_string(Padding padding);
const char* to_string(ActivationKind kind);
const char* to_string(ActivationLayout layout);  // "NHWC", "NCHW"
// Inverse of to_string; nullopt for an unknown name (exact, case-sensitive match).
std::optional<OpKind> op_kind_from_string(std::string_view name);
std::optional<ElementType> element_type_from_string(std::string_view name);
std::optional<Padding> padding_from_string(std::string_view name);
std::optional<ActivationKind> activation_kind_from_string(std::string_view name);
std::optional<ActivationLayout> activation_layout_from_string(std::string_view name);

// Bytes per element (0 for kOther; kInt4 reports 0 here, use TensorDesc::size_bytes).
int element_size_bytes(ElementType type);

// The ops with a window over H and W (stride, padding, filter): CONV_2D, DEPTHWISE_CONV_2D and the pools.
bool is_spatial(OpKind op);
// The same bytes in NHWC and NCHW order: a rank other than 4, or H*W == 1, or C == 1.
bool layout_free(const TensorDesc& tensor);
// A layer whose kernels compute the same bytes whatever the activation layout: ADD or MUL whose
// operands have the output's shape or are single elements (output element i reads element i of
// each operand, in any order). A constant operand of the output's shape is emitted in the layer's
// layout (elementwise_support.h add_constant_operand).
bool layout_agnostic(const Layer& layer);
// "1x96x96x1", "scalar" for rank 0.
std::string shape_to_string(const std::vector<std::int32_t>& shape);

}  // namespace pietune::kernels
