// `pietune report --db`: a cost database with one bench of three instances, their measurements (one
// with a wrong output hash) and a calibration becomes device_report.html beside the database (or at
// --out); a database without measurements, and one that does not exist, are exit 2 with a message.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "costdb/costdb.h"
#include "tests/cli/cli_run_helpers.h"

namespace pietune {
namespace {

using testing::run_pietune;

constexpr const char* kBenchId = "5eedbe0c4a7f1e22";

costdb::BenchInstanceRecord instance(int index, int layer, const std::string& variant, int rank, double predicted) {
  costdb::BenchInstanceRecord i;
  i.bench_id = kBenchId;
  i.instance = index;
  i.layer_index = layer;
  i.layer_signature = "sig" + std::to_string(layer);
  i.layer_json = "{}";
  i.op = "DEPTHWISE_CONV_2D";
  i.family = "dwconv_qacc";
  i.variant = variant;
  i.rank = rank;
  i.predicted_cycles = predicted;
  i.expected_hash = "1111222233334444";
  return i;
}

void add_bench(costdb::Database& db) {
  costdb::BenchRecord b;
  b.id = kBenchId;
  b.model = "person_detect.tflite";
  b.model_hash = "abcd";
  b.machine_name = "esp32s3";
  b.machine_hash = "feed";
  b.machine_json = "{}";
  b.placement = "act=sram,w=flash";
  b.options_json = "{}";
  db.put_bench(b, {instance(0, 0, "dwconv_a", 0, 12000), instance(1, 0, "dwconv_<b>", 1, 15000),
                   instance(2, 3, "dwconv_c", 0, 30000)});
}

void add_measurement(costdb::Database& db, int instance, double cycles, const std::string& output_hash) {
  costdb::MeasurementRecord m;
  m.layer_signature = "sig";
  m.variant = instance == 1 ? "dwconv_<b>" : instance == 0 ? "dwconv_a" : "dwconv_c";
  m.device = "esp32s3-devkitc-1 @240MHz";
  m.cycles = cycles;
  m.source = "bench.log";
  m.bench_id = kBenchId;
  m.instance = instance;
  m.runs = 15;
  m.q1 = cycles - 100;
  m.q3 = cycles + 150;
  m.output_hash = output_hash;
  m.expected_hash = "1111222233334444";
  db.add_measurement(m);
}

class ReportCli : public ::testing::Test {
 protected:
  ReportCli() : scratch_("pietune_report_cli") {}
  std::string path(const std::string& name) const { return scratch_.path(name); }

  // The bench, its three measurements (instance 2's output wrong) and one calibration.
  std::string measured_db() const {
    const std::string file = path("costdb.sqlite");
    costdb::Database db = costdb::Database::open(file);
    add_bench(db);
    add_measurement(db, 0, 11000, "1111222233334444");
    add_measurement(db, 1, 16000, "1111222233334444");
    add_measurement(db, 2, 29000, "9999888877776666");
    costdb::CalibrationRecord c;
    c.machine_before_hash = "feed";
    c.machine_after_hash = "f00d";
    c.machine_after_json = "{}";
    c.measurements = 2;
    c.summary_json = R"({"method": "ratio", "before": {"all": {"measurements": 2, "mape_percent": 7.7}},
                         "after": {"all": {"measurements": 2, "mape_percent": 2.5}},
                         "fitted": [{"key": "mac_latency", "before": 2, "after": 3, "unit": "cycles"}],
                         "unidentified": [],
                         "points": [{"bench": "5eedbe0c4a7f1e22", "instance": 0, "measured": 11000,
                                     "before": 12000, "after": 11200}]})";
    db.add_calibration(c);
    return file;
  }

  testing::ScratchDir scratch_;
};

TEST_F(ReportCli, WritesThePageBesideTheDatabase) {
  const std::string db = measured_db();
  const testing::CliResult r = run_pietune({"report", "--db", db});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string out = path("device_report.html");
  EXPECT_NE(r.err.find(out), std::string::npos) << r.err;
  const std::string html = testing::read_file(out);
  ASSERT_FALSE(html.empty());
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("3 measurements, 1 bench, 1 model, <b>1 correctness failure</b>"), std::string::npos);
  EXPECT_NE(html.find("person_detect.tflite"), std::string::npos);
  EXPECT_NE(html.find("dwconv_&lt;b&gt;"), std::string::npos);
  EXPECT_EQ(html.find("dwconv_<b>"), std::string::npos);
  EXPECT_NE(html.find("<code>9999888877776666</code>"), std::string::npos);  // the failure row
  EXPECT_NE(html.find("7.7% &rarr; 2.5%"), std::string::npos);               // the history row
  EXPECT_NE(html.find("<code>mac_latency</code>: 2 &rarr; 3 cycles"), std::string::npos);
  EXPECT_NE(html.find("class='after'"), std::string::npos);
  // |12,000 - 11,000| / 11,000 and |15,000 - 16,000| / 16,000; the wrong output is left out.
  EXPECT_NE(html.find("MAPE of the stored predictions: 7.7%"), std::string::npos);
}

TEST_F(ReportCli, WritesToOut) {
  const std::string db = measured_db();
  const std::string out = path("elsewhere.html");
  const testing::CliResult r = run_pietune({"report", "--db", db, "--out", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find(out), std::string::npos) << r.err;
  EXPECT_NE(testing::read_file(out).find("<svg"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(path("device_report.html")));
}

TEST_F(ReportCli, ADatabaseWithoutMeasurementsIsExit2) {
  const std::string db = path("empty.sqlite");
  {
    costdb::Database created = costdb::Database::open(db);
    add_bench(created);
  }
  const testing::CliResult r = run_pietune({"report", "--db", db});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(db + ": no device measurements: run `pietune import LOG --db " + db + "` first"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(std::filesystem::exists(path("device_report.html")));
}

TEST_F(ReportCli, AMissingDatabaseIsExit2AndNotCreated) {
  const std::string db = path("missing.sqlite");
  const testing::CliResult r = run_pietune({"report", "--db", db});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(db), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("no such cost database"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(db));
  EXPECT_FALSE(std::filesystem::exists(path("device_report.html")));
}

TEST_F(ReportCli, DbIsRequired) {
  const testing::CliResult r = run_pietune({"report"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--db"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace pietune
