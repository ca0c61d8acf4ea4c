// kernels/reference run_layer and run_model: dispatch, tensor ids through a small hand-built graph
// (a constant ADD operand included), the observer, and the errors for unsupported layers, missing
// tensors and wrong inputs.
#include "kernels/reference/run_model.h"

#include <gtest/gtest.h>

#include "kernels/reference/run_layer.h"
#include "model/support/error.h"
#include "reference_test_support.h"

namespace pietune::kernels::reference {
namespace {

using namespace testing;

// in(0) [1,2,2,1] -> CONV_2D 1x1 x3 -> t2 -> ADD t5 (constant [1]) -> t3 -> RESHAPE -> out(4) [1,4]
Model small_model() {
  Model m;
  m.name = "small";
  m.input_ids = {0};
  m.output_ids = {4};

  Layer conv;
  conv.index = 0;
  conv.op = OpKind::kConv2d;
  conv.op_name = "CONV_2D";
  conv.inputs = {activation({1, 2, 2, 1}, 1.0f, 0, 0)};
  conv.weights = int8_weights({1, 1, 1, 1}, {3}, quant(1.0f, 0));
  conv.outputs = {activation({1, 2, 2, 1}, 1.0f, 0, 2)};
  m.layers.push_back(completed(conv));

  Layer add;
  add.index = 1;
  add.op = OpKind::kAdd;
  add.op_name = "ADD";
  TensorDesc bias = constant(Shape{1}, ElementType::kInt8, std::vector<std::int8_t>{-10}, quant(1.0f, 0));
  bias.id = 5;
  add.inputs = {activation({1, 2, 2, 1}, 1.0f, 0, 2), bias};
  add.outputs = {activation({1, 2, 2, 1}, 1.0f, 0, 3)};
  m.layers.push_back(completed(add));

  Layer reshape;
  reshape.index = 2;
  reshape.op = OpKind::kReshape;
  reshape.op_name = "RESHAPE";
  reshape.inputs = {activation({1, 2, 2, 1}, 1.0f, 0, 3)};
  reshape.outputs = {activation({1, 4}, 1.0f, 0, 4)};
  m.layers.push_back(completed(reshape));
  return m;
}

TEST(ReferenceRunModel, FollowsTensorIdsAndConstants) {
  const Model model = small_model();
  std::vector<std::string> seen;
  const std::vector<Tensor> out =
      run_model(model, std::vector<Tensor>{Tensor::from_int8({1, 2, 2, 1}, {1, 2, 3, 50})},
                RoundingMode::kDouble, [&](const Layer& layer, std::span<const Tensor> outputs) {
                  seen.push_back(layer.op_name);
                  EXPECT_EQ(outputs.size(), 1u);
                });
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0], Tensor::from_int8({1, 4}, {-7, -4, -1, 117}));  // 3x (150 clamps to 127) - 10
  EXPECT_EQ(seen, (std::vector<std::string>{"CONV_2D", "ADD", "RESHAPE"}));
}

TEST(ReferenceRunModel, GraphInputAndOutputDescriptions) {
  const Model model = small_model();
  ASSERT_EQ(model_inputs(model).size(), 1u);
  EXPECT_EQ(model_inputs(model)[0].shape, (Shape{1, 2, 2, 1}));
  EXPECT_EQ(model_outputs(model)[0].shape, (Shape{1, 4}));
  Model json_like = model;
  json_like.input_ids.clear();
  try {
    model_inputs(json_like);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "no graph inputs (a JSON layer file has no graph)");
  }
}

TEST(ReferenceRunModel, UnsupportedLayersAreRefusedBeforeRunning) {
  Model model = small_model();
  Layer svdf;
  svdf.index = 3;
  svdf.op = OpKind::kUnsupported;
  svdf.op_name = "SVDF";
  svdf.inputs = {activation({1, 4}, 1.0f, 0, 4)};
  svdf.outputs = {activation({1, 4}, 1.0f, 0, 6)};
  model.layers.push_back(svdf);
  int calls = 0;
  try {
    run_model(model, std::vector<Tensor>{Tensor::from_int8({1, 2, 2, 1}, {1, 2, 3, 4})},
              RoundingMode::kDouble, [&](const Layer&, std::span<const Tensor>) { ++calls; });
    FAIL();
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "layer 3: operator not supported by the reference ops: SVDF");
  }
  EXPECT_EQ(calls, 0);
  EXPECT_FALSE(has_reference_op(OpKind::kUnsupported));
  EXPECT_TRUE(has_reference_op(OpKind::kMean));
}

TEST(ReferenceRunModel, MissingTensorsAndWrongInputs) {
  Model model = small_model();
  model.layers[1].inputs[1].data.reset();  // the ADD constant loses its data
  try {
    run_model(model, std::vector<Tensor>{Tensor::from_int8({1, 2, 2, 1}, {1, 2, 3, 4})});
    FAIL();
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(),
                 "layer 1 (ADD): input 1: tensor 5 is neither a graph input, a constant nor an earlier "
                 "layer's output");
  }
  try {
    run_model(small_model(), std::vector<Tensor>{Tensor::from_int8({1, 4}, {1, 2, 3, 4})});
    FAIL();
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "input 0: shape 1x4, expected 1x2x2x1");
  }
  EXPECT_THROW(run_model(small_model(), std::vector<Tensor>{}), InputError);
}

TEST(ReferenceRunLayer, DispatchesAndChecksTheInputCount) {
  const Model model = small_model();
  const std::vector<Tensor> out =
      run_layer(model.layers[0], std::vector<Tensor>{Tensor::from_int8({1, 2, 2, 1}, {1, -1, 2, -2})});
  EXPECT_EQ(out.at(0), Tensor::from_int8({1, 2, 2, 1}, {3, -3, 6, -6}));
  try {
    run_layer(model.layers[1], std::vector<Tensor>{Tensor::from_int8({1, 2, 2, 1}, {1, 2, 3, 4})});
    FAIL();
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "layer 1 (ADD): 1 input tensors given, the layer has 2 inputs");
  }
}

}  // namespace
}  // namespace pietune::kernels::reference
