// espnn_dispatch_models_test: esp-nn's dispatch (kernels/baselines/espnn/dispatch.h) on every layer
// of the bundled models: every layer gets an answer, and the shapes issue 13 is about get the path
// esp-nn runs (person_detect's pointwise layers: the mult8 1x1 kernel).
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "kernels/baselines/espnn/dispatch.h"
#include "tuner/model_loader.h"

namespace pietune::tuner {
namespace {

using kernels::OpKind;
using kernels::espnn::espnn_path;

kernels::Model bundled(const std::string& file) {
  return load_model(std::string(PIETUNE_SOURCE_DIR) + "/examples/models/" + file);
}

TEST(EspnnDispatchModels, EveryLayerOfEveryBundledModelGetsAReason) {
  int layers = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(PIETUNE_SOURCE_DIR) + "/examples/models")) {
    if (entry.path().extension() != ".tflite") continue;
    const kernels::Model model = load_model(entry.path().string());
    for (const kernels::Layer& layer : model.layers) {
      const kernels::espnn::EspnnPath p = espnn_path(layer);
      EXPECT_FALSE(p.reason.empty()) << entry.path().filename() << " layer " << layer.index << " " << layer.op_name;
      // Every int8 CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED of the bundled models reaches esp-nn.
      if ((layer.op == OpKind::kConv2d || layer.op == OpKind::kDepthwiseConv2d ||
           layer.op == OpKind::kFullyConnected) &&
          layer.input().type == kernels::ElementType::kInt8) {
        EXPECT_FALSE(p.kernel.empty()) << entry.path().filename() << " layer " << layer.index << ": " << p.reason;
      }
      ++layers;
    }
  }
  EXPECT_GT(layers, 100);
}

TEST(EspnnDispatchModels, PersonDetectPointwiseLayersTakeTheMult8Kernel) {
  int pointwise = 0;
  for (const kernels::Layer& layer : bundled("person_detect.tflite").layers) {
    if (layer.op != OpKind::kConv2d || layer.options.filter_w != 1 || layer.options.filter_h != 1) continue;
    ASSERT_EQ(layer.input().shape.at(3) % 8, 0);
    EXPECT_EQ(espnn_path(layer).kernel, "esp_nn_conv_s8_mult8_1x1_esp32s3") << "layer " << layer.index;
    ++pointwise;
  }
  EXPECT_EQ(pointwise, 14);
}

TEST(EspnnDispatchModels, FirstLayers) {
  const kernels::Model person = bundled("person_detect.tflite");
  // Layer 0: depthwise 3x3, 1 channel, multiplier 8: the int16 mult8 3x3 kernel.
  EXPECT_EQ(espnn_path(person.layers.at(0)).kernel, "esp_nn_depthwise_conv_s16_mult8_3x3_esp32s3");
  // Layer 1: depthwise 3x3 on 8 channels, multiplier 1: too few channels to pad to 16, int16 path.
  EXPECT_EQ(espnn_path(person.layers.at(1)).kernel, "esp_nn_depthwise_conv_s16_mult1_3x3_esp32s3");
  // vww layer 0: 3x3 on 3 channels, a 9-byte filter row but a 27-byte window: im2col.
  EXPECT_EQ(espnn_path(bundled("vww_96_int8.tflite").layers.at(0)).kernel, "esp_nn_conv_s8_im2col_s3");
}

}  // namespace
}  // namespace pietune::tuner
