// `pietune report --db FILE [--out FILE.html]`: the device measurements stored in a cost database
// (benches, measured vs predicted cycles, calibrations, correctness failures) as one self-contained
// HTML page (tuner/emit/device_report_html.h), written atomically; default <db folder>/device_report.html.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "model/support/atomic_files.h"
#include "model/support/error.h"
#include "tuner/cli/command.h"
#include "tuner/cli/tune_options.h"
#include "tuner/emit/device_report_html.h"

namespace pietune::tuner::cli {
namespace {

struct ReportOptions {
  std::string db;
  std::string out;
};

DeviceReportData read_report_data(const costdb::Database& db, const std::string& path) {
  DeviceReportData data{.db_path = path, .benches = {}, .measurements = db.all_measurements(),
                        .calibrations = db.calibrations()};
  for (costdb::BenchRecord& bench : db.benches()) {
    std::vector<costdb::BenchInstanceRecord> instances = db.bench_instances(bench.id);
    data.benches.push_back({std::move(bench), std::move(instances)});
  }
  return data;
}

int run_report(const ReportOptions& o) {
  // Read-only: a CI artifact or a file on a read-only mount is read, never written or created.
  const costdb::Database db = open_database(o.db, costdb::Access::kReadOnly);
  const DeviceReportData data = read_report_data(db, o.db);
  if (data.measurements.empty())
    throw InputError(fmt::format("{0}: no device measurements: run `pietune import LOG --db {0}` first", o.db));
  const std::string out =
      o.out.empty() ? (std::filesystem::path(o.db).parent_path() / "device_report.html").string() : o.out;
  write_file_atomically(out, device_report_html(data));
  fmt::print(stderr, "pietune: wrote {}\n", out);
  return kExitOk;
}

}  // namespace

void register_report_command(CLI::App& app) {
  auto options = std::make_shared<ReportOptions>();
  CLI::App* command = add_command(app, "report",
                                  "Write an HTML page of the device measurements in a cost database: predicted vs "
                                  "measured cycles, per-layer bars, calibration history, correctness failures",
                                  [options] { return run_report(*options); });
  command->add_option("--db", options->db, "the cost database (opened read-only)")->required();
  command->add_option("--out", options->out, "the HTML file to write (default: <db folder>/device_report.html)");
}

}  // namespace pietune::tuner::cli
