// Code placement from the command line: tune emits its kernels in IRAM (.iram1 sections) by
// default and in .text with --code flash; flash code pays its loop-backs' refetch, and with
// --icache cold its line fills too (the fetch cause in report.json), which IRAM code never does;
// bad values exit 2.
#include <algorithm>
#include <cstdint>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/cli/cli_run_helpers.h"

namespace pietune {
namespace {

using testing::run_pietune;

const std::string kLayers = PIETUNE_SOURCE_DIR "/tests/data/layers/conv_dw_fc.json";

struct Tuned {
  std::string assembly;
  nlohmann::json report;
};

Tuned tune(const testing::ScratchDir& scratch, const std::string& sub, std::vector<std::string> extra) {
  std::vector<std::string> args{"tune", kLayers, "--out", scratch.path(sub), "--db", scratch.path(sub + ".sqlite"),
                                "--verify-cases", "1", "--quiet"};
  args.insert(args.end(), extra.begin(), extra.end());
  const testing::CliResult r = run_pietune(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return {testing::read_file(scratch.path(sub + "/conv_dw_fc_pietune.S")),
          nlohmann::json::parse(testing::read_file(scratch.path(sub + "/report.json")))};
}

double total_fetch(const nlohmann::json& report) {
  double fetch = 0;
  for (const auto& layer : report.at("layers"))
    if (!layer.at("chosen").is_null()) fetch += layer.at("chosen").at("breakdown").at("fetch").get<double>();
  return fetch;
}

TEST(CodePlacementCli, KernelsGoToIramUnlessToldFlashAndColdFlashCodePaysItsFetch) {
  const testing::ScratchDir scratch("pietune_code_placement");
  const Tuned iram = tune(scratch, "iram", {"--icache", "cold"});
  EXPECT_NE(iram.assembly.find(".section .iram1."), std::string::npos);
  EXPECT_EQ(iram.assembly.find("    .text\n"), std::string::npos);
  EXPECT_DOUBLE_EQ(total_fetch(iram.report), 0);

  const Tuned flash = tune(scratch, "flash", {"--code", "flash", "--icache", "cold"});
  EXPECT_EQ(flash.assembly.find(".section .iram1."), std::string::npos);
  EXPECT_NE(flash.assembly.find("    .text\n"), std::string::npos);
  EXPECT_GT(total_fetch(flash.report), 0);

  const Tuned warm = tune(scratch, "warm", {"--code", "flash"});
  EXPECT_GT(total_fetch(warm.report), 0);  // loop-backs through the cache
  EXPECT_GT(total_fetch(flash.report), total_fetch(warm.report));
}

// The memory the application gives the kernels (report.json totals): the largest layer's scratch,
// every layer's constants where --weights puts them, the code where --code puts it.
TEST(CodePlacementCli, TotalsGiveScratchConstantsAndCode) {
  const testing::ScratchDir scratch("pietune_memory_totals");
  const Tuned iram = tune(scratch, "iram", {});
  std::uint64_t largest_scratch = 0, constants = 0;
  for (const auto& layer : iram.report.at("layers")) {
    if (layer.at("chosen").is_null()) continue;
    const auto& b = layer.at("chosen").at("breakdown");
    largest_scratch = std::max(largest_scratch, b.at("scratch_bytes").get<std::uint64_t>());
    constants += b.at("constant_bytes").get<std::uint64_t>();
  }
  const auto& t = iram.report.at("totals");
  EXPECT_EQ(t.at("scratch_bytes").get<std::uint64_t>(), largest_scratch);
  EXPECT_EQ(t.at("constant_bytes").get<std::uint64_t>(), constants);
  EXPECT_GT(t.at("code_bytes").get<std::uint64_t>(), 100u);
  EXPECT_EQ(t.at("constants_in"), "flash");
  EXPECT_EQ(t.at("code_in"), "iram");

  const Tuned moved = tune(scratch, "moved", {"--code", "flash", "--weights", "sram"});
  EXPECT_EQ(moved.report.at("totals").at("constants_in"), "sram");
  EXPECT_EQ(moved.report.at("totals").at("code_in"), "flash");
}

TEST(CodePlacementCli, TimeChargesColdTextCode) {
  // esp-dsp's memcpy in .text, called with no arguments (0 bytes): its entry, set-up and return.
  const auto fetch = [](const std::string& icache) {
    const testing::CliResult r =
        run_pietune({"time", PIETUNE_SOURCE_DIR "/model/machines/calibration/esp_dsp_matmul_copy.S", "--entry",
                     "dsps_memcpy", "--icache", icache, "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out).at("breakdown").at("fetch").get<double>();
  };
  EXPECT_GT(fetch("cold"), 0);
  EXPECT_DOUBLE_EQ(fetch("warm"), 0);
}

TEST(CodePlacementCli, BadValuesExit2) {
  for (const std::vector<std::string>& bad :
       {std::vector<std::string>{"--code", "dram"}, std::vector<std::string>{"--icache", "lukewarm"}}) {
    std::vector<std::string> args{"tune", kLayers};
    args.insert(args.end(), bad.begin(), bad.end());
    const testing::CliResult r = run_pietune(args);
    EXPECT_EQ(r.exit_code, 2) << bad[0];
    EXPECT_NE(r.err.find(bad[0]), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace pietune
