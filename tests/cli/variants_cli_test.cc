// `pietune variants` run as a child process: the table of legal and rejected variants with
// reasons, --layer, --json, and bad input exiting 2 with one stderr line.
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/cli/cli_run_helpers.h"

namespace pietune {
namespace {

using testing::run_pietune;

const std::string kLayers = PIETUNE_SOURCE_DIR "/tests/data/layers/conv_dw_fc.json";

TEST(VariantsCli, PrintsLegalAndRejectedWithReasons) {
  const testing::CliResult r = run_pietune({"variants", kLayers});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_NE(r.out.find("layer 0 CONV_2D 1x5x5x3 -> 1x3x3x4: 10 legal, 24 rejected\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  legal     conv_qs8_accx_1p1c_u1__pie_aligned_rqscalar "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  legal     conv_qs8_accx_1p1c_u2__pie_aligned_rqscalar "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" cycles "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" MAC/cycle\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  rejected  conv_qs8_accx_1p1c_u1__pie_direct_rqscalar  [direct_channels] input channels 3 "
                       "not a multiple of 16: direct loads need whole 16-byte pixels (the aligned path pads them in a "
                       "scratch copy, +13 bytes per pixel)\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("layer 1 DEPTHWISE_CONV_2D"), std::string::npos);
  EXPECT_NE(r.out.find("layer 2 FULLY_CONNECTED 1x48 -> 1x10: 11 legal, 20 rejected\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 of 4 layers have no variant family (RESHAPE)\n"), std::string::npos) << r.out;
}

TEST(VariantsCli, NchwLayerRejectsNhwcFamilies) {
  const testing::CliResult r = run_pietune({"variants", PIETUNE_SOURCE_DIR "/tests/data/layers/dwconv_nchw.json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("layer 0 DEPTHWISE_CONV_2D 1x24x24x16 -> 1x24x24x16: 3 legal, 11 rejected\n"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("  legal     dwconv_qs16_pix_8p1c_u1__pie_widened_nchw_rqvec "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  rejected  dwconv_qs8_qacc_1p16c_u1__pie_aligned_rqscalar  [activation_layout] the layer's "
                       "activations are NCHW, the variant takes NHWC"),
            std::string::npos)
      << r.out;
}

TEST(VariantsCli, OneLayerAsJson) {
  const testing::CliResult r = run_pietune({"variants", kLayers, "--layer", "2", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json doc = nlohmann::json::parse(r.out);
  ASSERT_EQ(doc.size(), 1u);
  EXPECT_EQ(doc[0]["layer"], 2);
  EXPECT_EQ(doc[0]["op"], "FULLY_CONNECTED");
  EXPECT_EQ(doc[0]["legal"].size(), 11u);
  EXPECT_EQ(doc[0]["legal"][0]["name"], "fc_qs8_accx_1p1c_u1__pie_aligned_rqscalar");
  EXPECT_EQ(doc[0]["legal"][0]["params"]["inputpath"], "aligned");
  EXPECT_GT(doc[0]["legal"][0]["est_cycles"].get<double>(), 10 * 48);
  ASSERT_EQ(doc[0]["rejected"].size(), 20u);
  std::set<std::string> rules;
  for (const auto& rejected : doc[0]["rejected"]) {
    rules.insert(rejected["rule"].get<std::string>());
    EXPECT_FALSE(rejected["reason"].get<std::string>().empty());
  }
  EXPECT_EQ(rules, (std::set<std::string>{"unroll", "units_lanes", "qacc_lane_range", "rqvec_lanes"}));
}

// The estimates place the buffers as tune does: weights behind the flash cache cost more than in SRAM.
TEST(VariantsCli, PlacementOptions) {
  const auto cycles = [](const char* weights) {
    const testing::CliResult r = run_pietune({"variants", kLayers, "--layer", "2", "--json", "--weights", weights});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out)[0]["legal"][0]["est_cycles"].get<double>();
  };
  EXPECT_GT(cycles("flash"), cycles("sram"));
  const testing::CliResult bad = run_pietune({"variants", kLayers, "--weights", "rom"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--weights: rom: expected one of"), std::string::npos) << bad.err;
}

TEST(VariantsCli, BadInputExitsTwo) {
  testing::CliResult r = run_pietune({"variants", kLayers, "--layer", "3"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "pietune: " + kLayers + ": layer 3: no variant family for RESHAPE\n");
  r = run_pietune({"variants", kLayers, "--layer", "9"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "pietune: " + kLayers + ": --layer 9: no such layer (indexes 0, 1, 2, 3)\n");
  r = run_pietune({"variants", "/nonexistent.json"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
}

}  // namespace
}  // namespace pietune
