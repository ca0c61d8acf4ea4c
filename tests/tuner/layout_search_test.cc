// The layout search on every bundled model the tuner runs: the plan is never slower than all-NHWC, the planned model
// computes exactly what the model computes (reference ops, random inputs), and on person_detect the
// plan is mixed: its first depthwise layers run NCHW behind one transpose.
#include <filesystem>

#include <gtest/gtest.h>

#include "kernels/layout_order.h"
#include "kernels/reference/random_inputs.h"
#include "kernels/reference/run_model.h"
#include "kernels/reference/transpose.h"
#include "model/timing/machine.h"
#include "tuner/model_loader.h"
#include "tuner/tune/layout_search.h"

namespace pietune::tuner {
namespace {

namespace ref = kernels::reference;

class LayoutSearchTest : public ::testing::TestWithParam<const char*> {
 protected:
  static void SetUpTestSuite() {
    db_path_ = (std::filesystem::temp_directory_path() / ("pietune_layout_search_" + std::to_string(::getpid()) + ".sqlite")).string();
  }
  static void TearDownTestSuite() { std::filesystem::remove(db_path_); }
  static std::string db_path_;
};
std::string LayoutSearchTest::db_path_;

LayoutSearch search(const kernels::Model& model, const std::string& db_path, BoundaryLayouts boundary = {},
                    bool nchw_layers = true) {
  costdb::Database db = costdb::Database::open(db_path);
  TuneOptions options;
  return search_layouts(model, options, model::default_machine(), db, boundary, nchw_layers);
}

// A graph tensor in the form an NCHW boundary gives or takes it.
ref::Tensor nchw_form(const ref::Tensor& t) {
  kernels::TensorDesc d;
  d.shape = t.shape();
  return t.shape().size() == 4 && !kernels::layout_free(d) ? ref::permute(t, kernels::kNhwcToNchwPerm) : t;
}

TEST_P(LayoutSearchTest, NeverSlowerThanNhwcAndExact) {
  const kernels::Model model = load_model(std::string(PIETUNE_SOURCE_DIR) + "/examples/models/" + GetParam());
  const LayoutSearch s = search(model, db_path_);
  EXPECT_LE(s.plan.cycles(), s.all_nhwc.cycles() + 1e-6);
  if (std::string(GetParam()) == "person_detect.tflite") {
    // dwconv_pix reads and writes whole channel planes in NCHW: layers 0 and 1 (48x48x8) gain more
    // than the transpose of their output costs.
    EXPECT_TRUE(s.mixed());
    EXPECT_LT(s.plan.cycles(), s.all_nhwc.cycles());
    EXPECT_EQ(s.plan.layer_layouts[1], ActivationLayout::kNchw);
  }
  if (std::string(GetParam()) == "micro_speech_quantized.tflite") {
    // FULLY_CONNECTED reads the depthwise layer's 25x20x8 output in either layout.
    ASSERT_EQ(model.layers[2].op, kernels::OpKind::kFullyConnected);
    EXPECT_TRUE(s.problem.problem.layers[2].nchw_cycles.has_value());
  }
  EXPECT_EQ(s.planned.layers.size(), model.layers.size() + s.plan.conversions.size());
  const auto inputs = ref::random_inputs(3, ref::model_inputs(model));
  EXPECT_EQ(ref::run_model(s.planned, inputs), ref::run_model(model, inputs));
  std::string nchw;
  for (std::size_t i = 0; i < model.layers.size(); ++i)
    if (s.plan.layer_layouts[i] == ActivationLayout::kNchw && layout_matters(model.layers[i]))
      nchw += " " + std::to_string(model.layers[i].index);
  std::printf("%s: plan %.0f cycles, all NHWC %.0f, %zu transposes, NCHW layers:%s\n", GetParam(), s.plan.cycles(),
              s.all_nhwc.cycles(), s.plan.conversions.size(), nchw.c_str());
}

// --input-layout nchw --output-layout nchw: the planned model takes its inputs and gives its
// outputs in NCHW form and computes the model's results; with layers kept NHWC (--layouts nhwc)
// only the boundary transposes remain, and the plan is never dearer than that.
TEST_P(LayoutSearchTest, NchwBoundaries) {
  const kernels::Model model = load_model(std::string(PIETUNE_SOURCE_DIR) + "/examples/models/" + GetParam());
  const BoundaryLayouts nchw{.input = ActivationLayout::kNchw, .output = ActivationLayout::kNchw};
  const LayoutSearch s = search(model, db_path_, nchw);
  const LayoutSearch fixed = search(model, db_path_, nchw, /*nchw_layers=*/false);
  EXPECT_LE(s.plan.cycles(), s.all_nhwc.cycles() + 1e-6);
  EXPECT_NEAR(fixed.plan.cycles(), s.all_nhwc.cycles(), 1e-6) << "the same all-NHWC plan";
  for (ActivationLayout l : fixed.plan.layer_layouts) EXPECT_EQ(l, ActivationLayout::kNhwc);

  const auto inputs = ref::random_inputs(5, ref::model_inputs(model));
  std::vector<ref::Tensor> nchw_inputs;
  bool converts_input = false;
  for (const ref::Tensor& t : inputs) {
    nchw_inputs.push_back(nchw_form(t));
    converts_input |= nchw_inputs.back().shape() != t.shape();
  }
  std::vector<ref::Tensor> want;
  for (const ref::Tensor& t : ref::run_model(model, inputs)) want.push_back(nchw_form(t));
  for (const LayoutSearch* plan : {&s, &fixed}) {
    const std::vector<kernels::TensorDesc> descs = ref::model_inputs(plan->planned);
    for (std::size_t i = 0; i < descs.size(); ++i) EXPECT_EQ(descs[i].shape, nchw_inputs[i].shape());
    EXPECT_EQ(ref::run_model(plan->planned, nchw_inputs), want);
  }
  // ResNet's 32x32x3 image is the one input here that is not layout-free: all-NHWC transposes it.
  if (converts_input) {
    EXPECT_FALSE(fixed.plan.conversions.empty());
  }
}

INSTANTIATE_TEST_SUITE_P(Bundled, LayoutSearchTest,
                         ::testing::Values("person_detect.tflite", "vww_96_int8.tflite", "pretrainedResnet_quant.tflite",
                                           "kws_ref_model.tflite", "micro_speech_quantized.tflite", "ad01_int8.tflite",
                                           "hello_world_int8.tflite"));

}  // namespace
}  // namespace pietune::tuner
