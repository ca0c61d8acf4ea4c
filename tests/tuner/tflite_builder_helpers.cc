// Builds .tflite test models with flatbuffers::FlatBufferBuilder and the schema subset.
#include "tflite_builder_helpers.h"

namespace pietune::tuner::testing {
namespace {

using flatbuffers::FlatBufferBuilder;
using flatbuffers::Offset;

Offset<void> build_options(FlatBufferBuilder& fbb, const OptionsSpec& o) {
  using tflite::BuiltinOptions;
  switch (o.kind) {
    case BuiltinOptions::Conv2DOptions:
      return tflite::CreateConv2DOptions(fbb, o.padding, o.stride_w, o.stride_h, o.activation,
                                         o.dilation_w, o.dilation_h).Union();
    case BuiltinOptions::DepthwiseConv2DOptions:
      return tflite::CreateDepthwiseConv2DOptions(fbb, o.padding, o.stride_w, o.stride_h,
                                                  o.depth_multiplier, o.activation, o.dilation_w,
                                                  o.dilation_h).Union();
    case BuiltinOptions::Pool2DOptions:
      return tflite::CreatePool2DOptions(fbb, o.padding, o.stride_w, o.stride_h, o.filter_w,
                                         o.filter_h, o.activation).Union();
    case BuiltinOptions::FullyConnectedOptions:
      return tflite::CreateFullyConnectedOptions(fbb, o.activation).Union();
    case BuiltinOptions::AddOptions:
      return tflite::CreateAddOptions(fbb, o.activation).Union();
    case BuiltinOptions::SoftmaxOptions:
      return tflite::CreateSoftmaxOptions(fbb, 1.0f).Union();
    default:
      return 0;
  }
}

}  // namespace

std::vector<std::uint8_t> build_model(const ModelSpec& spec) {
  FlatBufferBuilder fbb;
  std::vector<Offset<tflite::OperatorCode>> codes;
  for (const OpCodeSpec& c : spec.op_codes) {
    codes.push_back(tflite::CreateOperatorCodeDirect(
        fbb, c.deprecated_builtin_code, c.custom_code.empty() ? nullptr : c.custom_code.c_str(), 1,
        c.builtin_code));
  }
  std::vector<Offset<tflite::Buffer>> buffers;
  for (const auto& data : spec.buffers) {
    buffers.push_back(tflite::CreateBufferDirect(fbb, data.empty() ? nullptr : &data));
  }
  std::vector<Offset<tflite::Tensor>> tensors;
  for (const TensorSpec& t : spec.tensors) {
    Offset<tflite::QuantizationParameters> quant = 0;
    if (!t.scales.empty() || !t.zero_points.empty()) {
      quant = tflite::CreateQuantizationParametersDirect(fbb, nullptr, nullptr, &t.scales,
                                                         &t.zero_points, t.quantized_dimension);
    }
    tensors.push_back(tflite::CreateTensorDirect(fbb, &t.shape, t.type, t.buffer,
                                                 t.name.empty() ? nullptr : t.name.c_str(), quant));
  }
  std::vector<Offset<tflite::Operator>> operators;
  for (const OperatorSpec& op : spec.operators) {
    operators.push_back(tflite::CreateOperatorDirect(fbb, op.opcode_index, &op.inputs, &op.outputs,
                                                     op.options.kind, build_options(fbb, op.options)));
  }
  const auto graph = tflite::CreateSubGraphDirect(fbb, &tensors, &spec.inputs, &spec.outputs,
                                                  &operators, "main");
  const std::vector<Offset<tflite::SubGraph>> graphs{graph};
  const auto model = tflite::CreateModelDirect(fbb, 3, &codes, &graphs, "test", &buffers);
  tflite::FinishModelBuffer(fbb, model);
  return {fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize()};
}

ModelSpec conv_model() {
  ModelSpec m;
  m.op_codes = {{3, 3, ""}};  // CONV_2D in both code fields
  m.buffers = {{}, std::vector<std::uint8_t>(4 * 3 * 3 * 3, 1), std::vector<std::uint8_t>(4 * 4, 0)};
  m.tensors = {
      {{1, 8, 8, 3}, tflite::TensorType::INT8, 0, {0.5f}, {-128}, 0, "input"},
      {{4, 3, 3, 3}, tflite::TensorType::INT8, 1, {0.1f, 0.2f, 0.3f, 0.4f}, {0, 0, 0, 0}, 0, "weights"},
      {{4}, tflite::TensorType::INT32, 2, {0.05f, 0.1f, 0.15f, 0.2f}, {0, 0, 0, 0}, 0, "bias"},
      {{1, 8, 8, 4}, tflite::TensorType::INT8, 0, {0.05f}, {-10}, 0, "output"},
  };
  OperatorSpec conv;
  conv.inputs = {0, 1, 2};
  conv.outputs = {3};
  conv.options.kind = tflite::BuiltinOptions::Conv2DOptions;
  conv.options.activation = tflite::ActivationFunctionType::RELU;
  m.operators = {conv};
  m.inputs = {0};
  m.outputs = {3};
  return m;
}

ModelSpec nchw_input_conv_model() {
  ModelSpec m = conv_model();
  m.op_codes.push_back({39, 39, ""});  // TRANSPOSE
  std::vector<std::uint8_t> perm;
  for (std::int32_t p : {0, 2, 3, 1})
    for (int byte = 0; byte < 4; ++byte) perm.push_back(static_cast<std::uint8_t>(p >> (8 * byte)));
  m.buffers.push_back(perm);
  m.tensors.push_back({{1, 3, 8, 8}, tflite::TensorType::INT8, 0, {0.5f}, {-128}, 0, "nchw_input"});
  m.tensors.push_back({{4}, tflite::TensorType::INT32, static_cast<std::uint32_t>(m.buffers.size() - 1), {}, {}, 0,
                       "perm"});
  OperatorSpec transpose;
  transpose.opcode_index = 1;
  transpose.inputs = {4, 5};
  transpose.outputs = {0};
  m.operators.insert(m.operators.begin(), transpose);
  m.inputs = {4};
  return m;
}

}  // namespace pietune::tuner::testing
