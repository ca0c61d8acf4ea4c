// `pietune query`: best vs named variant, variant files, illegal variants (exit 2), ops outside
// the timing model (exit 2), and a second query reading its estimates from the database.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "cli_run_helpers.h"

namespace pietune::testing {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

const std::string kLayers = PIETUNE_SOURCE_DIR "/tests/data/layers/conv_dw_fc.json";  // conv, depthwise, fc, reshape

class QueryCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("pietune_query_cli_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }

  static nlohmann::json json_of(const CliResult& r) {
    try {
      return nlohmann::json::parse(r.out);
    } catch (const nlohmann::json::exception&) {
      ADD_FAILURE() << "not JSON: " << r.out << "\nstderr: " << r.err;
      return {};
    }
  }

  static nlohmann::json best(int index) {
    const CliResult r = run_pietune({"query", "--layer", kLayers, "--index", std::to_string(index), "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json_of(r);
  }

  fs::path dir_;
};

TEST_F(QueryCliTest, BestReportsTheWinnerItsBreakdownAndTheBaseline) {
  const nlohmann::json a = best(0);
  EXPECT_EQ(a["request"], "best");
  EXPECT_EQ(a["op"], "CONV_2D");
  EXPECT_EQ(a["covered"], true);
  EXPECT_EQ(a["legal"], true);
  const double cycles = a["cycles"].get<double>();
  ASSERT_GT(cycles, 0);
  double sum = 0;
  for (const auto& [cause, value] : a["breakdown"].items()) sum += value.get<double>();
  EXPECT_NEAR(sum, cycles, 1e-6 * cycles);
  EXPECT_NEAR(a["mac_per_cycle"].get<double>(), a["macs"].get<double>() / cycles, 1e-9);
  ASSERT_TRUE(a["baseline"].is_object()) << a.dump(2);
  EXPECT_GE(a["baseline"]["cycles"].get<double>(), cycles);
  EXPECT_GE(a["search"]["estimated"].get<int>(), 1);
}

TEST_F(QueryCliTest, TextAnswerShowsVariantCyclesBreakdownAndMacPerCycle) {
  const CliResult r = run_pietune({"query", "--layer", kLayers, "--index", "0"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("layer 0 CONV_2D 1x5x5x3 -> 1x3x3x4"));
  EXPECT_THAT(r.out, HasSubstr("variant    conv_qs8_"));
  EXPECT_THAT(r.out, HasSubstr("MAC/cycle"));
  EXPECT_THAT(r.out, HasSubstr("breakdown  issue "));
  EXPECT_THAT(r.out, HasSubstr("baseline   conv_qs8_espnn"));
}

TEST_F(QueryCliTest, NamedVariantAndVariantFileGiveThatVariantsEstimate) {
  const nlohmann::json b = best(0);
  const std::string name = b["variant"]["name"];
  const CliResult named = run_pietune({"query", "--layer", kLayers, "--index", "0", "--variant", name, "--json"});
  ASSERT_EQ(named.exit_code, 0) << named.err;
  const nlohmann::json n = json_of(named);
  EXPECT_EQ(n["request"], name);
  EXPECT_EQ(n["variant"]["name"], name);
  EXPECT_EQ(n["cycles"], b["cycles"]);
  EXPECT_FALSE(n.contains("baseline"));

  const std::string file = write("variant.json", b["variant"].dump());
  const CliResult from_file = run_pietune({"query", "--layer", kLayers, "--index", "0", "--variant", file, "--json"});
  ASSERT_EQ(from_file.exit_code, 0) << from_file.err;
  EXPECT_EQ(json_of(from_file)["cycles"], b["cycles"]);
}

TEST_F(QueryCliTest, IllegalVariantExitsTwoWithTheRuleAndTheReason) {
  const CliResult listed = run_pietune({"variants", kLayers, "--layer", "0", "--json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  const nlohmann::json rejected = json_of(listed)[0]["rejected"];
  ASSERT_FALSE(rejected.empty()) << "the test layer (3 input channels) should reject some variants";
  const std::string name = rejected[0]["variant"]["name"], rule = rejected[0]["rule"], reason = rejected[0]["reason"];

  const CliResult text = run_pietune({"query", "--layer", kLayers, "--index", "0", "--variant", name});
  EXPECT_EQ(text.exit_code, 2);
  EXPECT_THAT(text.err, HasSubstr(name + ": not legal for this layer: " + rule + ": " + reason));

  const CliResult json = run_pietune({"query", "--layer", kLayers, "--index", "0", "--variant", name, "--json"});
  EXPECT_EQ(json.exit_code, 2);
  const nlohmann::json j = json_of(json);
  EXPECT_EQ(j["legal"], false);
  EXPECT_EQ(j["rule"], rule);
  EXPECT_EQ(j["reason"], reason);
}

TEST_F(QueryCliTest, VariantOfAnotherOpIsIllegal) {
  const nlohmann::json fc = best(2)["variant"];
  const CliResult r = run_pietune({"query", "--layer", kLayers, "--index", "0", "--variant", fc["name"]});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("family_op: family " + fc["family"].get<std::string>() +
                               " implements FULLY_CONNECTED, the layer is CONV_2D"));
}

// Exit 2 as for `variants --layer` and `verify` on such a layer: an op pietune does not model is
// input it cannot take (exit 1 is for a check that ran and failed).
TEST_F(QueryCliTest, OpWithoutAFamilySaysItIsNotCoveredAndExitsTwo) {
  const std::string file = write("reshape.json", R"({"op": "RESHAPE", "inputs": [{"shape": [1, 1, 1, 2]}],
                                                      "outputs": [{"shape": [1, 2]}]})");
  const CliResult text = run_pietune({"query", "--layer", file});
  EXPECT_EQ(text.exit_code, 2);
  EXPECT_EQ(text.out, "");
  EXPECT_EQ(text.err,
            "pietune: " + file + ": layer 0: RESHAPE: no kernel family covers this op; pietune does not estimate it\n");

  const CliResult json = run_pietune({"query", "--layer", file, "--json"});
  EXPECT_EQ(json.exit_code, 2);
  const nlohmann::json j = json_of(json);
  EXPECT_EQ(j["covered"], false);
  EXPECT_THAT(j["reason"].get<std::string>(), HasSubstr("no kernel family covers this op"));
  EXPECT_FALSE(j.contains("cycles"));

  const CliResult in_file = run_pietune({"query", "--layer", kLayers, "--index", "3", "--variant", "best"});
  EXPECT_EQ(in_file.exit_code, 2);
  EXPECT_EQ(in_file.err, "pietune: " + kLayers +
                             ": layer 3: RESHAPE: no kernel family covers this op; pietune does not estimate it\n");
  const CliResult variants = run_pietune({"variants", kLayers, "--layer", "3"});
  EXPECT_EQ(variants.exit_code, in_file.exit_code) << "variants and query agree on an uncovered layer";
}

TEST_F(QueryCliTest, BadRequestsAreInputErrors) {
  CliResult r = run_pietune({"query", "--layer", kLayers});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("4 layers: choose one with --index (indexes 0 to 3)"));
  r = run_pietune({"query", "--layer", kLayers, "--index", "5"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--index 5: no such layer (indexes 0, 1, 2, 3)"));
  r = run_pietune({"query", "--layer", kLayers, "--index", "0", "--variant", "no_such_variant"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--variant: no_such_variant: neither \"best\", a variant name nor a readable"));
  r = run_pietune({"query", "--layer", kLayers, "--index", "0", "--activations", "flash"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--activations: flash: expected one of sram, psram"));
}

TEST_F(QueryCliTest, SecondQueryReadsItsEstimatesFromTheDatabase) {
  const std::string db = (dir_ / "costdb.sqlite").string();
  const std::vector<std::string> args{"query", "--layer", kLayers, "--index", "1", "--db", db, "--json"};
  const CliResult first = run_pietune(args);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const nlohmann::json a = json_of(first);
  EXPECT_EQ(a["source"], "computed");
  EXPECT_GT(a["estimates"]["computed"].get<int>(), 0);

  const CliResult second = run_pietune(args);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  const nlohmann::json b = json_of(second);
  EXPECT_EQ(b["source"], "reused");
  EXPECT_EQ(b["estimates"]["computed"], 0);
  EXPECT_EQ(b["estimates"]["reused"].get<int>(),
            a["estimates"]["computed"].get<int>() + a["estimates"]["reused"].get<int>());
  EXPECT_EQ(b["variant"], a["variant"]);
  EXPECT_EQ(b["cycles"], a["cycles"]);
}

TEST_F(QueryCliTest, WithoutDbNothingIsStored) {
  const fs::path cwd = fs::current_path();
  fs::current_path(dir_);
  const CliResult r = run_pietune({"query", "--layer", kLayers, "--index", "2"});
  fs::current_path(cwd);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::is_empty(dir_));
}

}  // namespace
}  // namespace pietune::testing
