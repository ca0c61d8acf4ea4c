// `pietune db runs [--db FILE] [--json]`, `pietune db show RUN [--db FILE] [--json]` and
// `pietune db measurements [--db FILE] [--json]`: the tuning runs stored in a cost database, what
// one of them chose per layer, and the device measurements with the predictions they are held
// against and the correctness failures (a board output that is not the emulator's).
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "model/support/error.h"
#include "tuner/cli/command.h"
#include "tuner/cli/tune_options.h"

namespace pietune::tuner::cli {
namespace {

// A run's stored options as JSON; a damaged row (edited by hand, another tool) shows as its text.
nlohmann::ordered_json options_json(const costdb::RunRecord& r) {
  if (r.options_json.empty()) return nlohmann::ordered_json::object();
  try {
    return nlohmann::ordered_json::parse(r.options_json);
  } catch (const nlohmann::json::exception&) {
    return r.options_json;
  }
}

struct DbOptions {
  std::string db = "results/costdb.sqlite";
  std::int64_t run = 0;
  bool json = false;
};

// Read-only: a CI artifact or a file on a read-only mount is read, never written or created.
costdb::Database open_existing(const std::string& path) { return open_database(path, costdb::Access::kReadOnly); }

double total_cycles(const std::vector<costdb::ChoiceRecord>& choices) {
  double sum = 0;
  for (const costdb::ChoiceRecord& c : choices) sum += c.cycles;
  return sum;
}

nlohmann::ordered_json run_json(const costdb::RunRecord& r) {
  return {{"id", r.id},           {"model", r.model},           {"status", r.status},
          {"started_at", r.started_at}, {"ended_at", r.ended_at}, {"tool_version", r.tool_version},
          {"git_commit", r.git_commit}, {"machine_hash", r.machine_hash}, {"model_hash", r.model_hash},
          {"options", options_json(r)}};
}

int run_list(const DbOptions& o) {
  costdb::Database db = open_existing(o.db);
  nlohmann::ordered_json all = nlohmann::ordered_json::array();
  std::string text = fmt::format("{:>4}  {:<24}  {:<9}  {:<24}  {:<12}  {:>12}\n", "run", "started", "status", "model",
                                 "commit", "cycles");
  for (const costdb::RunRecord& r : db.runs()) {
    const double cycles = total_cycles(db.choices(r.id));
    nlohmann::ordered_json j = run_json(r);
    j["cycles"] = cycles;
    all.push_back(j);
    text += fmt::format("{:>4}  {:<24}  {:<9}  {:<24}  {:<12}  {:>12.0f}\n", r.id, r.started_at, r.status, r.model,
                        r.git_commit.empty() ? "-" : r.git_commit, cycles);
  }
  std::fputs(o.json ? (all.dump(2) + "\n").c_str() : text.c_str(), stdout);
  return kExitOk;
}

int run_show(const DbOptions& o) {
  costdb::Database db = open_existing(o.db);
  const std::optional<costdb::RunRecord> r = db.run(o.run);
  if (!r) throw InputError(fmt::format("{}: run {}: not found", o.db, o.run));
  const std::vector<costdb::ChoiceRecord> choices = db.choices(o.run);
  nlohmann::ordered_json j = run_json(*r);
  j["layers"] = nlohmann::ordered_json::array();
  std::string text = fmt::format("run {}: {} ({}), started {}, ended {}, pietune {} commit {}, machine {}\n"
                                 "options {}\n",
                                 r->id, r->model, r->status, r->started_at, r->ended_at.empty() ? "-" : r->ended_at,
                                 r->tool_version, r->git_commit.empty() ? "-" : r->git_commit, r->machine_hash,
                                 r->options_json);
  for (const costdb::ChoiceRecord& c : choices) {
    j["layers"].push_back({{"layer", c.layer_index}, {"op", c.op}, {"variant", c.variant}, {"family", c.family},
                           {"cycles", c.cycles}, {"baseline_variant", c.baseline_variant},
                           {"baseline_cycles", c.baseline_cycles}});
    text += fmt::format("{:>3}  {:<17}  {:<50}  {:>10}\n", c.layer_index, c.op, c.variant.empty() ? "-" : c.variant,
                        c.variant.empty() ? "-" : fmt::format("{:.0f}", c.cycles));
  }
  text += fmt::format("total {:.0f} cycles\n", total_cycles(choices));
  std::fputs(o.json ? (j.dump(2) + "\n").c_str() : text.c_str(), stdout);
  return kExitOk;
}

// Every stored bench instance by (bench, instance): read once, not once per measurement.
std::map<std::pair<std::string, int>, costdb::BenchInstanceRecord> bench_instances(const costdb::Database& db) {
  std::map<std::pair<std::string, int>, costdb::BenchInstanceRecord> all;
  for (const costdb::BenchRecord& b : db.benches())
    for (costdb::BenchInstanceRecord& i : db.bench_instances(b.id)) all[{b.id, i.instance}] = std::move(i);
  return all;
}

int run_measurements(const DbOptions& o) {
  costdb::Database db = open_existing(o.db);
  nlohmann::ordered_json all = nlohmann::ordered_json::array();
  std::string text = fmt::format("{:<16}  {:>4}  {:>5}  {:<50}  {:>10}  {:>10}  {:>7}  {}\n", "bench", "inst", "layer",
                                 "variant", "measured", "predicted", "error", "output");
  int failures = 0;
  const auto instances = bench_instances(db);
  for (const costdb::MeasurementRecord& m : db.all_measurements()) {
    const auto found = instances.find({m.bench_id, m.instance});
    const costdb::BenchInstanceRecord* i = found == instances.end() ? nullptr : &found->second;
    const double predicted = i ? i->predicted_cycles : 0;
    failures += m.correct() ? 0 : 1;
    all.push_back({{"bench", m.bench_id}, {"instance", m.instance}, {"layer", i ? i->layer_index : -1},
                   {"variant", m.variant}, {"device", m.device}, {"cycles", m.cycles}, {"q1", m.q1}, {"q3", m.q3},
                   {"runs", m.runs}, {"predicted_cycles", predicted}, {"output_hash", m.output_hash},
                   {"expected_hash", m.expected_hash}, {"correct", m.correct()}, {"source", m.source},
                   {"measured_at", m.measured_at}});
    text += fmt::format("{:<16}  {:>4}  {:>5}  {:<50}  {:>10.0f}  {:>10}  {:>7}  {}\n", m.bench_id.empty() ? "-" : m.bench_id,
                        m.instance, i ? std::to_string(i->layer_index) : "-", m.variant, m.cycles,
                        i ? fmt::format("{:.0f}", predicted) : "-",
                        i && m.cycles > 0 ? fmt::format("{:+.1f}%", 100 * (predicted - m.cycles) / m.cycles) : "-",
                        m.correct() ? "ok" : fmt::format("WRONG ({} != emulator {})", m.output_hash, m.expected_hash));
  }
  text += fmt::format("{} measurements, {} correctness failures\n", all.size(), failures);
  std::fputs(o.json ? (all.dump(2) + "\n").c_str() : text.c_str(), stdout);
  return failures == 0 ? kExitOk : kExitCheckFailed;
}

}  // namespace

void register_db_command(CLI::App& app) {
  auto options = std::make_shared<DbOptions>();
  CLI::App* db = app.add_subcommand("db", "Inspect the cost database: its tuning runs, their choices and the device measurements");
  db->require_subcommand(1);
  CLI::App* runs = add_command(*db, "runs", "List the tuning runs (oldest first) with their total predicted cycles",
                               [options] { return run_list(*options); });
  runs->add_option("--db", options->db, "the cost database")->capture_default_str();
  runs->add_flag("--json", options->json, "print JSON");
  CLI::App* show = add_command(*db, "show", "Show one run: provenance, options and the variant chosen per layer",
                               [options] { return run_show(*options); });
  show->add_option("RUN", options->run, "the run id (see `pietune db runs`)")->required();
  show->add_option("--db", options->db, "the cost database")->capture_default_str();
  show->add_flag("--json", options->json, "print JSON");
  CLI::App* measurements =
      add_command(*db, "measurements",
                  "List the device measurements (`pietune import`) against their predictions, with every output "
                  "hash that differs from the emulator's (exit code 1 when there is one)",
                  [options] { return run_measurements(*options); });
  measurements->add_option("--db", options->db, "the cost database")->capture_default_str();
  measurements->add_flag("--json", options->json, "print JSON");
}

}  // namespace pietune::tuner::cli
