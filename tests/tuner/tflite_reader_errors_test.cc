// tflite_reader_errors_test: models with one defect each, built with the flatbuffers builder or
// patched from a real model, and the exact message the reader gives for it.
#include "tuner/tflite/tflite_reader.h"

#include <cstring>
#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>

#include "model/support/error.h"
#include "tflite_builder_helpers.h"

namespace pietune::tuner {
namespace {

using kernels::OpKind;
using testing::ModelSpec;

std::string read_error(const std::vector<std::uint8_t>& bytes, const char* name = "m.tflite") {
  try {
    read_tflite(bytes, name);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

std::string read_error(const ModelSpec& spec) { return read_error(testing::build_model(spec)); }

TEST(TfliteReaderErrorsTest, TheBuiltModelIsValid) {
  const kernels::Model m = read_tflite(testing::build_model(testing::conv_model()), "dir/m.tflite");
  EXPECT_EQ(m.name, "m");
  ASSERT_EQ(m.layers.size(), 1u);
  const kernels::Layer& l = m.layers[0];
  EXPECT_EQ(l.op, OpKind::kConv2d);
  EXPECT_EQ(l.options.pads.top, 1);
  EXPECT_EQ(l.options.pads.right, 1);
  EXPECT_EQ(l.options.activation.min, -10);  // RELU at zero point -10
  EXPECT_EQ(l.weights->data->size(), 108u);
  EXPECT_EQ(l.bias->data->size(), 16u);
}

TEST(TfliteReaderErrorsTest, BufferIndexOutOfRange) {
  ModelSpec spec = testing::conv_model();
  spec.tensors[1].buffer = 40;
  EXPECT_EQ(read_error(spec), "m.tflite: tensor 1: buffer index 40 out of range (3 buffers)");
}

TEST(TfliteReaderErrorsTest, OpcodeIndexOutOfRange) {
  ModelSpec spec = testing::conv_model();
  spec.operators[0].opcode_index = 5;
  EXPECT_EQ(read_error(spec), "m.tflite: operator 0: opcode index 5 out of range (1 operator codes)");
}

TEST(TfliteReaderErrorsTest, TensorIndexOutOfRange) {
  ModelSpec spec = testing::conv_model();
  spec.operators[0].inputs = {0, 9, 2};
  EXPECT_EQ(read_error(spec), "m.tflite: operator 0 (CONV_2D): input 1: tensor index 9 out of range (4 tensors)");
  spec = testing::conv_model();
  spec.operators[0].inputs = {0, 1, -5};
  EXPECT_EQ(read_error(spec), "m.tflite: operator 0 (CONV_2D): input 2: tensor index -5 out of range (4 tensors)");
  spec = testing::conv_model();
  spec.operators[0].outputs = {4};
  EXPECT_EQ(read_error(spec), "m.tflite: operator 0 (CONV_2D): output 0: tensor index 4 out of range (4 tensors)");
  spec = testing::conv_model();
  spec.inputs = {7};
  EXPECT_EQ(read_error(spec), "m.tflite: subgraph 0: input tensor index 7 out of range (4 tensors)");
}

TEST(TfliteReaderErrorsTest, OmittedTensors) {
  ModelSpec spec = testing::conv_model();
  spec.operators[0].inputs = {0, -1, 2};
  EXPECT_EQ(read_error(spec), "m.tflite: operator 0 (CONV_2D): input 1 omitted (-1) but required");
  spec = testing::conv_model();
  spec.operators[0].inputs = {0, 1, -1};  // the bias is optional
  const kernels::Model m = read_tflite(testing::build_model(spec), "m.tflite");
  EXPECT_FALSE(m.layers[0].bias);
  spec.operators[0].inputs = {0};
  EXPECT_EQ(read_error(spec), "m.tflite: operator 0 (CONV_2D): input 1 missing (1 inputs)");
}

TEST(TfliteReaderErrorsTest, ConstantDataLengthAgainstShape) {
  ModelSpec spec = testing::conv_model();
  spec.buffers[1].resize(100);
  EXPECT_EQ(read_error(spec), "m.tflite: tensor 1: buffer 1 holds 100 bytes, shape 4x3x3x3 int8 needs 108");
}

TEST(TfliteReaderErrorsTest, ScaleAndZeroPointCounts) {
  ModelSpec spec = testing::conv_model();
  spec.tensors[0].zero_points = {-128, 0};
  EXPECT_EQ(read_error(spec), "m.tflite: tensor 0: 1 scales but 2 zero points");
  spec = testing::conv_model();
  spec.tensors[1].scales = {0.1f, 0.2f, 0.3f};
  spec.tensors[1].zero_points = {0, 0, 0};
  EXPECT_EQ(read_error(spec), "m.tflite: tensor 1: 3 scales for quantized dimension 0 of size 4");
  spec = testing::conv_model();
  spec.tensors[1].quantized_dimension = 7;
  EXPECT_EQ(read_error(spec), "m.tflite: tensor 1: quantized dimension 7 out of range for shape 4x3x3x3");
  spec = testing::conv_model();
  spec.tensors[0].zero_points = {300};
  EXPECT_EQ(read_error(spec), "m.tflite: tensor 0: zero point 300 outside the int8 range [-128, 127]");
}

TEST(TfliteReaderErrorsTest, NegativeDimension) {
  ModelSpec spec = testing::conv_model();
  spec.tensors[0].shape = {1, -8, 8, 3};
  EXPECT_EQ(read_error(spec), "m.tflite: tensor 0: shape 1x-8x8x3: dimension 1 is -8");
}

TEST(TfliteReaderErrorsTest, MissingOrWrongOptions) {
  ModelSpec spec = testing::conv_model();
  spec.operators[0].options.kind = tflite::BuiltinOptions::NONE;
  EXPECT_EQ(read_error(spec), "m.tflite: operator 0 (CONV_2D): missing Conv2DOptions");
  spec.operators[0].options.kind = tflite::BuiltinOptions::Pool2DOptions;
  EXPECT_EQ(read_error(spec),
            "m.tflite: operator 0 (CONV_2D): builtin options type 5 where Conv2DOptions (1) was expected");
  spec = testing::conv_model();
  spec.operators[0].options.stride_h = 0;
  EXPECT_EQ(read_error(spec), "m.tflite: operator 0 (CONV_2D): stride 0x1 below 1");
}

TEST(TfliteReaderErrorsTest, ImpossibleShapes) {
  ModelSpec spec = testing::conv_model();
  spec.operators[0].options.padding = tflite::Padding::VALID;
  spec.tensors[0].shape = {1, 2, 8, 3};
  spec.tensors[3].shape = {1, 1, 6, 4};
  EXPECT_EQ(read_error(spec), "m.tflite: operator 0 (CONV_2D): kernel 3x3 larger than padded input 2x8 (VALID)");
  spec = testing::conv_model();
  spec.tensors[0].shape = {1, 8, 8, 5};
  EXPECT_EQ(read_error(spec),
            "m.tflite: operator 0 (CONV_2D): input channels 5 not a multiple of weights input channels 3");
  spec = testing::conv_model();
  spec.tensors[3].shape = {1, 4, 4, 4};
  EXPECT_EQ(read_error(spec),
            "m.tflite: operator 0 (CONV_2D): output shape 1x4x4x4 does not match 1x8x8x4 implied by "
            "the input, kernel, stride and padding");
}

TEST(TfliteReaderErrorsTest, DepthMultiplierMustMatchTheShapes) {
  ModelSpec spec = testing::conv_model();
  spec.op_codes = {{4, 4, ""}};
  spec.tensors[0].shape = {1, 8, 8, 2};
  spec.tensors[1] = {{1, 3, 3, 8}, tflite::TensorType::INT8, 1, {0.1f}, {0}, 0, "dw"};
  spec.tensors[2] = {{8}, tflite::TensorType::INT32, 2, {0.05f}, {0}, 0, "bias"};
  spec.tensors[3].shape = {1, 8, 8, 8};
  spec.buffers = {{}, std::vector<std::uint8_t>(72), std::vector<std::uint8_t>(32)};
  spec.operators[0].options.kind = tflite::BuiltinOptions::DepthwiseConv2DOptions;
  spec.operators[0].options.depth_multiplier = 4;  // shapes say 8 / 2 = 4
  const kernels::Model ok = read_tflite(testing::build_model(spec), "m.tflite");
  EXPECT_EQ(ok.layers[0].options.depth_multiplier, 4);
  spec.operators[0].options.depth_multiplier = 2;
  EXPECT_EQ(read_error(spec), "m.tflite: operator 0 (DEPTHWISE_CONV_2D): depth multiplier option 2 "
                              "does not match output channels 8 / input channels 2");
}

TEST(TfliteReaderErrorsTest, OpCodeIsTheLargerOfTheTwoFields) {
  ModelSpec spec = testing::conv_model();
  spec.op_codes = {{3, 0, ""}};  // new-style field only
  EXPECT_EQ(read_tflite(testing::build_model(spec), "m").layers[0].op, OpKind::kConv2d);
  spec.op_codes = {{0, 3, ""}};  // old files: the int8 field only
  EXPECT_EQ(read_tflite(testing::build_model(spec), "m").layers[0].op, OpKind::kConv2d);
  spec.op_codes = {{150, 127, ""}};  // codes above 127: placeholder 127 in the int8 field
  const kernels::Layer l = read_tflite(testing::build_model(spec), "m").layers[0];
  EXPECT_EQ(l.op, OpKind::kUnsupported);
  EXPECT_EQ(l.op_name, "GELU");
  EXPECT_EQ(l.inputs.size(), 3u);
  spec.op_codes = {{32, 32, "MyOp\x01"}};
  EXPECT_EQ(read_tflite(testing::build_model(spec), "m").layers[0].op_name, "CUSTOM:MyOp?");
  spec.op_codes = {{-4, -3, ""}};
  EXPECT_EQ(read_error(spec), "m.tflite: operator code 0: builtin code -3 negative");
}

TEST(TfliteReaderErrorsTest, ManyReferencesToALargeTensorAreCapped) {
  // One 1 MiB tensor name referenced 300 times by an SVDF: copying it into the layer would take
  // 300 MiB, more than the reader's budget for tensor descriptions.
  ModelSpec spec = testing::conv_model();
  spec.op_codes = {{27, 27, ""}};
  spec.tensors[0].name = std::string(1 << 20, 'n');
  spec.operators[0].options.kind = tflite::BuiltinOptions::NONE;
  spec.operators[0].inputs.assign(300, 0);
  EXPECT_EQ(read_error(spec),
            "m.tflite: operator 0 (SVDF): operators reference more than 256 MiB of tensor descriptions");
  spec.operators[0].inputs.assign(20, 0);  // 20 MiB: accepted
  EXPECT_EQ(read_tflite(testing::build_model(spec), "m").layers[0].inputs.size(), 20u);
}

TEST(TfliteReaderErrorsTest, TruncatedAndForeignBuffers) {
  std::vector<std::uint8_t> bytes = testing::build_model(testing::conv_model());
  ASSERT_GT(bytes.size(), 16u);
  bytes.erase(bytes.end() - 16, bytes.end());  // (resize(size - 16) trips GCC 12's -Wstringop-overflow at -O1)
  EXPECT_EQ(read_error(bytes), "m.tflite: flatbuffer verification failed (truncated or corrupt file)");
  EXPECT_EQ(read_error({1, 2, 3}), "m.tflite: 3 bytes, too short for a .tflite model");
  EXPECT_EQ(read_error({0, 0, 0, 0, 'T', 'F', 'L', '2', 0, 0}),
            "m.tflite: no .tflite identifier \"TFL3\" at bytes 4..7");
}

TEST(TfliteReaderErrorsTest, MisalignedInputIsCopiedNotMisread) {
  const std::vector<std::uint8_t> bytes = testing::build_model(testing::conv_model());
  std::vector<std::uint8_t> shifted(bytes.size() + 1);
  std::copy(bytes.begin(), bytes.end(), shifted.begin() + 1);
  const kernels::Model m = read_tflite(std::span(shifted).subspan(1), "m.tflite");
  EXPECT_EQ(m.layers.size(), 1u);
}

std::vector<std::uint8_t> file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Address of a scalar field of a table, from the raw layout (§3.6): the table starts with an
// int32 soffset to its vtable; the vtable holds the field's offset from the table start.
const std::uint8_t* field_address(const void* table_object, flatbuffers::voffset_t vtable_offset) {
  const auto* table = static_cast<const std::uint8_t*>(table_object);
  std::int32_t to_vtable;
  std::memcpy(&to_vtable, table, 4);
  const std::uint8_t* vtable = table - to_vtable;
  std::uint16_t field;
  std::memcpy(&field, vtable + vtable_offset, 2);
  return field == 0 ? nullptr : table + field;
}

// Writes a uint32 at the address of a verified scalar field of the real model.
void patch_u32(std::vector<std::uint8_t>& bytes, const std::uint8_t* field, std::uint32_t value) {
  ASSERT_NE(field, nullptr);
  const std::size_t at = static_cast<std::size_t>(field - bytes.data());
  for (int i = 0; i < 4; ++i) bytes[at + i] = static_cast<std::uint8_t>(value >> (8 * i));
}

TEST(TfliteReaderErrorsTest, PatchedRealModel) {
  const std::string path = std::string(PIETUNE_SOURCE_DIR) + "/examples/models/person_detect.tflite";
  std::vector<std::uint8_t> bytes = file_bytes(path);
  ASSERT_EQ(bytes.size(), 300568u);
  const tflite::SubGraph* graph = tflite::GetModel(bytes.data())->subgraphs()->Get(0);
  // Tensor 12 points at a buffer (its field is present); make it point past the 90 buffers.
  patch_u32(bytes, field_address(graph->tensors()->Get(12), tflite::Tensor::VT_BUFFER), 200);
  EXPECT_EQ(read_error(bytes, "person_detect.tflite"),
            "person_detect.tflite: tensor 12: buffer index 200 out of range (90 buffers)");

  bytes = file_bytes(path);
  graph = tflite::GetModel(bytes.data())->subgraphs()->Get(0);
  // Operator 0 uses operator code 2 (DEPTHWISE_CONV_2D) of 5.
  patch_u32(bytes, field_address(graph->operators()->Get(0), tflite::Operator::VT_OPCODE_INDEX), 9);
  EXPECT_EQ(read_error(bytes, "person_detect.tflite"),
            "person_detect.tflite: operator 0: opcode index 9 out of range (5 operator codes)");

  bytes = file_bytes(path);
  graph = tflite::GetModel(bytes.data())->subgraphs()->Get(0);
  // Operator 0's first input is tensor 88; make it 89 (one past the last tensor).
  const auto* inputs = graph->operators()->Get(0)->inputs();
  patch_u32(bytes, reinterpret_cast<const std::uint8_t*>(inputs->Data()), 89);
  EXPECT_EQ(read_error(bytes, "person_detect.tflite"),
            "person_detect.tflite: operator 0 (DEPTHWISE_CONV_2D): input 0: tensor index 89 out of "
            "range (89 tensors)");
}

}  // namespace
}  // namespace pietune::tuner
