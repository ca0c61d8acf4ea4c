// `pietune explain`, `pietune db` and `pietune regress` on real tuning runs of person_detect. The
// regression case tunes twice with a machine whose taken branches cost more, so the second run is
// slower on real kernels and regress must exit 1.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "kernels/registry.h"
#include "tests/cli/cli_run_helpers.h"

namespace pietune {
namespace {

namespace fs = std::filesystem;
using testing::run_pietune;

const std::string kModel = PIETUNE_SOURCE_DIR "/examples/models/person_detect.tflite";

class ExplainRegressCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("pietune_regress_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = (dir_ / "db.sqlite").string();
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
  std::string db_;
};

TEST_F(ExplainRegressCli, ExplainNamesEveryFamilyAndWhyTheWinnerWins) {
  const testing::CliResult r = run_pietune({"explain", kModel, "--layer", "14", "--top", "3", "--db", db_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* text : {"conv_accx      legal", "conv_qacc      illegal [qacc_lane_range]",
                           "conv_pw        illegal [weight_registers]", "(baseline)", "top 3:", "why ",
                           "against ", "conv_espnn     illegal [espnn_path]",
                           "conv_espnn_1x1 legal   best conv_qs16_espnn1x1_",
                           "in invoke(), with 400 cycles of TFLM overhead: stock TFLite Micro ",
                           "esp-nn", "(baseline conv_qs16_espnn1x1_8p1c_u1__pie_widened_rqespnn)"})
    EXPECT_NE(r.out.find(text), std::string::npos) << text << "\n" << r.out;
  const testing::CliResult j = run_pietune({"explain", kModel, "--layer", "14", "--json", "--no-db"});
  ASSERT_EQ(j.exit_code, 0) << j.err;
  const nlohmann::json doc = nlohmann::json::parse(j.out);
  const auto conv_families = std::count_if(kernels::all_families().begin(), kernels::all_families().end(),
                                           [](const kernels::FamilySpec& f) { return f.op == kernels::OpKind::kConv2d; });
  EXPECT_EQ(doc.at("families").size(), static_cast<std::size_t>(conv_families));
  EXPECT_LE(doc.at("top").size(), 5u);
  const testing::CliResult reshape = run_pietune({"explain", kModel, "--layer", "29", "--no-db"});
  EXPECT_EQ(reshape.exit_code, 0);
  EXPECT_NE(reshape.out.find("no kernel family covers RESHAPE"), std::string::npos) << reshape.out;
  EXPECT_EQ(run_pietune({"explain", kModel, "--layer", "31", "--no-db"}).exit_code, 2);
}

TEST_F(ExplainRegressCli, RegressFlagsASlowerRunAndPassesAnEqualOne) {
  const std::string slow = (dir_ / "slow.json").string();
  {
    std::ofstream f(slow);
    f << nlohmann::json{{"name", "esp32s3-slow-branches"},
                        {"base", PIETUNE_SOURCE_DIR "/model/machines/esp32s3.json"},
                        {"parameters",
                         {{"taken_branch_penalty",
                           {{"value", 6}, {"unit", "cycles"}, {"source", "test: what if"}, {"confidence", "inferred"}}}}}}
             .dump();
  }
  ASSERT_EQ(run_pietune({"tune", kModel, "--out", (dir_ / "a").string(), "--db", db_, "--quiet"}).exit_code, 0);
  ASSERT_EQ(run_pietune({"tune", kModel, "--out", (dir_ / "b").string(), "--db", db_, "--quiet"}).exit_code, 0);
  const testing::CliResult slower_run =
      run_pietune({"tune", kModel, "--out", (dir_ / "c").string(), "--db", db_, "--quiet", "--machine", slow});
  ASSERT_EQ(slower_run.exit_code, 0) << slower_run.err;

  const testing::CliResult same = run_pietune({"regress", "--db", db_, "--baseline", "1", "--candidate", "2"});
  EXPECT_EQ(same.exit_code, 0) << same.out << same.err;
  EXPECT_NE(same.out.find("0 of 29 layers slower"), std::string::npos) << same.out;

  const testing::CliResult worse =
      run_pietune({"regress", "--db", db_, "--baseline", "1", "--candidate", "3", "--json"});
  EXPECT_EQ(worse.exit_code, 1) << worse.out << worse.err;
  const nlohmann::json doc = nlohmann::json::parse(worse.out);
  EXPECT_GT(doc.at("regressions").get<int>(), 0);
  EXPECT_FALSE(doc.at("families").empty());
  const testing::CliResult loose =
      run_pietune({"regress", "--db", db_, "--baseline", "1", "--candidate", "3", "--threshold", "1000"});
  EXPECT_EQ(loose.exit_code, 0) << loose.out;

  const testing::CliResult show = run_pietune({"db", "show", "3", "--db", db_});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_NE(show.out.find("person_detect.tflite (done)"), std::string::npos) << show.out;
  EXPECT_EQ(run_pietune({"db", "show", "99", "--db", db_}).exit_code, 2);
  EXPECT_EQ(run_pietune({"regress", "--db", db_, "--baseline", "1", "--candidate", "42"}).exit_code, 2);
  EXPECT_EQ(run_pietune({"db", "runs", "--db", (dir_ / "missing.sqlite").string()}).exit_code, 2);
}

}  // namespace
}  // namespace pietune
