// tflite_models_test: the reader on all ten bundled models, against values read off the files
// independently of pietune.
//
// Provenance of the expected values: a 60-line Python script that walks the raw flatbuffer bytes
// by hand (layout of research/tflite_semantics.md §3.6: root offset, vtables, vectors; op code =
// max of the two code fields) and prints, per operator, the op code, the input/output tensor
// shapes, the options table fields, the scale/zero-point vectors and the buffer lengths. For the
// eight models flatc can print, the values were cross-checked with
//   flatc --json --raw-binary tuner/tflite/tflite_subset.fbs -- examples/models/<model>.tflite
// (flatc cannot print keyword_scrambled_8bit and trained_lstm_int8: their SVDF/LSTM options are
// union members the subset leaves out.) Pads were worked out by hand from the §2.0 rule.
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tuner/inspect/model_summary.h"
#include "tuner/model_loader.h"

namespace pietune::tuner {
namespace {

using kernels::ActivationKind;
using kernels::ElementType;
using kernels::Layer;
using kernels::Model;
using kernels::OpKind;
using kernels::Padding;
using Shape = std::vector<std::int32_t>;

std::string model_path(const std::string& file) {
  return std::string(PIETUNE_SOURCE_DIR) + "/examples/models/" + file;
}

const Model& model(const std::string& file) {
  static std::map<std::string, Model> cache;
  auto it = cache.find(file);
  if (it == cache.end()) it = cache.emplace(file, load_model(model_path(file))).first;
  return it->second;
}

// Op names in execution order (the raw walk's op codes, named with the schema's enum).
constexpr const char* kConv = "CONV_2D";
constexpr const char* kDw = "DEPTHWISE_CONV_2D";
constexpr const char* kFc = "FULLY_CONNECTED";
constexpr const char* kAvg = "AVERAGE_POOL_2D";
constexpr const char* kReshape = "RESHAPE";
constexpr const char* kSoftmax = "SOFTMAX";
constexpr const char* kAdd = "ADD";
constexpr const char* kQuantize = "QUANTIZE";
constexpr const char* kSvdf = "SVDF";
constexpr const char* kLstm = "UNIDIRECTIONAL_SEQUENCE_LSTM";

struct ModelFacts {
  const char* file;
  std::vector<const char*> ops;
  std::int64_t macs;          // sum over CONV/DW/FC of output elements x taps per output
  std::int64_t weight_bytes;  // constant buffer bytes read by each operator (RESHAPE's shape excluded)
};

const std::vector<ModelFacts>& all_models() {
  static const std::vector<ModelFacts> facts{
      {"ad01_int8.tflite", {kFc, kFc, kFc, kFc, kFc, kFc, kFc, kFc, kFc, kFc}, 264192, 270880},
      {"hello_world_int8.tflite", {kFc, kFc, kFc}, 288, 420},
      {"keyword_scrambled_8bit.tflite",
       {kQuantize, kSvdf, kFc, kSvdf, kFc, kSvdf, kFc, kSvdf, kFc, kSvdf, kSvdf, kSvdf, kFc, kSoftmax,
        kQuantize},
       4160, 22728},
      {"kws_ref_model.tflite",
       {kConv, kDw, kConv, kDw, kConv, kDw, kConv, kDw, kConv, kAvg, kReshape, kFc, kSoftmax},
       2656768, 24368},
      {"micro_speech_quantized.tflite", {kReshape, kDw, kFc, kSoftmax}, 336000, 16688},
      {"person_detect.tflite",
       {kDw, kDw, kConv, kDw, kConv, kDw, kConv, kDw, kConv, kDw, kConv, kDw, kConv, kDw, kConv, kDw,
        kConv, kDw, kConv, kDw, kConv, kDw, kConv, kDw, kConv, kDw, kConv, kAvg, kConv, kReshape,
        kSoftmax},
       7157888, 218920},
      {"pretrainedResnet_quant.tflite",
       {kConv, kConv, kConv, kAdd, kConv, kConv, kConv, kAdd, kConv, kConv, kConv, kAdd, kAvg, kReshape,
        kFc, kSoftmax},
       12501632, 78744},
      {"str_ww_ref_model.tflite",
       {kDw, kConv, kDw, kConv, kDw, kConv, kDw, kConv, kReshape, kFc, kSoftmax}, 826368, 49412},
      {"trained_lstm_int8.tflite", {kLstm, kReshape, kFc, kSoftmax}, 5600, 9800},
      {"vww_96_int8.tflite",
       {kConv, kDw, kConv, kDw, kConv, kDw, kConv, kDw, kConv, kDw, kConv, kDw, kConv, kDw, kConv, kDw,
        kConv, kDw, kConv, kDw, kConv, kDw, kConv, kDw, kConv, kDw, kConv, kAvg, kReshape, kFc, kSoftmax},
       7489664, 219064},
  };
  return facts;
}

std::int64_t product(const Shape& s, std::size_t from = 0, std::size_t to = SIZE_MAX) {
  std::int64_t p = 1;
  for (std::size_t i = from; i < std::min(to, s.size()); ++i) p *= s[i];
  return p;
}

// MACs from the shapes alone, written out per op here rather than taken from Layer::macs:
// CONV  N*OH*OW*Cout * KH*KW*(Cin/groups), the last three being filter dims 1..3;
// DW    N*OH*OW*Cout * KH*KW;  FC  batches*units * depth, depth = last filter dim.
std::int64_t independent_macs(const Layer& l) {
  const Shape& out = l.output().shape;
  switch (l.op) {
    case OpKind::kConv2d: {
      const Shape& f = l.weights->shape;
      return product(out) * f[1] * f[2] * f[3];
    }
    case OpKind::kDepthwiseConv2d: {
      const Shape& f = l.weights->shape;
      return product(out) * f[1] * f[2];
    }
    case OpKind::kFullyConnected:
      return product(out) * l.weights->shape[1];
    default:
      return 0;
  }
}

TEST(TfliteModelsTest, OperatorCountsAndKinds) {
  for (const ModelFacts& f : all_models()) {
    SCOPED_TRACE(f.file);
    const Model& m = model(f.file);
    ASSERT_EQ(m.layers.size(), f.ops.size());
    for (std::size_t i = 0; i < f.ops.size(); ++i) {
      EXPECT_EQ(m.layers[i].op_name, f.ops[i]) << "layer " << i;
      EXPECT_EQ(m.layers[i].index, static_cast<int>(i));
      const bool modelled = std::string(f.ops[i]) != kSvdf && std::string(f.ops[i]) != kLstm;
      EXPECT_EQ(m.layers[i].op == OpKind::kUnsupported, !modelled) << "layer " << i;
      if (modelled) {
        EXPECT_EQ(kernels::to_string(m.layers[i].op), std::string(f.ops[i]));
      }
    }
  }
}

TEST(TfliteModelsTest, MacTotalsByAnIndependentPath) {
  for (const ModelFacts& f : all_models()) {
    SCOPED_TRACE(f.file);
    const Model& m = model(f.file);
    std::int64_t from_shapes = 0;
    for (const Layer& l : m.layers) from_shapes += independent_macs(l);
    EXPECT_EQ(from_shapes, f.macs);                // shapes as read == the raw walk's totals
    EXPECT_EQ(summarize(m).macs, f.macs);          // and the library's own figure agrees
  }
}

TEST(TfliteModelsTest, WeightBytesMatchTheBufferLengths) {
  for (const ModelFacts& f : all_models()) {
    SCOPED_TRACE(f.file);
    EXPECT_EQ(summarize(model(f.file)).weight_bytes, f.weight_bytes);
  }
}

TEST(TfliteModelsTest, PersonDetectFirstLayer) {
  // Operator 0: DEPTHWISE_CONV_2D, tensors in 88 / filter 0 / bias 33 / out 34; options padding
  // SAME, stride 2x2, depth_multiplier 8, RELU6, dilation 1x1.
  const Layer& l = model("person_detect.tflite").layers[0];
  EXPECT_EQ(l.op, OpKind::kDepthwiseConv2d);
  EXPECT_EQ(l.input().shape, (Shape{1, 96, 96, 1}));
  EXPECT_EQ(l.input().id, 88);
  EXPECT_EQ(l.input().name, "input");
  EXPECT_EQ(l.weights->shape, (Shape{1, 3, 3, 8}));
  EXPECT_EQ(l.weights->id, 0);
  EXPECT_EQ(l.bias->shape, (Shape{8}));
  EXPECT_EQ(l.bias->type, ElementType::kInt32);
  EXPECT_EQ(l.output().shape, (Shape{1, 48, 48, 8}));
  EXPECT_EQ(l.options.padding, Padding::kSame);
  EXPECT_EQ(l.options.stride_h, 2);
  EXPECT_EQ(l.options.stride_w, 2);
  EXPECT_EQ(l.options.depth_multiplier, 8);
  EXPECT_EQ(l.options.filter_h, 3);
  EXPECT_EQ(l.options.filter_w, 3);
  // §2.0 example (96, 3, 2, SAME) -> before 0, after 1, on both axes.
  EXPECT_EQ(l.options.pads.top, 0);
  EXPECT_EQ(l.options.pads.bottom, 1);
  EXPECT_EQ(l.options.pads.left, 0);
  EXPECT_EQ(l.options.pads.right, 1);
  EXPECT_EQ(l.options.activation.kind, ActivationKind::kRelu6);
  // Output scale 0.0235294122 (= 6/255), zero point -128: RELU6 spans the whole int8 range.
  EXPECT_EQ(l.options.activation.min, -128);
  EXPECT_EQ(l.options.activation.max, 127);
  ASSERT_TRUE(l.weights->quant);
  EXPECT_EQ(l.weights->quant->scales.size(), 8u);
  EXPECT_EQ(l.weights->quant->quantized_dimension, 3);
  EXPECT_FLOAT_EQ(l.weights->quant->scales[0], 0.016358856111764908f);
  EXPECT_FLOAT_EQ(l.input().quant->scales[0], 0.007843137718737125f);
  EXPECT_EQ(l.input().quant->zero_point(), -1);
  EXPECT_EQ(l.output().quant->zero_point(), -128);
  // Constant data: 72 filter bytes, 8 int32 biases.
  ASSERT_TRUE(l.weights->data);
  EXPECT_EQ(l.weights->data->size(), 72u);
  EXPECT_TRUE(l.weights->constant);
  ASSERT_TRUE(l.bias->data);
  EXPECT_EQ(l.bias->data->size(), 32u);
  EXPECT_FALSE(l.input().constant);
  EXPECT_FALSE(l.input().data);
}

TEST(TfliteModelsTest, PersonDetectPoolAndLastConv) {
  const Model& m = model("person_detect.tflite");
  const Layer& pool = m.layers[27];  // Pool2DOptions: VALID, stride 2x2, filter 3x3, NONE
  EXPECT_EQ(pool.op, OpKind::kAveragePool2d);
  EXPECT_EQ(pool.input().shape, (Shape{1, 3, 3, 256}));
  EXPECT_EQ(pool.output().shape, (Shape{1, 1, 1, 256}));
  EXPECT_EQ(pool.options.padding, Padding::kValid);
  EXPECT_EQ(pool.options.filter_h, 3);
  EXPECT_EQ(pool.options.stride_h, 2);
  EXPECT_FALSE(pool.weights);

  const Layer& conv = m.layers[28];  // 1x1 conv to 2 classes, no activation
  EXPECT_EQ(conv.op, OpKind::kConv2d);
  EXPECT_EQ(conv.weights->shape, (Shape{2, 1, 1, 256}));
  EXPECT_EQ(conv.output().shape, (Shape{1, 1, 1, 2}));
  EXPECT_EQ(conv.options.groups, 1);
  EXPECT_EQ(conv.options.activation.kind, ActivationKind::kNone);
  EXPECT_EQ(conv.weights->quant->scales.size(), 2u);
  EXPECT_EQ(conv.output().quant->zero_point(), -1);

  EXPECT_EQ(m.input_ids, (std::vector<int>{88}));
  EXPECT_EQ(m.output_ids, (std::vector<int>{87}));
}

TEST(TfliteModelsTest, KeywordSpottingConvWithTallKernel) {
  // kws_ref_model operator 0: CONV_2D 10x4 stride 2 SAME RELU on 49x10.
  const Layer& l = model("kws_ref_model.tflite").layers[0];
  EXPECT_EQ(l.input().shape, (Shape{1, 49, 10, 1}));
  EXPECT_EQ(l.weights->shape, (Shape{64, 10, 4, 1}));
  EXPECT_EQ(l.output().shape, (Shape{1, 25, 5, 64}));
  EXPECT_EQ(l.options.filter_h, 10);
  EXPECT_EQ(l.options.filter_w, 4);
  // height: out 25, total (25-1)*2 + 10 - 49 = 9 -> 4 / 5; width: out 5, total 8 + 4 - 10 = 2 -> 1 / 1.
  EXPECT_EQ(l.options.pads.top, 4);
  EXPECT_EQ(l.options.pads.bottom, 5);
  EXPECT_EQ(l.options.pads.left, 1);
  EXPECT_EQ(l.options.pads.right, 1);
  EXPECT_EQ(l.options.activation.kind, ActivationKind::kRelu);
  EXPECT_EQ(l.input().quant->zero_point(), 83);
  EXPECT_EQ(l.weights->quant->scales.size(), 64u);

  const Layer& pool = model("kws_ref_model.tflite").layers[9];  // 25x5 window, stride 25x5, VALID
  EXPECT_EQ(pool.options.filter_h, 25);
  EXPECT_EQ(pool.options.filter_w, 5);
  EXPECT_EQ(pool.options.stride_h, 25);
  EXPECT_EQ(pool.options.stride_w, 5);
  EXPECT_EQ(pool.output().shape, (Shape{1, 1, 1, 64}));
}

TEST(TfliteModelsTest, MicroSpeechDepthwiseAndFlattenedFullyConnected) {
  const Model& m = model("micro_speech_quantized.tflite");
  const Layer& dw = m.layers[1];  // 10x8 kernel, stride 2, SAME, multiplier 8, RELU
  EXPECT_EQ(dw.input().shape, (Shape{1, 49, 40, 1}));
  EXPECT_EQ(dw.weights->shape, (Shape{1, 10, 8, 8}));
  EXPECT_EQ(dw.output().shape, (Shape{1, 25, 20, 8}));
  EXPECT_EQ(dw.options.depth_multiplier, 8);
  // height: total 24*2 + 10 - 49 = 9 -> 4 / 5; width: total 19*2 + 8 - 40 = 6 -> 3 / 3.
  EXPECT_EQ(dw.options.pads.top, 4);
  EXPECT_EQ(dw.options.pads.bottom, 5);
  EXPECT_EQ(dw.options.pads.left, 3);
  EXPECT_EQ(dw.options.pads.right, 3);
  const Layer& fc = m.layers[2];  // 4-D input read as [1, 4000]
  EXPECT_EQ(fc.input().shape, (Shape{1, 25, 20, 8}));
  EXPECT_EQ(fc.weights->shape, (Shape{4, 4000}));
  EXPECT_EQ(fc.output().shape, (Shape{1, 4}));
  EXPECT_FALSE(fc.weights->quant->per_channel());
  const Layer& reshape = m.layers[0];  // the shape tensor (input 1) is not an activation input
  EXPECT_EQ(reshape.inputs.size(), 1u);
  EXPECT_EQ(reshape.output().shape, (Shape{1, 49, 40, 1}));
}

TEST(TfliteModelsTest, ResnetAddAndStridedPointwiseConv) {
  const Model& m = model("pretrainedResnet_quant.tflite");
  const Layer& add = m.layers[3];  // AddOptions RELU; input 1 has zero point 4
  EXPECT_EQ(add.op, OpKind::kAdd);
  ASSERT_EQ(add.inputs.size(), 2u);
  EXPECT_EQ(add.inputs[1].shape, (Shape{1, 32, 32, 16}));
  EXPECT_EQ(add.inputs[1].quant->zero_point(), 4);
  EXPECT_EQ(add.options.activation.kind, ActivationKind::kRelu);
  const Layer& conv = m.layers[6];  // 1x1 stride 2 SAME: 32 -> 16, no padding needed
  EXPECT_EQ(conv.weights->shape, (Shape{32, 1, 1, 16}));
  EXPECT_EQ(conv.output().shape, (Shape{1, 16, 16, 32}));
  EXPECT_EQ(conv.options.stride_h, 2);
  EXPECT_EQ(conv.options.pads.top + conv.options.pads.bottom + conv.options.pads.left +
                conv.options.pads.right,
            0);
}

TEST(TfliteModelsTest, StreamingWakeWordValidDepthwise) {
  const Model& m = model("str_ww_ref_model.tflite");
  const Layer& first = m.layers[0];  // 3x1 kernel, VALID: 30 -> 28
  EXPECT_EQ(first.weights->shape, (Shape{1, 3, 1, 40}));
  EXPECT_EQ(first.output().shape, (Shape{1, 28, 1, 40}));
  EXPECT_EQ(first.options.padding, Padding::kValid);
  const Layer& last_dw = m.layers[6];  // 15x1 kernel over the remaining 15 rows -> 1
  EXPECT_EQ(last_dw.options.filter_h, 15);
  EXPECT_EQ(last_dw.output().shape, (Shape{1, 1, 1, 128}));
  EXPECT_EQ(last_dw.options.activation.kind, ActivationKind::kNone);
}

TEST(TfliteModelsTest, UnsupportedOpsKeepAllTheirTensors) {
  const Model& kws = model("keyword_scrambled_8bit.tflite");
  const Layer& svdf = kws.layers[1];  // inputs 0..4: [1,96] [64,96] [64,8] [64] [1,512], out [1,64]
  EXPECT_EQ(svdf.op, OpKind::kUnsupported);
  EXPECT_EQ(svdf.op_name, "SVDF");
  ASSERT_EQ(svdf.inputs.size(), 5u);
  EXPECT_EQ(svdf.inputs[0].shape, (Shape{1, 96}));
  EXPECT_EQ(svdf.inputs[1].shape, (Shape{64, 96}));
  EXPECT_EQ(svdf.inputs[2].shape, (Shape{64, 8}));
  EXPECT_EQ(svdf.inputs[3].shape, (Shape{64}));
  EXPECT_EQ(svdf.inputs[4].shape, (Shape{1, 512}));
  EXPECT_TRUE(svdf.inputs[1].constant);
  EXPECT_FALSE(svdf.inputs[4].constant);  // the state: buffer 0
  EXPECT_EQ(svdf.output().shape, (Shape{1, 64}));
  // Weight bytes of an unmodelled op still count: 64*96 + 64*8 int8 + 64 int32.
  EXPECT_EQ(svdf.weight_bytes(), 6144 + 512 + 256);

  const Layer& quantize = kws.layers[0];  // int16 model input -> int8
  EXPECT_EQ(quantize.op, OpKind::kQuantize);
  EXPECT_EQ(quantize.input().type, ElementType::kInt16);
  EXPECT_EQ(quantize.output().type, ElementType::kInt8);
  EXPECT_EQ(kws.layers[14].output().type, ElementType::kInt32);

  const Layer& lstm = model("trained_lstm_int8.tflite").layers[0];
  EXPECT_EQ(lstm.op, OpKind::kUnsupported);
  EXPECT_EQ(lstm.op_name, "UNIDIRECTIONAL_SEQUENCE_LSTM");
  EXPECT_EQ(lstm.inputs.size(), 15u);  // 24 listed, 9 of them -1 (omitted)
  EXPECT_EQ(lstm.inputs[0].shape, (Shape{1, 28, 28}));
  EXPECT_EQ(lstm.output().shape, (Shape{1, 28, 20}));
}

TEST(TfliteModelsTest, FullyConnectedModels) {
  const Layer& hw = model("hello_world_int8.tflite").layers[0];  // 1 -> 16, RELU, per-tensor
  EXPECT_EQ(hw.input().shape, (Shape{1, 1}));
  EXPECT_EQ(hw.weights->shape, (Shape{16, 1}));
  EXPECT_EQ(hw.bias->shape, (Shape{16}));
  EXPECT_EQ(hw.options.activation.kind, ActivationKind::kRelu);
  EXPECT_FLOAT_EQ(hw.weights->quant->scales[0], 0.004039009101688862f);
  EXPECT_EQ(hw.output().quant->zero_point(), -128);
  const Model& ad = model("ad01_int8.tflite");
  EXPECT_EQ(ad.layers[4].weights->shape, (Shape{8, 128}));  // the 8-unit bottleneck
  EXPECT_EQ(ad.layers[9].output().shape, (Shape{1, 640}));
  EXPECT_EQ(ad.layers[9].options.activation.kind, ActivationKind::kNone);
  const Layer& vww0 = model("vww_96_int8.tflite").layers[0];  // 3x3 s2 SAME on 96x96x3
  EXPECT_EQ(vww0.weights->shape, (Shape{8, 3, 3, 3}));
  EXPECT_EQ(vww0.output().shape, (Shape{1, 48, 48, 8}));
  EXPECT_EQ(vww0.options.pads.bottom, 1);
  EXPECT_EQ(vww0.options.pads.top, 0);
}

}  // namespace
}  // namespace pietune::tuner
