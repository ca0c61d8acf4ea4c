// The TensorFlow Lite Micro hook tune writes (<model>_pietune_tflm.h/.cc): compiled against a
// stand-in of the TFLM API it targets (tests/data/tflm_min, written from TFLM's documented
// signatures) and run: on hello_world_int8 a node writing a tuned layer's output tensor runs
// pietune's kernel on the node's tensors with the layer's call block, any other node the stock
// kernel, and the stock prepare stays; the hooks of person_detect (CONV_2D, DEPTHWISE_CONV_2D,
// AVERAGE_POOL_2D) and pretrainedResnet_quant (ADD with two activation inputs) compile.
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/cli/cli_run_helpers.h"
#include "tests/tuner/tflite_builder_helpers.h"

namespace pietune {
namespace {

using testing::run_pietune;

const std::string kStandIn = PIETUNE_SOURCE_DIR "/tests/data/tflm_min";

std::string tune(const testing::ScratchDir& scratch, const std::string& model) {
  const std::string out = scratch.path(model);
  const testing::CliResult r =
      run_pietune({"tune", PIETUNE_SOURCE_DIR "/examples/models/" + model + ".tflite", "--out", out, "--db",
                   scratch.path(model + ".sqlite"), "--verify-cases", "1", "--quiet"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("the TFLite Micro hook " + out + "/" + model + "_pietune_tflm.h"), std::string::npos) << r.err;
  return out;
}

bool have_compiler() { return std::system("command -v c++ >/dev/null 2>&1") == 0; }

TEST(TflmHookCli, HookedRegistrationRunsPietuneOnTunedNodesAndStockOnOthers) {
  if (!have_compiler()) GTEST_SKIP() << "no C++ compiler";
  const testing::ScratchDir scratch("pietune_tflm_hook");
  const std::string out = tune(scratch, "hello_world_int8");
  const std::string driver = scratch.path("hook_driver");
  const std::string build = "c++ -std=c++17 -Wall -Wextra -Werror -I" + out + " -I" + kStandIn + " " + out +
                            "/hello_world_int8_pietune_tflm.cc " + kStandIn + "/hook_driver.cc -o " + driver;
  ASSERT_EQ(std::system(build.c_str()), 0) << build;
  EXPECT_EQ(std::system(driver.c_str()), 0);
}

TEST(TflmHookCli, HooksForConvolutionsPoolsAndTwoInputAddCompile) {
  if (!have_compiler()) GTEST_SKIP() << "no C++ compiler";
  const testing::ScratchDir scratch("pietune_tflm_hook_compile");
  for (const std::string model : {"person_detect", "pretrainedResnet_quant"}) {
    const std::string out = tune(scratch, model);
    const std::string source = testing::read_file(out + "/" + model + "_pietune_tflm.cc");
    if (model == "pretrainedResnet_quant") {
      EXPECT_NE(source.find("pietune_pretrainedResnet_quant_l3_call_block, 0, 1}"), std::string::npos)
          << "the ADD layer takes both node inputs through kernel2";
    }
    const std::string compile = "c++ -std=c++17 -Wall -Wextra -Werror -fsyntax-only -I" + out + " -I" + kStandIn + " " +
                                out + "/" + model + "_pietune_tflm.cc";
    EXPECT_EQ(std::system(compile.c_str()), 0) << compile;
  }
}

// A model exported from PyTorch starts with a TRANSPOSE (NCHW input to NHWC): its hook registers
// the transpose kernel too, and compiles.
TEST(TflmHookCli, HookForAModelWithATransposeCompiles) {
  if (!have_compiler()) GTEST_SKIP() << "no C++ compiler";
  const testing::ScratchDir scratch("pietune_tflm_hook_transpose");
  const std::vector<std::uint8_t> bytes = tuner::testing::build_model(tuner::testing::nchw_input_conv_model());
  const std::string model = scratch.path("nchw_input.tflite");
  std::ofstream(model, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                               static_cast<std::streamsize>(bytes.size()));
  const std::string out = scratch.path("out");
  const testing::CliResult r = run_pietune(
      {"tune", model, "--out", out, "--db", scratch.path("db.sqlite"), "--verify-cases", "1", "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(testing::read_file(out + "/nchw_input_pietune_tflm.cc").find("Register_TRANSPOSE"), std::string::npos);
  EXPECT_NE(testing::read_file(out + "/nchw_input_pietune_tflm.h").find("resolver.AddTranspose("), std::string::npos);
  const std::string compile = "c++ -std=c++17 -Wall -Wextra -Werror -fsyntax-only -I" + out + " -I" + kStandIn + " " +
                              out + "/nchw_input_pietune_tflm.cc";
  EXPECT_EQ(std::system(compile.c_str()), 0) << compile;
}

}  // namespace
}  // namespace pietune
