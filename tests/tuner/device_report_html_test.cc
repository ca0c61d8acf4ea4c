// device_report_html_test: device_report.html from hand-made DeviceReportData: the scatter (one
// marker per measurement, the bands, the calibration's second series), the per-layer bars with their
// whiskers, the calibration history, the correctness failures, the summary MAPE, and escaping.
#include "tuner/emit/device_report_html.h"

#include <cstddef>
#include <string>
#include <string_view>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace pietune::tuner {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::size_t occurrences(const std::string& text, std::string_view what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

costdb::BenchInstanceRecord instance(int index, int layer, std::string variant, int rank, double predicted) {
  costdb::BenchInstanceRecord i;
  i.bench_id = "b0a1c2d3e4f5";
  i.instance = index;
  i.layer_index = layer;
  i.op = "CONV_2D";
  i.family = "conv_accx";
  i.variant = std::move(variant);
  i.rank = rank;
  i.predicted_cycles = predicted;
  i.expected_hash = "00000000000000aa";
  return i;
}

costdb::MeasurementRecord measurement(const costdb::BenchInstanceRecord& i, double cycles, std::string output_hash) {
  costdb::MeasurementRecord m;
  m.bench_id = i.bench_id;
  m.instance = i.instance;
  m.variant = i.variant;
  m.cycles = cycles;
  m.q1 = cycles * 0.98;
  m.q3 = cycles * 1.03;
  m.runs = 20;
  m.output_hash = std::move(output_hash);
  m.expected_hash = i.expected_hash;
  m.device = "esp32s3-devkitc-1 @240MHz";
  return m;
}

constexpr const char* kSummary = R"({
  "method": "least squares",
  "before": {"all": {"measurements": 3, "mape_percent": 14.2, "kendall_tau": 0.333, "top1_regret_percent": 5.5},
             "by_class": {"conv": {"measurements": 3, "mape_percent": 14.2, "kendall_tau": null}}},
  "after": {"all": {"measurements": 3, "mape_percent": 3.1, "kendall_tau": 1.0, "top1_regret_percent": 0}},
  "fitted": [{"key": "psram_latency", "before": 40, "after": 52, "unit": "cycles"}],
  "unidentified": [{"key": "store_cost", "reason": "no store-bound kernel measured"}],
  "points": [{"bench": "b0a1c2d3e4f5", "instance": 0, "measured": 10000, "before": 11000, "after": 10100},
             {"bench": "b0a1c2d3e4f5", "instance": 1, "measured": 20000, "before": 17000, "after": 19800}]
})";

// One bench, three instances of two layers; instance 2's output is wrong on the board.
DeviceReportData sample() {
  DeviceReportData d;
  d.db_path = "results/costdb.sqlite";
  DeviceReportBench b;
  b.bench.id = "b0a1c2d3e4f5";
  b.bench.model = "person_detect.tflite";
  b.bench.machine_name = "esp32s3";
  b.bench.placement = "act=sram,w=flash";
  b.instances = {instance(0, 0, "conv_a", 0, 11000), instance(1, 0, "conv_<b>", 1, 17000),
                 instance(2, 1, "conv_c", 0, 50000)};
  d.benches.push_back(b);
  d.measurements = {measurement(b.instances[0], 10000, "00000000000000aa"),
                    measurement(b.instances[1], 20000, "00000000000000aa"),
                    measurement(b.instances[2], 40000, "00000000deadbeef")};
  costdb::CalibrationRecord c;
  c.id = 4;
  c.calibrated_at = "2026-02-01T10:00:00Z";
  c.measurements = 3;
  c.summary_json = kSummary;
  d.calibrations.push_back(c);
  return d;
}

TEST(DeviceReportHtml, IsSelfContained) {
  const std::string html = device_report_html(sample());
  EXPECT_THAT(html, HasSubstr("<svg"));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("href")));
  EXPECT_THAT(html, Not(HasSubstr("src=")));
  EXPECT_THAT(html, Not(HasSubstr("url(http")));
  EXPECT_THAT(html, Not(HasSubstr("<link")));
  EXPECT_THAT(html, HasSubstr("results/costdb.sqlite"));
  EXPECT_THAT(html, HasSubstr("3 measurements, 1 bench, 1 model, <b>1 correctness failure</b>"));
  EXPECT_THAT(html, HasSubstr("person_detect.tflite"));
  EXPECT_THAT(html, HasSubstr("act=sram,w=flash"));
}

TEST(DeviceReportHtml, ScatterHasOneMarkerPerMeasurementBandsAndTheCalibratedSeries) {
  const std::string html = device_report_html(sample());
  EXPECT_EQ(occurrences(html, "class='measurement"), 3u);
  EXPECT_EQ(occurrences(html, "class='measurement wrong'"), 1u);
  EXPECT_EQ(occurrences(html, "class='band10'"), 1u);
  EXPECT_EQ(occurrences(html, "class='band25'"), 1u);
  EXPECT_EQ(occurrences(html, "class='identity'"), 1u);
  EXPECT_EQ(occurrences(html, "class='after'"), 2u);  // the last calibration's points
  EXPECT_THAT(html, HasSubstr("after calibration 4"));
  // Log axis ticks fitted to 10,000..50,000 and labelled.
  EXPECT_THAT(html, HasSubstr(">10k</text>"));
  EXPECT_THAT(html, HasSubstr(">20k</text>"));
}

TEST(DeviceReportHtml, NoCalibrationNoSecondSeries) {
  DeviceReportData d = sample();
  d.calibrations.clear();
  const std::string html = device_report_html(d);
  EXPECT_EQ(occurrences(html, "class='after'"), 0u);
  EXPECT_THAT(html, HasSubstr("No calibration yet"));
}

TEST(DeviceReportHtml, PerLayerBarsWithWhiskersAndErrors) {
  const std::string html = device_report_html(sample());
  EXPECT_EQ(occurrences(html, "class='predicted'"), 3u);
  EXPECT_EQ(occurrences(html, "class='measured'"), 3u);
  EXPECT_EQ(occurrences(html, "class='iqr'"), 3u);
  EXPECT_THAT(html, HasSubstr(">layer 0 CONV_2D</text>"));
  EXPECT_THAT(html, HasSubstr(">layer 1 CONV_2D</text>"));
  EXPECT_THAT(html, HasSubstr("+10.0%"));   // 11,000 predicted for 10,000 measured
  EXPECT_THAT(html, HasSubstr("-15.0%"));   // 17,000 for 20,000
  EXPECT_THAT(html, HasSubstr("+25.0% wrong output"));
}

TEST(DeviceReportHtml, CalibrationHistoryRow) {
  const std::string html = device_report_html(sample());
  EXPECT_THAT(html, HasSubstr("<td>4</td><td>2026-02-01T10:00:00Z</td><td>least squares</td><td>3</td>"
                              "<td>14.2% &rarr; 3.1%</td><td>0.333 &rarr; 1.000</td><td>5.5% &rarr; 0.0%</td>"));
  EXPECT_THAT(html, HasSubstr("<code>psram_latency</code>: 40 &rarr; 52 cycles"));
  EXPECT_THAT(html, HasSubstr("<code>store_cost</code> (no store-bound kernel measured)"));
  EXPECT_THAT(html, HasSubstr("<td>- &rarr; -</td>"));  // by_class: a null tau, a missing "after"
}

TEST(DeviceReportHtml, MalformedSummaryShowsDashes) {
  DeviceReportData d = sample();
  d.calibrations[0].summary_json = "{not json";
  const std::string html = device_report_html(d);
  EXPECT_THAT(html, HasSubstr("<td>4</td><td>2026-02-01T10:00:00Z</td><td>-</td><td>3</td><td>- &rarr; -</td>"));
  EXPECT_EQ(occurrences(html, "class='after'"), 0u);
}

TEST(DeviceReportHtml, CorrectnessFailureRow) {
  const std::string html = device_report_html(sample());
  EXPECT_EQ(occurrences(html, "<tr class='failure'>"), 1u);
  EXPECT_THAT(html, HasSubstr("<tr class='failure'><td><code>b0a1c2d3</code></td><td>2</td><td>1</td>"
                              "<td class='l'>conv_c</td><td><code>00000000deadbeef</code></td>"
                              "<td><code>00000000000000aa</code></td></tr>"));
  DeviceReportData d = sample();
  d.measurements.pop_back();
  EXPECT_THAT(device_report_html(d), HasSubstr("<h2>Correctness failures</h2>\n<p class='faint'>Measurements whose "
                                               "output hash on the board differs from the emulator's: the kernel "
                                               "computed something else on silicon.</p>\n<p>none</p>"));
}

TEST(DeviceReportHtml, SummaryMapeCountsOnlyCorrectOutputs) {
  // |+10%| and |-15%|; the wrong output's +25% is left out.
  const std::string html = device_report_html(sample());
  EXPECT_THAT(html, HasSubstr("MAPE of the stored predictions: 12.5%</b> over 2 measurements with correct outputs"));
  EXPECT_THAT(html, HasSubstr("1 within &#177;10%, 2 within &#177;25%"));
  EXPECT_THAT(html, HasSubstr("Last calibration (4, 2026-02-01T10:00:00Z): MAPE 14.2% &rarr; 3.1%"));
}

TEST(DeviceReportHtml, EscapesNames) {
  DeviceReportData d = sample();
  d.db_path = "a&b/<db>.sqlite";
  d.benches[0].bench.model = "m<odel>'s";
  const std::string html = device_report_html(d);
  EXPECT_THAT(html, HasSubstr("conv_&lt;b&gt;"));
  EXPECT_THAT(html, Not(HasSubstr("conv_<b>")));
  EXPECT_THAT(html, HasSubstr("a&amp;b/&lt;db&gt;.sqlite"));
  EXPECT_THAT(html, HasSubstr("m&lt;odel&gt;&#39;s"));
}

TEST(DeviceReportHtml, AMeasurementWithoutABenchInstanceIsCountedNotDrawn) {
  DeviceReportData d = sample();
  costdb::MeasurementRecord free_standing;
  free_standing.layer_signature = "sig";
  free_standing.variant = "conv_free";
  free_standing.cycles = 1234;
  d.measurements.push_back(free_standing);
  const std::string html = device_report_html(d);
  EXPECT_EQ(occurrences(html, "class='measurement"), 3u);
  EXPECT_THAT(html, HasSubstr("1 measurement not drawn"));
  EXPECT_THAT(html, HasSubstr("4 measurements, 1 bench"));
}

TEST(DeviceReportHtml, ASecondBenchWithoutMeasurementsIsListedWithoutBars) {
  DeviceReportData d = sample();
  DeviceReportBench other;
  other.bench.id = "ffff0000";
  other.bench.model = "vww.tflite";
  d.benches.push_back(other);
  const std::string html = device_report_html(d);
  EXPECT_THAT(html, HasSubstr("3 measurements, 2 benches, 2 models"));
  EXPECT_THAT(html, HasSubstr("vww.tflite"));
  EXPECT_EQ(occurrences(html, "<h3>bench"), 1u);
}

}  // namespace
}  // namespace pietune::tuner
