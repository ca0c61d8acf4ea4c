// The layout search on bundled models: the plan is never slower than all-NHWC, the planned model
// computes exactly what the model computes (reference ops, random inputs), and on person_detect the
// plan is mixed: its first depthwise layers run NCHW behind one transpose.
#include <filesystem>

#include <gtest/gtest.h>

#include "kernels/reference/random_inputs.h"
#include "kernels/reference/run_model.h"
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

LayoutSearch search(const kernels::Model& model, const std::string& db_path) {
  costdb::Database db = costdb::Database::open(db_path);
  TuneOptions options;
  return search_layouts(model, options, model::default_machine(), db);
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

INSTANTIATE_TEST_SUITE_P(Bundled, LayoutSearchTest,
                         ::testing::Values("person_detect.tflite", "pretrainedResnet_quant.tflite",
                                           "kws_ref_model.tflite", "micro_speech_quantized.tflite"));

}  // namespace
}  // namespace pietune::tuner
