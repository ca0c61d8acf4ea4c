// layer_json_test: the JSON form of layers: round trip, the documented format, error messages.
#include "kernels/layer_json.h"

#include <string>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "layer_builders.h"
#include "model/support/error.h"

namespace pietune::kernels {
namespace {

using json = nlohmann::ordered_json;  // keys keep the order they are written in
using testing::completed;

std::string parse_error(std::string_view text, std::string_view file = "layers.json") {
  try {
    parse_layer_file(text, file);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

void expect_same_layer(const Layer& a, const Layer& b) {
  EXPECT_EQ(a.full_identity_text(), b.full_identity_text());
  EXPECT_EQ(a.index, b.index);
  EXPECT_EQ(a.op_name, b.op_name);
  ASSERT_EQ(a.inputs.size(), b.inputs.size());
  for (std::size_t i = 0; i < a.inputs.size(); ++i) {
    EXPECT_EQ(a.inputs[i].name, b.inputs[i].name);
    EXPECT_EQ(a.inputs[i].id, b.inputs[i].id);
  }
}

TEST(LayerJsonTest, RoundTripsLayers) {
  Layer conv = testing::conv_layer();
  conv.index = 7;
  conv.inputs[0].name = "input";
  conv.inputs[0].id = 12;
  Layer softmax;
  softmax.op = OpKind::kSoftmax;
  softmax.op_name = "SOFTMAX";
  softmax.inputs = {testing::tensor({1, 10}, ElementType::kInt8, testing::per_tensor(0.1f, 3))};
  softmax.outputs = {testing::tensor({1, 10}, ElementType::kInt8, testing::per_tensor(1.0f / 256, -128))};
  softmax.options.beta = 0.7f;
  Layer svdf;
  svdf.op = OpKind::kUnsupported;
  svdf.op_name = "SVDF";
  svdf.inputs = {testing::tensor({1, 96}), testing::tensor({64, 96}, ElementType::kInt8, std::nullopt, true)};
  svdf.outputs = {testing::tensor({1, 64}, ElementType::kInt16)};
  std::vector<Layer> layers{completed(conv), completed(testing::depthwise_layer()),
                            completed(testing::fully_connected_layer()), completed(softmax), completed(svdf)};
  for (std::size_t i = 1; i < layers.size(); ++i) layers[i].index = static_cast<int>(i);  // names are unique
  const json j = layers_to_json(layers);
  const std::vector<Layer> back = layers_from_json(j, "test");
  ASSERT_EQ(back.size(), layers.size());
  for (std::size_t i = 0; i < layers.size(); ++i) expect_same_layer(layers[i], back[i]);
  EXPECT_EQ(layers_to_json(back), j);  // and the JSON of the copy is the same JSON
  // Scales survive float -> JSON -> float bit for bit (the identity hashes their bits).
  EXPECT_EQ(back[3].options.beta, 0.7f);
  EXPECT_EQ(back[0].outputs[0].quant->scales[0], 0.05f);
  // Text form too.
  EXPECT_EQ(layers_from_json(json::parse(layers_to_json_text(layers)), "text").size(), layers.size());
}

// The example of README.md "JSON layer format", verbatim.
constexpr const char* kReadmeExample = R"(
{
  "index": 0,
  "op": "DEPTHWISE_CONV_2D",
  "op_name": "DEPTHWISE_CONV_2D",
  "inputs":  [{"name": "input", "id": 88, "shape": [1, 96, 96, 1], "type": "int8",
               "quantization": {"scales": [0.0078431377], "zero_points": [-1]}}],
  "weights": {"shape": [1, 3, 3, 8], "type": "int8", "constant": true,
              "quantization": {"scales": [0.016, 0.027, 0.003, 0.01, 0.02, 0.03, 0.04, 0.05],
                               "zero_points": [0, 0, 0, 0, 0, 0, 0, 0], "quantized_dimension": 3}},
  "bias":    {"shape": [8], "type": "int32", "constant": true},
  "outputs": [{"shape": [1, 48, 48, 8], "type": "int8",
               "quantization": {"scales": [0.0235294122], "zero_points": [-128]}}],
  "options": {"stride": [2, 2], "padding": "SAME", "pads": {"top": 0, "bottom": 1, "left": 0, "right": 1},
              "dilation": [1, 1], "filter": [3, 3], "depth_multiplier": 8,
              "activation": {"kind": "RELU6", "min": -128, "max": 127}}
}
)";

TEST(LayerJsonTest, ParsesTheDocumentedFormat) {
  const Model m = parse_layer_file(kReadmeExample, "dir/first_layer.json");  // one layer object
  EXPECT_EQ(m.name, "first_layer");
  ASSERT_EQ(m.layers.size(), 1u);
  const Layer& l = m.layers[0];
  EXPECT_EQ(l.index, 0);
  EXPECT_EQ(l.inputs[0].id, 88);
  EXPECT_EQ(l.op, OpKind::kDepthwiseConv2d);
  EXPECT_EQ(l.op_name, "DEPTHWISE_CONV_2D");
  EXPECT_EQ(l.options.filter_h, 3);
  EXPECT_EQ(l.options.depth_multiplier, 8);
  EXPECT_EQ(l.options.pads.top, 0);  // 96 -> 48 with a 3x3 stride 2 kernel: 0 before, 1 after
  EXPECT_EQ(l.options.pads.bottom, 1);
  EXPECT_EQ(l.options.activation.min, -128);
  EXPECT_EQ(l.options.activation.max, 127);  // -128 + round(6 / (6/255))
  EXPECT_TRUE(l.weights->constant);
  EXPECT_TRUE(l.weights->quant->per_channel());
  EXPECT_EQ(l.macs(), 48 * 48 * 8 * 9);
}

TEST(LayerJsonTest, AcceptsASingleLayerObject) {
  const std::string text = R"({"op": "RESHAPE", "inputs": [{"shape": [1, 1, 1, 2]}],
                               "outputs": [{"shape": [1, 2]}]})";
  const Model m = parse_layer_file(text, "one.json");
  ASSERT_EQ(m.layers.size(), 1u);
  EXPECT_EQ(m.layers[0].op, OpKind::kReshape);
}

// An index names a layer: gaps and any order are fine (a slice of a model), a name used twice or
// a negative one is not.
TEST(LayerJsonTest, IndexesMayHaveGapsButAreUniqueAndNotNegative) {
  const auto reshape = [](int index) {
    return fmt::format(R"({{"index": {}, "op": "RESHAPE", "inputs": [{{"shape": [1, 2]}}], "outputs": [{{"shape": [2]}}]}})",
                       index);
  };
  const Model m = parse_layer_file("[" + reshape(15) + "," + reshape(3) + "," + reshape(2147483647) + "]", "s.json");
  ASSERT_EQ(m.layers.size(), 3u);
  EXPECT_EQ(m.layers[0].index, 15);
  EXPECT_EQ(m.layers[1].index, 3);
  EXPECT_EQ(m.layers[2].index, 2147483647);
  EXPECT_THROW(
      {
        try {
          parse_layer_file("[" + reshape(4) + "," + reshape(4) + "]", "twice.json");
        } catch (const InputError& e) {
          EXPECT_STREQ(e.what(), "twice.json: layer 1: index 4: already the index of layer 0");
          throw;
        }
      },
      InputError);
  EXPECT_THROW(parse_layer_file(reshape(-1), "negative.json"), InputError);
}

TEST(LayerJsonTest, ExplicitActivationBoundsAreKept) {
  const std::string text = R"({"op": "ADD", "inputs": [{"shape": [4]}, {"shape": [4]}],
      "outputs": [{"shape": [4]}], "options": {"activation": {"kind": "RELU", "min": -5, "max": 100}}})";
  const Layer l = parse_layer_file(text, "add.json").layers[0];
  EXPECT_EQ(l.options.activation.min, -5);
  EXPECT_EQ(l.options.activation.max, 100);
}

// esp-nn's depthwise test pads 1 before and 3 after (research/espnn_kernel_timings.md row 5).
TEST(LayerJsonTest, ExplicitPadsAreKeptAndSizeTheOutput) {
  const std::string dw = R"({"op": "DEPTHWISE_CONV_2D", "inputs": [{"shape": [1, 12, 12, 4]}],
      "weights": {"shape": [1, 5, 5, 32], "constant": true}, "bias": {"shape": [32], "constant": true},)";
  const std::string pads = R"("pads": {"top": 1, "bottom": 3, "left": 1, "right": 3}})";
  const Layer l = parse_layer_file(dw + R"("outputs": [{"shape": [1, 12, 12, 32]}],
      "options": {"padding": "EXPLICIT", )" + pads + "}", "dw.json").layers[0];
  EXPECT_EQ(l.options.padding, Padding::kExplicit);
  EXPECT_EQ(l.options.pads.top, 1);
  EXPECT_EQ(l.options.pads.bottom, 3);
  EXPECT_EQ(l.options.pads.right, 3);
  EXPECT_EQ(parse_layer_file(layers_to_json({l}).dump(), "again.json").layers[0].options.pads.bottom, 3);
  EXPECT_EQ(parse_error("[" + dw + R"("outputs": [{"shape": [1, 12, 12, 32]}], "options": {"padding": "EXPLICIT"}}])"),
            "layers.json: layer 0: options.pads: missing, EXPLICIT padding needs top, bottom, left and right");
  EXPECT_EQ(parse_error("[" + dw + R"("outputs": [{"shape": [1, 11, 12, 32]}],
      "options": {"padding": "EXPLICIT", )" + pads + "}]"),
            "layers.json: layer 0: output shape 1x11x12x32 does not match 1x12x12x32 implied by the input, kernel, "
            "stride and padding");
  EXPECT_EQ(parse_error("[" + dw + R"("outputs": [{"shape": [1, 12, 12, 32]}],
      "options": {"padding": "EXPLICIT", "pads": {"top": 5, "bottom": 3, "left": 1, "right": 3}}}])"),
            "layers.json: layer 0: options.pads: 5,3,1,3 (top, bottom, left, right): a pad must be smaller than the "
            "window 5x5");
}

TEST(LayerJsonTest, RejectsImpossibleShapes) {
  const std::string conv_prefix = R"([{"op": "CONV_2D", "weights": {"shape": [4, 3, 3, 3]},)";
  // Negative dimension.
  EXPECT_EQ(parse_error(conv_prefix + R"("inputs": [{"shape": [1, -8, 8, 3]}],
                                         "outputs": [{"shape": [1, 8, 8, 4]}]}])"),
            "layers.json: layer 0: inputs[0]: shape 1x-8x8x3: dimension 1 is -8");
  // Zero dimension.
  EXPECT_EQ(parse_error(conv_prefix + R"("inputs": [{"shape": [1, 8, 8, 3]}],
                                         "outputs": [{"shape": [1, 0, 8, 4]}]}])"),
            "layers.json: layer 0: output 0: shape 1x0x8x4: dimension 1 is 0");
  // Kernel larger than the (VALID = unpadded) input: the output would be below 1.
  EXPECT_EQ(parse_error(conv_prefix + R"("inputs": [{"shape": [1, 2, 8, 3]}],
                                         "outputs": [{"shape": [1, 1, 6, 4]}]}])"),
            "layers.json: layer 0: kernel 3x3 larger than padded input 2x8 (VALID)");
  // Mismatched channel counts.
  EXPECT_EQ(parse_error(conv_prefix + R"("inputs": [{"shape": [1, 8, 8, 4]}],
                                         "outputs": [{"shape": [1, 6, 6, 4]}]}])"),
            "layers.json: layer 0: input channels 4 not a multiple of weights input channels 3");
  // Output size the input does not give.
  EXPECT_EQ(parse_error(conv_prefix + R"("inputs": [{"shape": [1, 8, 8, 3]}],
                                         "outputs": [{"shape": [1, 8, 8, 4]}]}])"),
            "layers.json: layer 0: output shape 1x8x8x4 does not match 1x6x6x4 implied by the "
            "input, kernel, stride and padding");
}

TEST(LayerJsonTest, NamesTheLayerAndTheField) {
  const std::string good = R"({"op": "SOFTMAX", "inputs": [{"shape": [1, 2]}], "outputs": [{"shape": [1, 2]}]})";
  EXPECT_EQ(parse_error("[" + good + R"(, {"op": "SOFTMAX", "inputs": [{"shape": [1, "2"]}], "outputs": []}])"),
            "layers.json: layer 1: inputs[0].shape[1]: expected an integer, got \"2\"");
  EXPECT_EQ(parse_error("[" + good + R"(, {"op": "SOFTMAX", "inputs": [], "outputs": [], "stride": 1}])"),
            "layers.json: layer 1: layer: unknown field 'stride'");
  EXPECT_EQ(parse_error(R"([{"op": "SVDF", "inputs": [], "outputs": []}])"),
            "layers.json: layer 0: op: unknown op 'SVDF' (ops pietune does not model are written "
            "\"op\": \"UNSUPPORTED\", \"op_name\": \"SVDF\")");
  EXPECT_EQ(parse_error(R"([{"op": "MAX_POOL_2D", "inputs": [{"shape": [1, 4, 4, 1]}],
                             "outputs": [{"shape": [1, 2, 2, 1]}], "options": {"padding": "same"}}])"),
            "layers.json: layer 0: options.padding: unknown padding 'same' (SAME, VALID or EXPLICIT)");
  EXPECT_EQ(parse_error(R"([{"op": "MAX_POOL_2D", "inputs": [{"shape": [1, 4, 4, 1]}],
                             "outputs": [{"shape": [1, 2, 2, 1]}], "options": {"stride": [2, 2]}}])"),
            "layers.json: layer 0: options.filter: missing, MAX_POOL_2D needs the pool size");
  EXPECT_EQ(parse_error(R"([{"op": "MAX_POOL_2D", "inputs": [{"shape": [1, 4, 4, 1]}],
                             "outputs": [{"shape": [1, 2, 2, 1]}],
                             "options": {"stride": [2, 2], "filter": [2, 2], "padding": "SAME",
                                         "pads": {"top": 1}}}])"),
            "layers.json: layer 0: options.pads: 1,0,0,0 do not match 0,0,0,0 derived from SAME padding");
  EXPECT_EQ(parse_error(R"([{"op": "SOFTMAX", "inputs": [{"shape": [1, 4000000000]}], "outputs": []}])"),
            "layers.json: layer 0: inputs[0].shape[1]: 4000000000 out of range [-2147483648, 2147483647]");
}

TEST(LayerJsonTest, RejectsDocumentsThatAreNotLayers) {
  EXPECT_EQ(parse_error("[]"), "layers.json: no layers");
  EXPECT_EQ(parse_error("42"), "layers.json: expected a layer object or an array of layers, got number");
  // The rest of the message is nlohmann::json's own wording; ours is the prefix and the position.
  EXPECT_THAT(parse_error("[\n  {\"op\": "),
              ::testing::StartsWith("layers.json: invalid JSON: parse error at line 2, column "));
}

// A repeated key would otherwise resolve silently to its last value (as state files refuse it too).
TEST(LayerJsonTest, RejectsAKeyGivenTwice) {
  EXPECT_EQ(parse_error(R"({"op": "SOFTMAX", "op": "RESHAPE", "inputs": [{"shape": [1, 2]}], "outputs": [{"shape": [1, 2]}]})"),
            "layers.json: key 'op' given twice");
  EXPECT_EQ(parse_error(R"([{"op": "SOFTMAX", "inputs": [{"shape": [1, 2], "shape": [1, 3]}], "outputs": [{"shape": [1, 2]}]}])"),
            "layers.json: key 'shape' given twice");
  // The same key in two different objects is no repeat.
  EXPECT_EQ(parse_error(R"({"op": "SOFTMAX", "inputs": [{"shape": [1, 2]}], "outputs": [{"shape": [1, 2]}]})"), "");
}

TEST(LayerJsonTest, SkipsAUtf8ByteOrderMark) {
  const std::string layer = R"({"op": "SOFTMAX", "inputs": [{"shape": [1, 2]}], "outputs": [{"shape": [1, 2]}]})";
  const Model m = parse_layer_file("\xEF\xBB\xBF" + layer, "bom.json");
  ASSERT_EQ(m.layers.size(), 1u);
  EXPECT_EQ(m.layers[0].op, OpKind::kSoftmax);
}

}  // namespace
}  // namespace pietune::kernels
