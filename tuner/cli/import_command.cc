// `pietune import LOG --db FILE [--device NAME]`: reads a device bench's console log and stores
// each measurement, linked to the bench instance (layer, variant, machine, placement) it measured.
// A board output hash that differs from the emulator's is stored as a correctness failure and makes
// the exit code 1. A log whose bench the database does not know, or whose lines disagree with the
// bench (another variant at an instance, another CPU clock), is refused with exit code 2.
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "model/support/bounded_read.h"
#include "model/support/error.h"
#include "tuner/bench/bench_log.h"
#include "tuner/cli/command.h"
#include "tuner/cli/tune_options.h"

namespace pietune::tuner::cli {
namespace {

struct ImportOptions {
  std::string log;
  std::string db = "results/costdb.sqlite";
  std::string device;
};

constexpr std::uint64_t kMaxLogBytes = 256u << 20;

std::string read_log(const std::string& path) {
  BoundedRead read = read_bounded(path, kMaxLogBytes);
  if (read.outcome == BoundedRead::Outcome::kTooLarge)
    throw InputError(fmt::format("{}: {}: too large for a bench log", path, read.reason));
  if (!read.ok()) throw InputError(fmt::format("{}: cannot read the log", path));
  return std::move(read.bytes);
}

// A bench the log names, as the database has it.
struct KnownBench {
  costdb::BenchRecord record;
  std::map<int, costdb::BenchInstanceRecord> instances;
  double clock_mhz = 0;
};

KnownBench load_bench(const costdb::Database& db, const std::string& id, const ImportOptions& o, int line) {
  const std::optional<costdb::BenchRecord> bench = db.bench(id);
  if (!bench)
    throw InputError(fmt::format("{}: line {}: bench {} is not in {}: import into the database `pietune device-bench` "
                                 "recorded it in (its --db)",
                                 o.log, line, id, o.db));
  KnownBench known;
  known.record = *bench;
  for (const costdb::BenchInstanceRecord& i : db.bench_instances(id)) known.instances[i.instance] = i;
  const nlohmann::json machine = nlohmann::json::parse(bench->machine_json, nullptr, false);
  if (!machine.is_discarded()) known.clock_mhz = machine["parameters"]["clock_hz"].value("value", 0.0) / 1e6;
  return known;
}

int run_import(const ImportOptions& o) {
  const BenchLog log = parse_bench_log(read_log(o.log));
  if (log.measures.empty()) {
    std::string why = log.problems.empty() ? "" : fmt::format(" ({} unreadable: line {}: {})", log.problems.size(),
                                                               log.problems[0].line, log.problems[0].reason);
    throw InputError(fmt::format("{}: no pietune-bench measurement lines{}; is it the console output of a "
                                 "`pietune device-bench` project?",
                                 o.log, why));
  }
  costdb::Database db = open_database(o.db);
  std::map<std::string, KnownBench> benches;
  for (const BenchLogBegin& b : log.begins) {
    auto it = benches.try_emplace(b.bench, load_bench(db, b.bench, o, b.line)).first;
    if (b.model != it->second.record.model)
      throw InputError(fmt::format("{}: line {}: the board ran bench {} of model {}, the database has it for {}: the "
                                   "log and the database do not belong together",
                                   o.log, b.line, b.bench, b.model, it->second.record.model));
    if (it->second.clock_mhz > 0 && std::abs(b.cpu_mhz - it->second.clock_mhz) > 0.5)
      throw InputError(fmt::format("{}: line {}: the board ran at {} MHz, the bench's machine assumes {} MHz: "
                                   "rebuild the project from its sdkconfig.defaults (delete sdkconfig first)",
                                   o.log, b.line, b.cpu_mhz, it->second.clock_mhz));
  }
  // Check every line against its bench before storing any: a log that does not belong is refused whole.
  std::vector<costdb::MeasurementRecord> records;
  const std::string source = std::filesystem::path(o.log).filename().string();
  for (const BenchLogMeasure& m : log.measures) {
    auto it = benches.find(m.bench);
    if (it == benches.end()) it = benches.try_emplace(m.bench, load_bench(db, m.bench, o, m.line)).first;
    const KnownBench& known = it->second;
    const auto inst = known.instances.find(m.instance);
    if (inst == known.instances.end() || inst->second.variant != m.variant || inst->second.layer_index != m.layer)
      throw InputError(fmt::format(
          "{}: line {}: instance {} (layer {}, {}) is not in bench {} as the database has it{}: the log and the "
          "database do not belong together",
          o.log, m.line, m.instance, m.layer, m.variant, m.bench,
          inst == known.instances.end() ? std::string()
                                        : fmt::format(" (there: layer {}, {})", inst->second.layer_index,
                                                      inst->second.variant)));
    const double clock = known.clock_mhz > 0 ? known.clock_mhz : 240;
    records.push_back({.layer_signature = inst->second.layer_signature, .variant = m.variant,
                       .device = o.device.empty() ? fmt::format("esp32s3 @{:g}MHz", clock) : o.device,
                       .cycles = std::max(0.0, m.median - m.overhead), .source = source, .measured_at = "", .bench_id = m.bench,
                       .instance = m.instance, .runs = m.runs, .q1 = std::max(0.0, m.q1 - m.overhead),
                       .q3 = std::max(0.0, m.q3 - m.overhead), .output_hash = m.hash,
                       .expected_hash = inst->second.expected_hash});
  }
  int stored = 0, already = 0;
  std::vector<const costdb::MeasurementRecord*> wrong;
  for (const costdb::MeasurementRecord& r : records) {
    if (!r.correct()) wrong.push_back(&r);
    if (db.has_measurement(r)) {
      ++already;
      continue;
    }
    db.add_measurement(r);
    ++stored;
  }

  for (const BenchLogProblem& p : log.problems) fmt::print(stderr, "warning: {}: line {}: {}; skipped\n", o.log, p.line, p.reason);
  for (const auto& [id, known] : benches) {
    int seen = 0;
    for (const BenchLogMeasure& m : log.measures) seen += m.bench == id ? 1 : 0;
    bool ended = false;
    for (const BenchLogEnd& e : log.ends) ended = ended || e.bench == id;
    if (!ended)
      fmt::print(stderr, "warning: {}: the log ends before bench {}'s end line: {} of {} instances measured\n", o.log,
                 id, seen, known.instances.size());
  }
  for (const costdb::MeasurementRecord* r : wrong)
    fmt::print(stderr, "error: bench {} instance {} ({}): the board's output hash {} differs from the emulator's {}: "
               "the kernel is wrong on silicon (stored as a correctness failure)\n",
               r->bench_id, r->instance, r->variant, r->output_hash, r->expected_hash);
  fmt::print(stderr, "imported {} measurements from {} into {} ({} already there, {} repeated lines dropped, {} "
             "unreadable lines, {} correctness failures)\n",
             stored, o.log, o.db, already, log.repeated, log.problems.size(), wrong.size());
  return wrong.empty() ? kExitOk : kExitCheckFailed;
}

}  // namespace

void register_import_command(CLI::App& app) {
  auto options = std::make_shared<ImportOptions>();
  CLI::App* command = add_command(app, "import",
                                  "Store a device bench's console log (from `pietune device-bench`) as measurements "
                                  "linked to the layers and variants it measured",
                                  [options] { return run_import(*options); });
  command->add_option("LOG", options->log, "the captured serial console output")->required();
  command->add_option("--db", options->db, "the database the bench was recorded in")->capture_default_str();
  command->add_option("--device", options->device, "the board's name (default: esp32s3 @<clock>MHz)");
}

}  // namespace pietune::tuner::cli
