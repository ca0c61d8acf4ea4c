// model_loader_test: load_model dispatches on content (.tflite vs JSON) and names the file in errors.
#include "tuner/model_loader.h"

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "kernels/layer_json.h"
#include "model/support/error.h"

namespace pietune::tuner {
namespace {

namespace fs = std::filesystem;

class ModelLoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(PIETUNE_BINARY_DIR) / "test-tmp" /
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  std::string write(const std::string& name, const std::string& content) {
    const fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << content;
    return path.string();
  }
  static std::string error_of(const std::string& path) {
    try {
      load_model(path);
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  }
  fs::path dir_;
};

const std::string kModels = std::string(PIETUNE_SOURCE_DIR) + "/examples/models/";

TEST_F(ModelLoaderTest, ReadsTfliteByContentNotExtension) {
  const fs::path copy = dir_ / "hello.bin";
  fs::copy_file(kModels + "hello_world_int8.tflite", copy);
  const kernels::Model m = load_model(copy.string());
  EXPECT_EQ(m.name, "hello");
  EXPECT_EQ(m.layers.size(), 3u);
}

TEST_F(ModelLoaderTest, JsonOfAModelLoadsBackToTheSameLayers) {
  const kernels::Model original = load_model(kModels + "person_detect.tflite");
  const std::string path = write("person.json", kernels::layers_to_json_text(original.layers));
  const kernels::Model back = load_model(path);
  ASSERT_EQ(back.layers.size(), original.layers.size());
  for (std::size_t i = 0; i < back.layers.size(); ++i) {
    EXPECT_EQ(back.layers[i].full_identity(), original.layers[i].full_identity()) << "layer " << i;
    EXPECT_EQ(back.layers[i].macs(), original.layers[i].macs()) << "layer " << i;
  }
}

TEST_F(ModelLoaderTest, EveryBundledModelRoundTripsThroughJson) {
  for (const auto& entry : fs::directory_iterator(kModels)) {
    if (entry.path().extension() != ".tflite") continue;
    SCOPED_TRACE(entry.path().filename().string());
    const kernels::Model original = load_model(entry.path().string());
    const nlohmann::ordered_json j = kernels::layers_to_json(original.layers);
    const std::vector<kernels::Layer> back = kernels::layers_from_json(j, "round trip");
    ASSERT_EQ(back.size(), original.layers.size());
    for (std::size_t i = 0; i < back.size(); ++i) {
      EXPECT_EQ(back[i].full_identity_text(), original.layers[i].full_identity_text()) << i;
    }
    EXPECT_EQ(kernels::layers_to_json(back), j);
  }
}

TEST_F(ModelLoaderTest, BadFiles) {
  const std::string missing = (dir_ / "nope.tflite").string();
  EXPECT_EQ(error_of(missing), missing + ": cannot open: No such file or directory");
  const std::string empty = write("empty.tflite", "");
  EXPECT_EQ(error_of(empty), empty + ": empty file");
  const std::string random = write("random.tflite", std::string("\x13\x37\xfe\x01 not a model at all", 24));
  EXPECT_EQ(error_of(random), random +
                                  ": neither a .tflite model (no \"TFL3\" at bytes 4..7) nor a JSON layer file");
  EXPECT_EQ(error_of(dir_.string()), dir_.string() + ": is a directory");
  const std::string json = write("bad.json", "  [ {\"op\": \"CONV_2D\"} ]");
  EXPECT_EQ(error_of(json), json + ": layer 0: missing field 'inputs'");
}

// A model over 2 GiB is refused by its size before a byte is read (the file here is sparse: reading
// it would take 3 GB of memory); devices have no size and are refused.
TEST_F(ModelLoaderTest, ModelsAreRefusedByTheirSizeBeforeReading) {
  const fs::path big = dir_ / "big.tflite";
  std::ofstream(big).close();
  fs::resize_file(big, std::uintmax_t{3} << 30);
  EXPECT_EQ(error_of(big.string()),
            big.string() + ": 3221225472 bytes, more than 2147483646 (models of 2 GiB and more are not supported)");
  fs::remove(big);
  EXPECT_EQ(error_of("/dev/zero"), "/dev/zero: not a regular file or pipe");
}

TEST_F(ModelLoaderTest, LayerFileNumbersThatOverflowADoubleAreInputErrors) {
  const std::string json = write("overflow.json", R"([{"op": "RESHAPE", "inputs": [{"shape": [1, 2e999]}]}])");
  EXPECT_EQ(error_of(json), json + ": invalid JSON: number overflow parsing '2e999'");
}

TEST_F(ModelLoaderTest, TruncatedModel) {
  std::ifstream in(kModels + "person_detect.tflite", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string path = write("cut.tflite", bytes.substr(0, bytes.size() / 2));
  EXPECT_EQ(error_of(path), path + ": flatbuffer verification failed (truncated or corrupt file)");
}

}  // namespace
}  // namespace pietune::tuner
