// The esp-nn validation set: every published row runs the baseline family of the esp-nn kernel its
// test ran (or says why it cannot), on a warm data cache as the published single call; and a warm
// call over data that fits the cache pays what the same call over SRAM pays.
#include "tuner/calibration/espnn_validation.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include "kernels/layer_json.h"
#include "kernels/registry.h"
#include "model/support/error.h"
#include "model/timing/fast_model.h"
#include "tuner/search/estimate.h"

namespace pietune::tuner {
namespace {

const char* const kSet = PIETUNE_SOURCE_DIR "/model/machines/calibration/espnn_kernels.json";

TEST(EspnnValidation, EveryRowRunsTheBaselineOfItsEspnnKernel) {
  const std::vector<EspnnValidationRow> rows = run_espnn_validation(kSet, model::default_machine());
  ASSERT_EQ(rows.size(), 11u);
  int run = 0;
  for (const EspnnValidationRow& r : rows) {
    if (!r.run()) {
      EXPECT_EQ(r.name, "relu6, 1615 elements") << r.not_run;
      continue;
    }
    ++run;
    EXPECT_GT(r.predicted, 0) << r.name;
    const kernels::Variant v = *kernels::parse_variant_name(r.variant);
    const kernels::FamilySpec& family = *kernels::find_family(v.family);
    EXPECT_TRUE(family.baseline) << r.name;
    EXPECT_NE(std::find(family.espnn_kernels.begin(), family.espnn_kernels.end(), r.espnn_kernel),
              family.espnn_kernels.end())
        << r.name << ": " << r.variant << " does not model " << r.espnn_kernel;
    std::printf("%-45s %10.0f %10.0f %+6.1f%%\n", r.name.c_str(), r.published, r.predicted, r.error_percent());
  }
  EXPECT_EQ(run, 10);
  // The 3x3 row ran at a commit without the im2col path: the row says which kernel and why.
  EXPECT_EQ(rows[2].espnn_kernel, "esp_nn_conv_s8_filter_aligned_input_padded_esp32s3");
  EXPECT_FALSE(rows[2].kernel_note.empty());
  EXPECT_EQ(rows[0].espnn_kernel, "esp_nn_conv_s8_mult8_1x1_esp32s3");
  const EspnnValidationError error = espnn_validation_error(rows);
  EXPECT_EQ(error.rows, 10);
  const std::string table = espnn_validation_markdown(rows, model::default_machine());
  for (const EspnnValidationRow& r : rows) EXPECT_NE(table.find("| " + r.name + " |"), std::string::npos) << r.name;
  EXPECT_NE(table.find("MAPE over 10 rows"), std::string::npos);
  EXPECT_EQ(espnn_validation_json(rows, model::default_machine())["rows"].size(), 11u);
}

TEST(EspnnValidation, BadSetIsAnInputError) {
  EXPECT_THROW(run_espnn_validation("/nonexistent/espnn.json", model::default_machine()), InputError);
}

// The esp-nn 1x1 case of 8x8x16: its buffers fit the 32 KB data cache, so a call with warm inputs
// in PSRAM costs what the call costs over SRAM plus one fill per line of the fresh output (1 KB:
// 32 lines); a cold one pays a fill per line of every buffer.
TEST(EspnnValidation, WarmInputsPayOnlyForTheFreshOutput) {
  const kernels::Layer layer = kernels::parse_layer_file(R"({"op": "CONV_2D",
      "inputs": [{"shape": [1, 8, 8, 16], "quantization": {"scales": [1.0], "zero_points": [-5]}}],
      "weights": {"shape": [16, 1, 1, 16], "constant": true, "quantization": {"scales": [0.001]}},
      "bias": {"shape": [16], "type": "int32", "constant": true},
      "outputs": [{"shape": [1, 8, 8, 16], "quantization": {"scales": [1.0], "zero_points": [3]}}]})",
                                                         "pw.json")
                                     .layers.at(0);
  const kernels::Variant v = *kernels::parse_variant_name("conv_qs8_accx_1p1c_u1__pie_direct_rqscalar");
  const model::FastModel fast(model::default_machine());
  const Placement psram{.activations = model::MemRegion::kPsram, .weights = model::MemRegion::kPsram};
  const Placement sram{.activations = model::MemRegion::kSram, .weights = model::MemRegion::kSram};
  Placement psram_warm = psram;
  psram_warm.warm_inputs = true;
  psram_warm.scratch = model::MemRegion::kSram;  // the output stays cold: compare with an SRAM output
  const EstimateInput warm = estimate_input(layer, v, psram_warm);
  const double warm_cycles = estimate_prepared(fast, warm).cost.cycles;
  const double cold_cycles = estimate_variant(fast, layer, v, psram).cost.cycles;
  const double sram_cycles = estimate_variant(fast, layer, v, sram).cost.cycles;
  EXPECT_NEAR(warm_cycles, sram_cycles + 32 * model::default_machine().psram_line_fill_cycles(), 1e-6);
  EXPECT_GT(cold_cycles, sram_cycles + 1000);
  EXPECT_NE(estimate_key_hex(warm.kernel, warm.options), estimate_input(layer, v, psram).key);
}

}  // namespace
}  // namespace pietune::tuner
