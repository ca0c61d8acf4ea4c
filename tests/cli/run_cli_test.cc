// `pietune run` and the reference ops on the bundled models: every model whose ops are all
// supported runs end to end (output shape, determinism, valid softmax distributions, both rounding
// modes), the SVDF and LSTM models are refused; the executable writes the same bytes as the library
// and turns bad input into exit code 2 with one stderr line.
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli_run_helpers.h"
#include "kernels/reference/run_model.h"
#include "model/support/error.h"
#include "tuner/model_loader.h"

namespace pietune {
namespace {

namespace fs = std::filesystem;
namespace ref = kernels::reference;

const std::string kModels = PIETUNE_SOURCE_DIR "/examples/models/";

struct ModelCase {
  const char* file;
  ref::Shape output;
  bool softmax_output;
};

// Every bundled model whose operators all have reference ops.
const ModelCase kRunnable[] = {
    {"person_detect.tflite", {1, 2}, true},           {"vww_96_int8.tflite", {1, 2}, true},
    {"micro_speech_quantized.tflite", {1, 4}, true},  {"kws_ref_model.tflite", {1, 12}, true},
    {"pretrainedResnet_quant.tflite", {1, 10}, true}, {"str_ww_ref_model.tflite", {1, 3}, true},
    {"hello_world_int8.tflite", {1, 1}, false},       {"ad01_int8.tflite", {1, 640}, false},
};

std::vector<ref::Tensor> seeded_inputs(const kernels::Model& model, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> byte(-128, 127);
  std::vector<ref::Tensor> inputs;
  for (const kernels::TensorDesc& d : ref::model_inputs(model)) {
    std::vector<std::int8_t> values(static_cast<std::size_t>(d.element_count()));
    for (auto& v : values) v = static_cast<std::int8_t>(byte(rng));
    inputs.push_back(ref::Tensor::from_int8(d.shape, values));
  }
  return inputs;
}

class BundledModel : public ::testing::TestWithParam<ModelCase> {};

TEST_P(BundledModel, RunsEndToEndDeterministically) {
  const ModelCase& c = GetParam();
  const kernels::Model model = tuner::load_model(kModels + c.file);
  ASSERT_NO_THROW(ref::check_model_supported(model));
  const std::vector<ref::Tensor> inputs = seeded_inputs(model, 1234);

  int layers_seen = 0;
  const std::vector<ref::Tensor> first =
      ref::run_model(model, inputs, ref::RoundingMode::kDouble,
                     [&](const kernels::Layer& layer, std::span<const ref::Tensor> outputs) {
                       ++layers_seen;
                       ASSERT_EQ(outputs.size(), 1u);
                       EXPECT_EQ(outputs[0].shape(), layer.output().shape) << "layer " << layer.index;
                       EXPECT_EQ(outputs[0].type(), layer.output().type) << "layer " << layer.index;
                     });
  EXPECT_EQ(layers_seen, static_cast<int>(model.layers.size()));
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].shape(), c.output);
  EXPECT_EQ(first[0].type(), kernels::ElementType::kInt8);
  EXPECT_EQ(ref::run_model(model, inputs), first);  // same input, same bits

  const std::vector<ref::Tensor> single = ref::run_model(model, inputs, ref::RoundingMode::kSingle);
  EXPECT_EQ(single[0].shape(), c.output);

  if (c.softmax_output) {
    // A valid int8 distribution at scale 1/256, zp -128: probabilities (q + 128) / 256 summing to
    // one within the rounding of each entry.
    for (const std::vector<ref::Tensor>* out : {&first, &single}) {
      int total = 0;
      for (std::int8_t q : (*out)[0].int8()) total += q + 128;
      EXPECT_NEAR(total, 256, static_cast<int>((*out)[0].element_count())) << c.file;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Models, BundledModel, ::testing::ValuesIn(kRunnable),
                         [](const ::testing::TestParamInfo<ModelCase>& info) {
                           std::string name = info.param.file;
                           name = name.substr(0, name.find('.'));
                           for (char& ch : name) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });

TEST(BundledModels, DifferentInputsGiveDifferentPersonScores) {
  const kernels::Model model = tuner::load_model(kModels + "person_detect.tflite");
  std::vector<std::vector<ref::Tensor>> outputs;
  for (unsigned seed : {1u, 2u, 3u, 4u}) outputs.push_back(ref::run_model(model, seeded_inputs(model, seed)));
  bool any_differs = false;
  for (const auto& o : outputs) any_differs = any_differs || !(o == outputs[0]);
  EXPECT_TRUE(any_differs);
}

TEST(BundledModels, HelloWorldApproximatesTheSine) {
  // The toy regression model maps x in [0, 2 pi] to sin(x); its own accuracy is about 0.15.
  const kernels::Model model = tuner::load_model(kModels + "hello_world_int8.tflite");
  const kernels::TensorDesc in = ref::model_inputs(model)[0];
  const kernels::TensorDesc out = ref::model_outputs(model)[0];
  const float in_scale = in.quant->scales[0], out_scale = out.quant->scales[0];
  const auto in_zp = static_cast<int>(in.quant->zero_point()),
             out_zp = static_cast<int>(out.quant->zero_point());
  for (int i = 0; i < 64; ++i) {
    const double x = i * 6.28 / 63;
    const int q = std::clamp(static_cast<int>(std::lround(x / in_scale)) + in_zp, -128, 127);
    const std::vector<ref::Tensor> y = ref::run_model(
        model, std::vector<ref::Tensor>{ref::Tensor::from_int8({1, 1}, {static_cast<std::int8_t>(q)})});
    EXPECT_NEAR((y[0].int8()[0] - out_zp) * out_scale, std::sin(x), 0.2) << x;
  }
}

TEST(BundledModels, SvdfAndLstmModelsAreRefused) {
  const kernels::Model svdf = tuner::load_model(kModels + "keyword_scrambled_8bit.tflite");
  try {
    ref::check_model_supported(svdf);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "layer 1: operator not supported by the reference ops: SVDF");
  }
  const kernels::Model lstm = tuner::load_model(kModels + "trained_lstm_int8.tflite");
  try {
    ref::run_model(lstm, seeded_inputs(lstm, 1));
    FAIL();
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(),
                 "layer 0: operator not supported by the reference ops: UNIDIRECTIONAL_SEQUENCE_LSTM");
  }
}

// ---- The executable ----

class RunCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() /
        ("pietune_run_cli_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) +
         "_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  static std::vector<std::uint8_t> read(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }

  static void write(const std::string& file, const std::vector<std::uint8_t>& bytes) {
    std::ofstream out(file, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  }

  // Exit 2 and exactly one stderr line, which starts with "pietune: " (bad input) or "pietune run: "
  // (a usage error, pointing at `pietune run --help`) and contains `expected`.
  static void expect_input_error(const testing::CliResult& r, const std::string& expected) {
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(r.out, "");
    ASSERT_FALSE(r.err.empty());
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << r.err;
    EXPECT_TRUE(r.err.starts_with("pietune: ") || r.err.starts_with("pietune run: ")) << r.err;
    EXPECT_NE(r.err.find(expected), std::string::npos) << r.err;
  }

  fs::path dir_;
};

TEST_F(RunCli, InputFileGivesTheLibraryOutputBytes) {
  const std::string model_file = kModels + "person_detect.tflite";
  const kernels::Model model = tuner::load_model(model_file);
  const std::vector<ref::Tensor> inputs = seeded_inputs(model, 77);
  write(path("in.bin"), inputs[0].to_bytes());

  const testing::CliResult r =
      testing::run_pietune({"run", model_file, "--input", path("in.bin"), "--output", path("out.bin")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, "person_detect: 31 layers, double rounding, input 1x96x96x1 int8 (" + path("in.bin") +
                       "), output 1x2 int8 -> " + path("out.bin") + " (2 bytes)\n");
  EXPECT_EQ(read(path("out.bin")), ref::run_model(model, inputs)[0].to_bytes());

  const testing::CliResult single = testing::run_pietune(
      {"run", model_file, "--input", path("in.bin"), "--output", path("single.bin"), "--single-rounding"});
  ASSERT_EQ(single.exit_code, 0) << single.err;
  EXPECT_NE(single.out.find("single rounding"), std::string::npos) << single.out;
  EXPECT_EQ(read(path("single.bin")),
            ref::run_model(model, inputs, ref::RoundingMode::kSingle)[0].to_bytes());
}

TEST_F(RunCli, RandomInputIsSeededAndDeterministic) {
  const std::string model_file = kModels + "kws_ref_model.tflite";
  const testing::CliResult a =
      testing::run_pietune({"run", model_file, "--random-input", "42", "--output", path("a.bin")});
  const testing::CliResult b =
      testing::run_pietune({"run", model_file, "--random-input", "42", "--output", path("b.bin")});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_EQ(a.out.substr(0, a.out.find(" -> ")), b.out.substr(0, b.out.find(" -> ")));
  EXPECT_NE(a.out.find("input 1x49x10x1 int8 (random seed 42), output 1x12 int8"), std::string::npos)
      << a.out;
  EXPECT_EQ(read(path("a.bin")).size(), 12u);
  EXPECT_EQ(read(path("a.bin")), read(path("b.bin")));
}

TEST_F(RunCli, EveryRunnableModelRunsFromTheCommandLine) {
  for (const ModelCase& c : kRunnable) {
    const testing::CliResult r =
        testing::run_pietune({"run", kModels + c.file, "--random-input", "3", "--output", path("o.bin")});
    ASSERT_EQ(r.exit_code, 0) << c.file << ": " << r.err;
    EXPECT_EQ(static_cast<std::int64_t>(read(path("o.bin")).size()), ref::shape_element_count(c.output))
        << c.file;
  }
}

TEST_F(RunCli, BadInputsExitTwoWithOneLine) {
  const std::string person = kModels + "person_detect.tflite";
  write(path("short.bin"), std::vector<std::uint8_t>(10, 1));
  expect_input_error(
      testing::run_pietune({"run", person, "--input", path("short.bin"), "--output", path("o.bin")}),
      path("short.bin") + ": 10 bytes, the model input 1x96x96x1 int8 needs 9216");
  EXPECT_FALSE(fs::exists(path("o.bin")));
  expect_input_error(
      testing::run_pietune({"run", person, "--input", path("none.bin"), "--output", path("o.bin")}),
      path("none.bin") + ": cannot open input file");
  expect_input_error(testing::run_pietune({"run", person, "--input", path("short.bin"), "--random-input", "1",
                                           "--output", path("o.bin")}),
                     "run: give exactly one of --input IN.bin and --random-input SEED");
  expect_input_error(testing::run_pietune({"run", person, "--output", path("o.bin")}),
                     "run: give exactly one of --input IN.bin and --random-input SEED");
  expect_input_error(testing::run_pietune({"run", person, "--random-input", "1"}), "--output");
  expect_input_error(
      testing::run_pietune({"run", kModels + "keyword_scrambled_8bit.tflite", "--random-input", "1",
                            "--output", path("o.bin")}),
      "keyword_scrambled_8bit.tflite: layer 1: operator not supported by the reference ops: SVDF");
  expect_input_error(testing::run_pietune({"run", kModels + "trained_lstm_int8.tflite", "--random-input", "1",
                                           "--output", path("o.bin")}),
                     "trained_lstm_int8.tflite: layer 0: operator not supported by the reference ops: "
                     "UNIDIRECTIONAL_SEQUENCE_LSTM");
  expect_input_error(
      testing::run_pietune({"run", path("missing.tflite"), "--random-input", "1", "--output", path("o.bin")}),
      path("missing.tflite") + ": cannot open");
  expect_input_error(
      testing::run_pietune({"run", person, "--random-input", "1", "--output", path("no/such/dir/o.bin")}),
      path("no/such/dir/o.bin") + ": cannot write output file");
  expect_input_error(testing::run_pietune({"run", person, "--random-input", "x", "--output", path("o.bin")}),
                     "--random-input");
}

}  // namespace
}  // namespace pietune
