// The activation layout option: NHWC <-> NCHW reordering, the layer file field and its errors, the
// hash keys (NHWC layers keep theirs), and the shared legality rule every family gets.
#include <string>

#include <gtest/gtest.h>

#include "kernels/enumerate.h"
#include "kernels/layer_json.h"
#include "kernels/layout_order.h"
#include "kernels/registry.h"
#include "model/support/error.h"
#include "tests/kernels/elementwise_tester.h"
#include "tests/kernels/kernel_testers.h"

namespace pietune::kernels {
namespace {

using testing::DepthwiseTester;

TEST(LayoutOrder, NchwPutsEachChannelInOnePlane) {
  const std::vector<std::int32_t> shape = {2, 2, 3, 4};  // n, h, w, c
  std::vector<std::uint8_t> nhwc(48);
  for (std::size_t i = 0; i < nhwc.size(); ++i) nhwc[i] = static_cast<std::uint8_t>(i);
  const std::vector<std::uint8_t> nchw = nhwc_to_layout(nhwc, shape, ActivationLayout::kNchw);
  // (n, y, x, c) = (1, 1, 2, 3): NHWC index ((1*2+1)*3+2)*4+3 = 47, NCHW ((1*4+3)*2+1)*3+2 = 47;
  // (0, 0, 1, 2): NHWC 6, NCHW (2*2+0)*3+1 = 13.
  EXPECT_EQ(nchw[47], 47);
  EXPECT_EQ(nchw[13], 6);
  EXPECT_EQ(layout_to_nhwc(nchw, shape, ActivationLayout::kNchw), nhwc);
  EXPECT_EQ(nhwc_to_layout(nhwc, shape, ActivationLayout::kNhwc), nhwc);
  EXPECT_EQ(nhwc_to_layout(nhwc, {48}, ActivationLayout::kNchw), nhwc) << "only rank 4 is reordered";
}

const std::string kDepthwise = R"({"op": "DEPTHWISE_CONV_2D", "inputs": [{"shape": [1, 8, 8, 4]}],
    "weights": {"shape": [1, 3, 3, 4]}, "outputs": [{"shape": [1, 8, 8, 4]}],
    "options": {"padding": "SAME", "layout": "NCHW"}})";

std::string parse_error(const std::string& text) {
  try {
    parse_layer_file(text, "layer.json");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(LayoutOption, LayerFileRoundTripAndErrors) {
  const Layer l = parse_layer_file(kDepthwise, "layer.json").layers.at(0);
  EXPECT_EQ(l.options.layout, ActivationLayout::kNchw);
  EXPECT_EQ(layer_to_json(l)["options"]["layout"], "NCHW");
  EXPECT_EQ(layer_from_json(layer_to_json(l), 0).options.layout, ActivationLayout::kNchw);
  Layer nhwc = l;
  nhwc.options.layout = ActivationLayout::kNhwc;
  EXPECT_FALSE(layer_to_json(nhwc)["options"].contains("layout")) << "the default is not written";

  std::string bad = kDepthwise;
  bad.replace(bad.find("NCHW"), 4, "CHWN");
  EXPECT_EQ(parse_error(bad), "layer.json: layer 0: options.layout: unknown activation layout 'CHWN' (NHWC or NCHW)");
  EXPECT_EQ(parse_error(R"({"op": "ADD", "inputs": [{"shape": [1, 2, 2, 4]}, {"shape": [1, 1, 1, 4]}],
                            "outputs": [{"shape": [1, 2, 2, 4]}], "options": {"layout": "NCHW"}})"),
            "layer.json: layer 0: options.layout: NCHW applies to the spatial ops (CONV_2D, DEPTHWISE_CONV_2D, the "
            "pools), to ADD and MUL without broadcast or a constant operand and to FULLY_CONNECTED with a rank-4 "
            "input of one image per row; this ADD is NHWC only");
  // A FULLY_CONNECTED whose rows are not whole images ([1, 2, 3, 4] read as two rows of 12) has no
  // NCHW form: a row would take values of both halves of every channel plane.
  EXPECT_NE(parse_error(R"({"op": "FULLY_CONNECTED", "inputs": [{"shape": [1, 2, 3, 4]}],
                            "weights": {"shape": [5, 12]}, "outputs": [{"shape": [2, 5]}],
                            "options": {"layout": "NCHW"}})")
                .find("this FULLY_CONNECTED is NHWC only"),
            std::string::npos);
  // Without broadcast an element-wise ADD is layout-agnostic: every ADD family takes it in NCHW.
  const Layer add = parse_layer_file(R"({"op": "ADD",
      "inputs": [{"shape": [1, 2, 2, 4], "quantization": {"scales": [0.1], "zero_points": [3]}},
                 {"shape": [1, 2, 2, 4], "quantization": {"scales": [0.2], "zero_points": [-5]}}],
      "outputs": [{"shape": [1, 2, 2, 4], "quantization": {"scales": [0.25], "zero_points": [1]}}],
      "options": {"layout": "NCHW"}})",
                                     "layer.json").layers.at(0);
  EXPECT_TRUE(layout_agnostic(add));
  EXPECT_FALSE(enumerate_variants(add).legal.empty());
}

TEST(LayoutOption, OnlyNchwChangesTheKeys) {
  const Layer nchw = parse_layer_file(kDepthwise, "layer.json").layers.at(0);
  Layer nhwc = nchw;
  nhwc.options.layout = ActivationLayout::kNhwc;
  EXPECT_EQ(nhwc.timing_signature_text().find("layout"), std::string::npos);
  EXPECT_NE(nchw.timing_signature_text().find("|layout=NCHW"), std::string::npos);
  EXPECT_NE(nchw.timing_signature(), nhwc.timing_signature());
  EXPECT_NE(nchw.full_identity(), nhwc.full_identity());
}

// Every family without an "activations" parameter is rejected on an NCHW layer with the shared
// rule; dwconv_pix's nchw variants are the legal ones, and its nhwc ones are rejected.
TEST(LayoutOption, SharedRuleRejectsOtherLayouts) {
  const Layer layer = DepthwiseTester().channels(8).layout(ActivationLayout::kNchw).layer();
  const Enumeration e = enumerate_variants(layer);
  ASSERT_FALSE(e.legal.empty());
  for (const Variant& v : e.legal) {
    EXPECT_EQ(v.family, "dwconv_pix") << v.name();
    EXPECT_EQ(variant_activation_layout(v), ActivationLayout::kNchw) << v.name();
  }
  int layout_rejections = 0;
  for (const auto& [v, r] : e.rejected) {
    const bool takes_nhwc = variant_activation_layout(v) == ActivationLayout::kNhwc;
    EXPECT_EQ(r.rule == "activation_layout", takes_nhwc) << v.name() << ": " << r.rule;
    layout_rejections += takes_nhwc;
  }
  int nhwc_candidates = 0;
  for (const FamilySpec& f : all_families())
    if (f.op == layer.op)
      for (const Variant& v : candidate_variants(f, layer))
        nhwc_candidates += variant_activation_layout(v) == ActivationLayout::kNhwc;
  EXPECT_EQ(layout_rejections, nhwc_candidates) << "every NHWC depthwise variant";
  const Variant nhwc_variant = *parse_variant_name("dwconv_qs16_qacc_1p8c_u1__pie_widened_rqscalar");
  const std::optional<Rejection> r = check_legal(*find_family("dwconv_s16"), layer, nhwc_variant);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->reason, "the layer's activations are NCHW, the variant takes NHWC (a transpose of the input and the "
                       "output that no kernel does)");
}

TEST(LayoutOrder, NchwWeightColumnsFollowTheInputOrder) {
  // Input [1, 2, 3, 4] (h, w, c): NHWC column (y * 3 + x) * 4 + k moves to NCHW (k * 2 + y) * 3 + x.
  const std::vector<std::int32_t> shape = {1, 2, 3, 4};
  std::vector<std::int8_t> w(48);  // 2 units x 24 columns
  for (std::size_t i = 0; i < w.size(); ++i) w[i] = static_cast<std::int8_t>(i);
  const std::vector<std::int8_t> nchw = nchw_weight_columns(w, shape);
  EXPECT_EQ(nchw[(3 * 2 + 1) * 3 + 2], w[(1 * 3 + 2) * 4 + 3]);  // (y, x, k) = (1, 2, 3)
  EXPECT_EQ(nchw[24 + (2 * 2 + 0) * 3 + 1], w[24 + (0 * 3 + 1) * 4 + 2]) << "the second unit's row";
  // Each unit's row is the NHWC->NCHW reordering of the image: the same function as the tensors'.
  std::vector<std::uint8_t> row(w.begin(), w.begin() + 24);
  const std::vector<std::uint8_t> reordered = nhwc_to_layout(row, shape, ActivationLayout::kNchw);
  for (std::size_t i = 0; i < 24; ++i) EXPECT_EQ(static_cast<std::uint8_t>(nchw[i]), reordered[i]) << i;
}

// ADD and MUL with a constant operand of the output's shape in NCHW: every family takes them, the
// constant emitted in NCHW order to match the activation operand, bit-exact in the emulator.
TEST(LayoutOption, ElementwiseConstantOperandInNchw) {
  int families = 0;
  for (const FamilySpec& f : all_families()) {
    if (f.op != OpKind::kAdd && f.op != OpKind::kMul) continue;
    int verified = 0;
    for (int which : {0, 1}) {
      testing::ElementwiseTester t;
      t.op(f.op).shape({1, 3, 4, 16}).constant_operand(which).layout(ActivationLayout::kNchw).seed(5 + which);
      EXPECT_TRUE(layout_agnostic(t.layer()));
      verified += t.test(f);
    }
    EXPECT_GT(verified, 0) << f.name;
    families += verified > 0;
  }
  EXPECT_GE(families, 4);
}

// A FULLY_CONNECTED reading an NCHW image: every FC family takes it (the weights' columns in the
// input's order) and computes the NHWC layer's result, bit for bit in the emulator.
TEST(LayoutOption, FullyConnectedReadsAnNchwImage) {
  int families = 0;
  for (const FamilySpec& f : all_families()) {
    if (f.op != OpKind::kFullyConnected) continue;
    int verified = 0;
    for (int batches : {1, 2}) {
      testing::FullyConnectedTester t;
      t.batches(batches).image(5, 4, 8, ActivationLayout::kNchw).units(6).input_zero_point(-3).seed(11);
      verified += t.test(f);
      EXPECT_TRUE(flattens_nchw(t.layer()));
    }
    EXPECT_GT(verified, 0) << f.name;
    families += verified > 0;
  }
  EXPECT_GE(families, 3);
  const Layer nchw = testing::FullyConnectedTester().image(5, 4, 8, ActivationLayout::kNchw).layer();
  Layer nhwc = nchw;
  nhwc.options.layout = ActivationLayout::kNhwc;
  EXPECT_NE(nchw.timing_signature(), nhwc.timing_signature()) << "the weights differ, so the keys must";
}

}  // namespace
}  // namespace pietune::kernels
