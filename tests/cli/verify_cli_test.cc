// `pietune verify` run as a child process: every legal variant of a layer file passes, one variant
// by name or JSON file, --json, and bad input (illegal variant, unknown name, bad file) exits 2.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/cli/cli_run_helpers.h"

namespace pietune {
namespace {

using testing::run_pietune;

const std::string kLayers = PIETUNE_SOURCE_DIR "/tests/data/layers/conv_dw_fc.json";

TEST(VerifyCli, AllVariantsOfEveryLayerPass) {
  const testing::CliResult r = run_pietune({"verify", "--layer", kLayers, "--cases", "3", "--seed", "5"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("layer 0 CONV_2D\n  conv_qs8_accx_1p1c_u1__pie_aligned_rqscalar: 3 cases, 108 outputs, 0 "
                       "mismatches, max abs diff 0\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("  dwconv_qs8_qacc_1p16c_u1__pie_aligned_rqscalar: 3 cases, 108 outputs, 0 mismatches"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("  fc_qs8_accx_1p1c_u2__pie_direct_rqscalar: 3 cases, 30 outputs, 0 mismatches"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("RESHAPE"), std::string::npos);
}

TEST(VerifyCli, OneVariantByNameOrFileAsJson) {
  testing::CliResult r = run_pietune(
      {"verify", "--layer", kLayers, "--variant", "conv_qs8_accx_1p1c_u1__pie_unaligned_rqscalar", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json doc = nlohmann::json::parse(r.out);
  ASSERT_EQ(doc.size(), 1u);
  EXPECT_EQ(doc[0]["verdicts"][0]["variant"], "conv_qs8_accx_1p1c_u1__pie_unaligned_rqscalar");
  EXPECT_EQ(doc[0]["verdicts"][0]["cases"], 10);
  EXPECT_EQ(doc[0]["verdicts"][0]["mismatches"], 0);
  EXPECT_EQ(doc[0]["verdicts"][0]["passed"], true);

  const std::filesystem::path file =
      std::filesystem::temp_directory_path() / ("pietune_verify_cli_" + std::to_string(getpid()) + ".json");
  std::ofstream(file) << R"({"family": "fc_accx", "params": {"rows": 1, "units": 1, "unroll": 1,
                              "inputpath": "aligned", "epilogue": "rqscalar"}})";
  r = run_pietune({"verify", "--layer", kLayers, "--index", "2", "--variant", file.string(), "--cases", "2"});
  std::filesystem::remove(file);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "layer 2 FULLY_CONNECTED\n  fc_qs8_accx_1p1c_u1__pie_aligned_rqscalar: 2 cases, 20 outputs, 0 "
                   "mismatches, max abs diff 0\n");
}

// A layer file in NCHW: only the variants that take NCHW activations are legal and run exact; a
// variant for NHWC is refused with the shared rule.
TEST(VerifyCli, NchwLayerFile) {
  const std::string nchw = PIETUNE_SOURCE_DIR "/tests/data/layers/dwconv_nchw.json";
  testing::CliResult r = run_pietune({"verify", "--layer", nchw, "--cases", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "layer 0 DEPTHWISE_CONV_2D\n"
                   "  dwconv_qs16_pix_8p1c_u1__pie_widened_nchw_rqscalar: 2 cases, 18432 outputs, 0 mismatches, max "
                   "abs diff 0\n"
                   "  dwconv_qs16_pix_8p1c_u1__pie_widened_nchw_rqvec: 2 cases, 18432 outputs, 0 mismatches, max abs "
                   "diff 0\n"
                   "  dwconv_qs16_pix_8p1c_u1__pie_widened_nchw_rqpix: 2 cases, 18432 outputs, 0 mismatches, max abs "
                   "diff 0\n");
  r = run_pietune({"verify", "--layer", nchw, "--variant", "dwconv_qs16_qacc_1p8c_u1__pie_widened_rqvec"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "pietune: " + nchw +
                       ": layer 0: dwconv_qs16_qacc_1p8c_u1__pie_widened_rqvec: not legal for this layer: "
                       "activation_layout: the layer's activations are NCHW, the variant takes NHWC (a transpose of "
                       "the input and the output that no kernel does)\n");
}

TEST(VerifyCli, BadInputExitsTwo) {
  testing::CliResult r =
      run_pietune({"verify", "--layer", kLayers, "--index", "0", "--variant", "conv_qs8_accx_1p1c_u1__pie_direct_rqscalar"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "pietune: " + kLayers +
                       ": layer 0: conv_qs8_accx_1p1c_u1__pie_direct_rqscalar: not legal for this layer: "
                       "direct_channels: input channels 3 not a multiple of 16: direct loads need whole 16-byte pixels "
                       "(the aligned path pads them in a scratch copy, +13 bytes per pixel)\n");
  r = run_pietune({"verify", "--layer", kLayers, "--variant", "conv_nope"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "pietune: --variant: conv_nope: neither a variant file nor a variant name\n");
  r = run_pietune({"verify", "--layer", kLayers, "--index", "3"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "pietune: " + kLayers + ": layer 3: no variant family for RESHAPE\n");
  r = run_pietune({"verify", "--layer", kLayers, "--variant", "x", "--all"});
  EXPECT_EQ(r.exit_code, 2);
  r = run_pietune({"verify", "--layer", kLayers, "--cases", "0"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "pietune: verify: --cases: 0 is not a positive count\n");
}

}  // namespace
}  // namespace pietune

namespace pietune {
namespace {

// Every bundled model: each layer with a family, every legal variant, with the model's own
// weights, one random input each: all bit-exact.
TEST(VerifyCli, BundledModelsLayersAreExact) {
  for (const char* model : {"ad01_int8", "hello_world_int8", "keyword_scrambled_8bit", "kws_ref_model",
                            "micro_speech_quantized", "person_detect", "pretrainedResnet_quant", "str_ww_ref_model",
                            "trained_lstm_int8", "vww_96_int8"}) {
    const std::string path = std::string(PIETUNE_SOURCE_DIR "/examples/models/") + model + ".tflite";
    const testing::CliResult r = run_pietune({"verify", "--layer", path, "--cases", "1"});
    EXPECT_EQ(r.exit_code, 0) << model << "\n" << r.out << r.err;
    EXPECT_EQ(r.out.find("mismatches, max abs diff 1"), std::string::npos) << model;
    EXPECT_NE(r.out.find(" 0 mismatches"), std::string::npos) << model;
  }
}

}  // namespace
}  // namespace pietune
