// `pietune regress --db FILE --baseline RUN --candidate RUN [--threshold PCT] [--json]`: compares
// two tuning runs layer by layer and kernel family by family (the family the baseline chose).
// Exit 1 when any layer got slower by more than the threshold: a kernel library's CI gate.
#include <cmath>
#include <cstdio>
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

struct RegressOptions {
  std::string db;
  std::int64_t baseline = 0;
  std::int64_t candidate = 0;
  double threshold = 2.0;
  bool json = false;
};

double change_percent(double old_cycles, double new_cycles) {
  return old_cycles > 0 ? (new_cycles - old_cycles) / old_cycles * 100.0 : 0.0;
}

costdb::RunRecord finished_run(costdb::Database& db, const std::string& path, std::int64_t run) {
  const std::optional<costdb::RunRecord> r = db.run(run);
  if (!r) throw InputError(fmt::format("{}: run {}: not found", path, run));
  if (r->status != "done") throw InputError(fmt::format("{}: run {}: status {}, not a finished run", path, run, r->status));
  return *r;
}

std::string placement_of(const costdb::RunRecord& run) {
  try {
    return nlohmann::json::parse(run.options_json).at("placement").get<std::string>();
  } catch (const nlohmann::json::exception&) {
    return "";
  }
}

// Cycles compare only between runs of one model (same layers hash) at one placement: anything else
// is a different question, and its "regressions" would be noise.
void require_comparable(const costdb::RunRecord& old_run, const costdb::RunRecord& new_run, const std::string& path) {
  if (old_run.model_hash != new_run.model_hash)
    throw InputError(fmt::format("{}: runs {} and {} tuned different models ({}, layers hash {}; {}, layers hash {}): "
                                 "not comparable",
                                 path, old_run.id, new_run.id, old_run.model, old_run.model_hash, new_run.model,
                                 new_run.model_hash));
  if (placement_of(old_run) != placement_of(new_run))
    throw InputError(fmt::format("{}: runs {} and {} used different placements ({}; {}): not comparable", path,
                                 old_run.id, new_run.id, placement_of(old_run), placement_of(new_run)));
}

int run_regress(const RegressOptions& o) {
  if (!std::isfinite(o.threshold) || o.threshold < 0)
    throw InputError(fmt::format("--threshold: {}: must be a percentage of 0 or more", o.threshold));
  costdb::Database db = open_database(o.db, costdb::Access::kReadOnly);
  const costdb::RunRecord old_run = finished_run(db, o.db, o.baseline);
  const costdb::RunRecord new_run = finished_run(db, o.db, o.candidate);
  require_comparable(old_run, new_run, o.db);
  const std::vector<costdb::ChoiceRecord> old_choices = db.choices(o.baseline);
  const std::vector<costdb::ChoiceRecord> new_choices = db.choices(o.candidate);
  std::map<int, const costdb::ChoiceRecord*> candidate_by_layer;
  for (const costdb::ChoiceRecord& c : new_choices) candidate_by_layer[c.layer_index] = &c;

  struct FamilyTotals {
    double old_cycles = 0, new_cycles = 0;
    int layers = 0;
  };
  std::map<std::string, FamilyTotals> families;
  nlohmann::ordered_json layers = nlohmann::ordered_json::array();
  std::string text = fmt::format("{:>3}  {:<17}  {:>10}  {:>10}  {:>8}  {}\n", "#", "op", "old", "new", "change",
                                 "variant (old -> new)");
  int slower = 0, compared = 0;
  for (const costdb::ChoiceRecord& old : old_choices) {
    auto it = candidate_by_layer.find(old.layer_index);
    if (old.variant.empty() || it == candidate_by_layer.end() || it->second->variant.empty()) continue;
    const costdb::ChoiceRecord& now = *it->second;
    ++compared;
    const double change = change_percent(old.cycles, now.cycles);
    const bool regressed = change > o.threshold;
    slower += regressed ? 1 : 0;
    FamilyTotals& f = families[old.family];
    f.old_cycles += old.cycles;
    f.new_cycles += now.cycles;
    ++f.layers;
    layers.push_back({{"layer", old.layer_index}, {"op", old.op}, {"old_cycles", old.cycles},
                      {"new_cycles", now.cycles}, {"change_percent", change}, {"old_variant", old.variant},
                      {"new_variant", now.variant}, {"regressed", regressed}});
    text += fmt::format("{:>3}  {:<17}  {:>10.0f}  {:>10.0f}  {:>+7.2f}%  {}{}{}\n", old.layer_index, old.op, old.cycles,
                        now.cycles, change, old.variant, old.variant == now.variant ? "" : " -> " + now.variant,
                        regressed ? "  SLOWER" : "");
  }
  nlohmann::ordered_json family_json = nlohmann::ordered_json::array();
  text += fmt::format("per family (chosen in run {}):\n", o.baseline);
  for (const auto& [name, f] : families) {
    const double change = change_percent(f.old_cycles, f.new_cycles);
    family_json.push_back({{"family", name}, {"layers", f.layers}, {"old_cycles", f.old_cycles},
                           {"new_cycles", f.new_cycles}, {"change_percent", change}});
    text += fmt::format("  {:<14} {:>3} layers  {:>12.0f} -> {:>12.0f}  {:>+7.2f}%\n", name, f.layers, f.old_cycles,
                        f.new_cycles, change);
  }
  text += fmt::format("{} of {} layers slower than run {} by more than {}%\n", slower, compared, o.baseline, o.threshold);
  const nlohmann::ordered_json j = {{"baseline", o.baseline}, {"candidate", o.candidate}, {"threshold", o.threshold},
                                    {"layers", layers}, {"families", family_json}, {"regressions", slower}};
  std::fputs(o.json ? (j.dump(2) + "\n").c_str() : text.c_str(), stdout);
  return slower > 0 ? kExitCheckFailed : kExitOk;
}

}  // namespace

void register_regress_command(CLI::App& app) {
  auto options = std::make_shared<RegressOptions>();
  CLI::App* command = add_command(app, "regress",
                                  "Compare two tuning runs per layer and per kernel family; exit 1 when a layer got "
                                  "slower than the threshold",
                                  [options] { return run_regress(*options); });
  command->add_option("--db", options->db, "the cost database holding both runs")->required();
  command->add_option("--baseline", options->baseline, "the reference run id")->required();
  command->add_option("--candidate", options->candidate, "the run id to check")->required();
  command->add_option("--threshold", options->threshold, "allowed slowdown per layer, percent")->capture_default_str();
  command->add_flag("--json", options->json, "print JSON: {layers, families, regressions}");
}

}  // namespace pietune::tuner::cli
