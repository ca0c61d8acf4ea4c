// report_html_test: report.html from hand-made report JSON (axes fitted to the data, labels, thousands
// separators, collapsed rejections, the modelled-baseline note), and one real page drawn by headless
// chromium whose MAC/cycle bars must come out visibly tall.
#include "tuner/emit/report_html.h"

#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace pietune::tuner {
namespace {

using Json = nlohmann::ordered_json;
using ::testing::HasSubstr;
using ::testing::Not;

// One layer as report.json writes it; a baseline of 0 cycles means none.
Json layer(int index, double chosen_cycles, double baseline_cycles, std::int64_t macs) {
  Json l = {{"index", index}, {"op", "CONV_2D"}, {"input", "1x6x6x128"}, {"output", "1x6x6x128"}, {"macs", macs},
            {"covered", true}, {"strategy", "exhaustive"}, {"legal", 4}, {"estimated", 4}};
  l["chosen"] = {{"variant", fmt::format("conv_variant_{}", index)},
                 {"family", "conv_accx"},
                 {"cycles", chosen_cycles},
                 {"macs_per_cycle", static_cast<double>(macs) / chosen_cycles}};
  l["baseline"] = nullptr;
  l["speedup"] = nullptr;
  if (baseline_cycles > 0) {
    l["baseline"] = {{"variant", "conv_espnn"}, {"cycles", baseline_cycles}};
    l["speedup"] = baseline_cycles / chosen_cycles;
  }
  l["verification"] = Json::array();
  l["illegal_families"] = Json::array();
  return l;
}

Json report(Json layers, double clock_hz = 240e6) {
  double cycles = 0, baseline = 0;
  std::int64_t macs = 0;
  for (const auto& l : layers) {
    cycles += l.at("chosen").at("cycles").get<double>();
    baseline += l.at("baseline").is_null() ? l.at("chosen").at("cycles").get<double>()
                                           : l.at("baseline").at("cycles").get<double>();
    macs += l.at("macs").get<std::int64_t>();
  }
  return {{"tool", "pietune"}, {"version", "0.1.0"}, {"commit", "abc"}, {"machine", "esp32s3"},
          {"machine_hash", "feed"}, {"model", "tiny.tflite"}, {"model_hash", "beef"}, {"date", "2026-01-01"},
          {"run_id", 7}, {"options", {{"placement", "act=sram,w=flash"}}},
          {"totals", {{"cycles", cycles}, {"baseline_cycles", baseline}, {"macs", macs}, {"estimates_computed", 1234},
                      {"estimates_reused", 0}, {"seconds", 0.5}, {"clock_hz", clock_hz}}},
          {"layers", std::move(layers)}};
}

// A layer whose chosen variant reaches `mpc` MAC/cycle in 100,000 cycles.
Json layer_at(int index, double mpc) {
  return layer(index, 100000, 150000, static_cast<std::int64_t>(mpc * 100000));
}

// The height attribute of every MAC/cycle bar, in page order.
std::vector<double> bar_heights(const std::string& html) {
  std::vector<double> heights;
  for (std::size_t at = html.find("<rect class='mpc'"); at != std::string::npos;
       at = html.find("<rect class='mpc'", at + 1)) {
    const std::size_t value = html.find("height='", at) + 8;
    heights.push_back(std::stod(html.substr(value, html.find('\'', value) - value)));
  }
  return heights;
}

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

void add_rejection(Json& l, const std::string& family, const std::string& rule, const std::string& reason) {
  l["illegal_families"].push_back({{"family", family}, {"rule", rule}, {"reason", reason}});
}

TEST(ReportHtml, BarsWellBelowThePeakAreTallEnoughToRead) {
  const std::string html = report_html(report({layer_at(0, 0.5), layer_at(1, 1.0)}));
  const std::vector<double> heights = bar_heights(html);
  ASSERT_EQ(heights.size(), 2u);
  EXPECT_GT(heights[1], 200);  // 1 MAC/cycle, a 16th of the peak, fills the 240-pixel plot
  EXPECT_NEAR(heights[0], heights[1] / 2, 0.2);
}

TEST(ReportHtml, MacPerCycleAxisEndsJustAboveTheLargestValue) {
  EXPECT_THAT(report_html(report({layer_at(0, 0.3), layer_at(1, 1.19)})), HasSubstr("y axis: 0 to 1.2 MAC/cycle"));
  EXPECT_THAT(report_html(report({layer_at(0, 0.039)})), HasSubstr("y axis: 0 to 0.04 MAC/cycle"));
  EXPECT_THAT(report_html(report({layer_at(0, 2.55)})), HasSubstr("y axis: 0 to 3 MAC/cycle"));
}

TEST(ReportHtml, PeakFarAboveTheDataIsANoteNotALine) {
  const std::string html = report_html(report({layer_at(0, 1.19)}));
  EXPECT_THAT(html, HasSubstr("peak 16 MAC/cycle above the axis"));
  EXPECT_THAT(html, HasSubstr("peak 16 MAC/cycle: off this scale, 13.3x the axis top of 1.2"));
}

TEST(ReportHtml, PeakWithinReachOfTheDataIsALineOnTheAxis) {
  const std::string html = report_html(report({layer_at(0, 8)}));
  EXPECT_THAT(html, HasSubstr("y axis: 0 to 17.5 MAC/cycle; peak 16 MAC/cycle on the axis"));
  EXPECT_THAT(html, HasSubstr(">peak 16 MAC/cycle</text>"));
  EXPECT_THAT(html, Not(HasSubstr("off this scale")));
  EXPECT_GT(bar_heights(html).at(0), 100);
}

TEST(ReportHtml, CyclesAxisIsFittedAndBothBarsAreLabelled) {
  const std::string html = report_html(report({layer(0, 1234567, 6218626, 589824)}));
  EXPECT_THAT(html, HasSubstr("x axis: 0 to 7,000,000 predicted cycles"));
  EXPECT_THAT(html, HasSubstr(">1,234,567 (5.14 ms)</text>"));  // chosen
  EXPECT_THAT(html, HasSubstr(">6,218,626 (25.9 ms)</text>"));  // baseline
}

TEST(ReportHtml, LargeNumbersHaveThousandsSeparators) {
  const std::string html = report_html(report({layer(0, 1234567.4, 2345678, 2359296)}));
  for (const char* n : {"1,234,567", "2,345,678", "2,359,296", "1,234 estimates computed"})
    EXPECT_THAT(html, HasSubstr(n));
  for (const char* n : {"1234567", "2345678", "2359296"}) EXPECT_THAT(html, Not(HasSubstr(n)));
}

TEST(ReportHtml, LatencyInMillisecondsUsesTheReportClock) {
  const std::string at160 = report_html(report({layer(0, 1600000, 3200000, 1000)}, 160e6));
  EXPECT_THAT(at160, HasSubstr("1,600,000 cycles = 10.0 ms at 160 MHz"));
  EXPECT_THAT(at160, HasSubstr("<td>1,600,000</td><td>10.0 ms</td>"));
  EXPECT_THAT(at160, HasSubstr("<td>3,200,000</td><td>20.0 ms</td>"));
  Json no_clock = report({layer(0, 240000, 0, 1000)});
  no_clock["totals"].erase("clock_hz");
  EXPECT_THAT(report_html(no_clock), HasSubstr("= 1.00 ms at 240 MHz (assumed: the report gives no clock)"));
}

TEST(ReportHtml, WholeModelLatencyThreeWays) {
  Json r = report({layer(0, 240000, 480000, 1000)});
  auto way = [](double ms) { return Json{{"cycles", ms * 240e3}, {"ms", ms}}; };
  r["latency"] = {{"stock_tflm", way(12.5)}, {"espnn", way(2.25)}, {"pietune", way(1.5)}, {"op_overhead_cycles", 400},
                  {"operators", 3}, {"espnn_reference_priced", 1}, {"unknown", {"#2 SVDF"}}};
  const std::string html = report_html(r);
  EXPECT_THAT(html, HasSubstr("3 operators, each with 400 cycles of TFLite Micro overhead"));
  EXPECT_THAT(html, HasSubstr("stock TFLite Micro without esp-nn <b>12.50 ms</b>"));
  EXPECT_THAT(html, HasSubstr("esp-tflite-micro with esp-nn <b>2.25 ms</b>"));
  EXPECT_THAT(html, HasSubstr("<b>1.50 ms</b> (1.50x esp-nn)"));
  EXPECT_THAT(html, HasSubstr("Left out, cost unknown: #2 SVDF."));
}

TEST(ReportHtml, RepeatedRejectionsCollapseToOneLinePerFamilyAndRule) {
  Json layers = Json::array();
  for (int i = 0; i < 3; ++i) {
    layers.push_back(layer_at(i, 1));
    add_rejection(layers.back(), "conv_first", "row_bytes", fmt::format("a filter row of {} bytes", 16 << i));
    add_rejection(layers.back(), "conv_pw", "kernel", "kernel 3x3: the family's for 1x1 layers");
  }
  add_rejection(layers[1], "conv_qacc", "qacc_lane_range", "lane sum 604568 over 128 products");
  const std::string html = report_html(report(layers));
  EXPECT_EQ(occurrences(html, "<li>not conv_first: [row_bytes]"), 1u);
  EXPECT_THAT(html, HasSubstr("<li>not conv_first: [row_bytes] e.g. layer 0: a filter row of 16 bytes (x3 layers: "
                              "0, 1, 2)</li>"));
  EXPECT_THAT(html, HasSubstr("<li>not conv_pw: [kernel] kernel 3x3: the family&#39;s for 1x1 layers (x3 layers: "
                              "0, 1, 2)</li>"));
  EXPECT_THAT(html, HasSubstr("<li>not conv_qacc: [qacc_lane_range] lane sum 604568 over 128 products (layer 1)</li>"));
  // Under each layer a short line whose tooltip keeps that layer's numbers.
  EXPECT_THAT(html, HasSubstr("<div class='why' title='a filter row of 64 bytes'>not conv_first: [row_bytes]</div>"));
}

TEST(ReportHtml, RejectionsListedPerVariantAreCountedAsVariants) {
  Json l = layer_at(4, 1);
  for (int i = 0; i < 12; ++i) add_rejection(l, "conv_first", "row_bytes", "a filter row of 128 bytes");
  const std::string html = report_html(report({l}));
  EXPECT_THAT(html, HasSubstr("<li>not conv_first: [row_bytes] a filter row of 128 bytes (x12 variants in layer "
                              "4)</li>"));
  EXPECT_THAT(html, HasSubstr(">not conv_first: [row_bytes] (x12 variants)</div>"));
  EXPECT_EQ(occurrences(html, "class='why'"), 1u);
}

TEST(ReportHtml, SaysTheBaselineIsModelledNotMeasured) {
  const std::string html = report_html(report({layer_at(0, 1)}));
  EXPECT_THAT(html, HasSubstr("The baseline is modelled, not measured."));
  EXPECT_THAT(html, HasSubstr("predicted by pietune's timing model for machine esp32s3; none was measured on "
                              "silicon"));
}

TEST(ReportHtml, ReferenceOpsAndMissingBaselinesAreNamed) {
  Json r = report({layer(0, 5000, 0, 1000)});
  Json reshape = layer(1, 1, 0, 0);
  reshape["op"] = "RESHAPE";
  reshape["covered"] = false;
  reshape["chosen"] = nullptr;
  r["layers"].push_back(reshape);
  const std::string html = report_html(r);
  EXPECT_THAT(html, HasSubstr("reference op: no kernel, not modelled"));
  EXPECT_THAT(html, HasSubstr("no baseline for this op"));
  EXPECT_THAT(html, HasSubstr("1 layer without a kernel is not counted."));
  EXPECT_THAT(html, HasSubstr("No layer of this model has an esp-nn-structured baseline to compare with."));
}

TEST(ReportHtml, PageIsSelfContained) {
  const std::string html = report_html(report({layer_at(0, 1)}));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("src=")));
  EXPECT_THAT(html, Not(HasSubstr("href=")));
  EXPECT_THAT(html, Not(HasSubstr("url(")));
  EXPECT_EQ(occurrences(html, "http"), occurrences(html, "http://www.w3.org/2000/svg"));  // only the namespace
}

// ---- one real page in a real browser ------------------------------------------------------------

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// Runs headless chromium (as root it needs --no-sandbox) with its own profile folder; true on exit 0.
bool run_chromium(const std::filesystem::path& dir, const std::string& args, const std::filesystem::path& out) {
  const std::string command =
      fmt::format("timeout 120 chromium --headless --no-sandbox --disable-gpu --user-data-dir='{}' {} > '{}' 2> '{}'",
                  (dir / "profile").string(), args, out.string(), (dir / "chromium.err").string());
  return std::system(command.c_str()) == 0;
}

// The page with a script appended (in the test's copy only) that writes each MAC/cycle bar's rendered
// size into the DOM, so --dump-dom carries what the browser laid out.
std::string with_bar_measurement(std::string html) {
  const std::string script =
      "<script>const sizes=[...document.querySelectorAll('rect.mpc')].map(r=>{const b=r.getBoundingClientRect();"
      "return b.width.toFixed(1)+' '+b.height.toFixed(1);});const pre=document.createElement('pre');pre.id='measured';"
      "pre.textContent=sizes.join(';');document.body.appendChild(pre);</script>";
  return html.insert(html.rfind("</body>"), script);
}

struct Size {
  double width, height;
};

std::vector<Size> measured_bars(const std::string& dom) {
  std::vector<Size> sizes;
  const std::size_t begin = dom.find("<pre id=\"measured\">"), end = dom.find("</pre>", begin);
  if (begin == std::string::npos || end == std::string::npos) return sizes;
  std::istringstream in(dom.substr(begin + 19, end - begin - 19));
  for (std::string item; std::getline(in, item, ';');) {
    Size s{};
    std::istringstream(item) >> s.width >> s.height;
    sizes.push_back(s);
  }
  return sizes;
}

std::uint32_t big_endian32(const std::string& bytes, std::size_t at) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < 4; ++i) v = v << 8 | static_cast<unsigned char>(bytes.at(at + i));
  return v;
}

class ReportHtmlInChromium : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::system("command -v chromium > /dev/null 2>&1") != 0)
      GTEST_FAIL() << "chromium is not installed: this test draws report.html in headless chromium. Install the "
                      "Debian package chromium (scripts/lib/common.sh lists it; scripts/test installs it).";
    dir_ = std::filesystem::temp_directory_path() / fmt::format("pietune_report_html_{}", ::getpid());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
};

TEST_F(ReportHtmlInChromium, PersonDetectPageShowsVisibleBars) {
  const Json r = Json::parse(read_text(PIETUNE_SOURCE_DIR "/results/person_detect/report.json"));
  const std::string html = report_html(r);
  write_text(dir_ / "report.html", html);
  write_text(dir_ / "measured.html", with_bar_measurement(html));

  ASSERT_TRUE(run_chromium(dir_, fmt::format("--window-size=1400,2000 --screenshot='{}' 'file://{}'",
                                             (dir_ / "report.png").string(), (dir_ / "report.html").string()),
                           dir_ / "screenshot.out"))
      << read_text(dir_ / "chromium.err");
  const std::string png = read_text(dir_ / "report.png");
  ASSERT_GT(png.size(), 20000u) << "a blank page compresses to almost nothing";
  EXPECT_EQ(png.substr(1, 3), "PNG");
  EXPECT_EQ(big_endian32(png, 16), 1400u);  // IHDR width and height
  EXPECT_EQ(big_endian32(png, 20), 2000u);

  ASSERT_TRUE(run_chromium(dir_, fmt::format("--dump-dom 'file://{}'", (dir_ / "measured.html").string()),
                           dir_ / "dom.html"))
      << read_text(dir_ / "chromium.err");
  const std::vector<Size> bars = measured_bars(read_text(dir_ / "dom.html"));
  const std::vector<double> written = bar_heights(html);
  // A bar per layer with a kernel and MACs (not AVERAGE_POOL_2D, RESHAPE, SOFTMAX), as the browser laid it out.
  const auto with_macs = std::count_if(r.at("layers").begin(), r.at("layers").end(), [](const Json& l) {
    return !l.at("chosen").is_null() && l.at("macs").get<std::int64_t>() > 0;
  });
  ASSERT_EQ(bars.size(), static_cast<std::size_t>(with_macs));
  ASSERT_EQ(bars.size(), written.size());
  double tallest = 0;
  for (std::size_t i = 0; i < bars.size(); ++i) {
    EXPECT_GE(bars[i].width, 10) << "bar " << i;
    EXPECT_GE(bars[i].height, 2) << "bar " << i << " is a sliver";
    EXPECT_NEAR(bars[i].height, written[i], 0.6) << "bar " << i;
    tallest = std::max(tallest, bars[i].height);
  }
  EXPECT_GT(tallest, 200) << "the best layer fills most of the 240-pixel plot";
}

}  // namespace
}  // namespace pietune::tuner
