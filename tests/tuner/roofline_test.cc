// The roofline (tuner/roofline/roofline.h) on real data: each bound from its definition on a
// pointwise layer of person_detect, and the in-order sum a true lower bound: no variant of any
// family on person_detect's and kws_ref_model's layers (every legal variant, fast mode, weights in
// flash and in SRAM) runs in fewer cycles than its in-order bound.
#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "kernels/codegen/epilogue_cost.h"
#include "kernels/enumerate.h"
#include "kernels/registry.h"
#include "kernels/verify.h"
#include "model/timing/fast_model.h"
#include "model/timing/machine.h"
#include "tuner/model_loader.h"
#include "tuner/roofline/roofline.h"
#include "tuner/search/estimate.h"

namespace pietune::tuner {
namespace {

kernels::Model bundled(const std::string& name) {
  return load_model(std::string(PIETUNE_SOURCE_DIR) + "/examples/models/" + name + ".tflite");
}

double bound(const Roofline& r, std::string_view name) {
  for (const RooflineBound& b : r.bounds)
    if (b.name == name) return b.cycles;
  ADD_FAILURE() << "no bound " << name;
  return 0;
}

// person_detect's layer 10: 12x12x64 -> 64, 589824 MACs, 9216 outputs, 4096 + 256 bytes of
// weights and bias.
TEST(Roofline, BoundsFromTheirDefinitions) {
  const kernels::Model model = bundled("person_detect");
  const kernels::Layer& layer = model.layers.at(10);
  const model::Machine machine = model::default_machine();
  const kernels::Variant v = *kernels::parse_variant_name("conv_qs16_pwpix_8p1c8w0k_u1__pie_widened_rqpix");
  const Roofline flash = roofline(layer, v, machine, Placement{});
  EXPECT_EQ(bound(flash, "mac"), 589824.0 / 8) << "EE.VSMULAS.S16: 8 MACs per instruction";
  const kernels::reference::ChannelQuantization qz =
      kernels::reference::channel_quantization(layer, kernels::reference::RoundingMode::kDouble);
  const double per_output = *kernels::codegen::epilogue_instructions_per_output("rqpix", qz, true);
  EXPECT_EQ(bound(flash, "requant"), 9216 * per_output);
  // The counts the README quotes: rqpix 5.5, rqvec 7.5 with one slot (60 per 8), rqscalar 25,
  // srcmb under 2 per output; the esp-nn helpers are not covered.
  EXPECT_EQ(per_output, 5.5);
  EXPECT_EQ(*kernels::codegen::epilogue_instructions_per_output("rqvec", qz, true), 7.5);
  EXPECT_EQ(*kernels::codegen::epilogue_instructions_per_output("rqscalar", qz, false), 25);
  EXPECT_LT(*kernels::codegen::epilogue_instructions_per_output("srcmb", qz, false), 2);
  EXPECT_FALSE(kernels::codegen::epilogue_instructions_per_output("rqespnn", qz, false));
  EXPECT_EQ(bound(flash, "memory"), std::ceil((4096.0 + 256) / 32) * machine.flash_line_fill_cycles());
  EXPECT_EQ(flash.limit().name, "mac");
  EXPECT_DOUBLE_EQ(flash.in_order(), bound(flash, "mac") + bound(flash, "requant") + bound(flash, "memory"));
  EXPECT_GT(bound(flash, "mac") + bound(flash, "requant"), bound(flash, "data"));

  const Roofline sram = roofline(layer, v, machine, Placement{.weights = model::MemRegion::kSram});
  EXPECT_EQ(bound(sram, "memory"), 0.0);
  const nlohmann::ordered_json j = roofline_json(sram, 2 * sram.in_order());
  EXPECT_EQ(j.at("bottleneck"), "mac");
  EXPECT_DOUBLE_EQ(j.at("share").get<double>(), 0.5);
  EXPECT_NE(roofline_text(sram, 2 * sram.in_order()).find("mac-bound; in order"), std::string::npos);
}

TEST(Roofline, InOrderBoundNeverExceedsAnEstimate) {
  const model::Machine machine = model::default_machine();
  const model::FastModel fast(machine);
  int checked = 0;
  for (const std::string name : {"person_detect", "kws_ref_model"}) {
    const kernels::Model model = bundled(name);
    for (const kernels::Layer& layer : model.layers) {
      const std::vector<kernels::Variant> legal = kernels::enumerate_variants(layer).legal;
      for (const Placement placement : {Placement{}, Placement{.weights = model::MemRegion::kSram}}) {
        for (const kernels::Variant& v : legal) {
          const VariantEstimate e = estimate_variant(fast, layer, v, placement);
          const Roofline r = roofline(layer, v, machine, placement);
          EXPECT_LE(r.in_order(), e.cost.cycles) << name << " layer " << layer.index << " " << v.name();
          ++checked;
        }
      }
    }
  }
  EXPECT_GT(checked, 200);
  RecordProperty("variants_checked", checked);
}

}  // namespace
}  // namespace pietune::tuner
