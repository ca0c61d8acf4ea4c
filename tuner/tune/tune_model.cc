// A model's tuning run (see the header): search phase, verification phase, stored choices.
#include "tuner/tune/tune_model.h"

#include <algorithm>
#include <chrono>
#include <mutex>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "kernels/layer_hash.h"
#include "kernels/layer_json.h"
#include "kernels/registry.h"
#include "model/support/error.h"
#include "tuner/tune/parallel.h"
#include "tuner/tune/provenance.h"

namespace pietune::tuner {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

int generator_version(const kernels::Variant& v) { return kernels::find_family(v.family)->version; }

std::string identity_hex(const kernels::Layer& layer) { return fmt::format("{:016x}", layer.full_identity()); }

VerificationOutcome from_record(const costdb::VerificationRecord& r) {
  return {.variant = r.variant, .passed = r.mismatches == 0 && r.detail.empty(), .reused = true, .cases = r.cases,
          .seed = r.seed, .mismatches = r.mismatches, .max_abs_diff = r.max_abs_diff, .detail = r.detail};
}

std::string verdict_detail(const kernels::Verdict& v) {
  if (v.fault) return "fault: " + *v.fault;
  if (v.guard_writes > 0) return fmt::format("{} bytes written outside the output", v.guard_writes);
  if (v.first)
    return fmt::format("case {} output ({}, {}, {}, {}): expected {}, got {}", v.first->case_index, v.first->n,
                       v.first->y, v.first->x, v.first->c, v.first->expected, v.first->actual);
  return "";
}

}  // namespace

std::string TuneOptions::json() const {
  nlohmann::json j = {{"placement", placement.text()}, {"sram_limit", sram_limit_bytes}, {"budget", budget},
                      {"seed", seed}, {"verify_cases", verify_cases}};
  if (time_limit_seconds) j["time_limit"] = *time_limit_seconds;
  return j.dump();
}

std::string model_hash(const kernels::Model& model) {
  std::string text;
  for (const kernels::Layer& layer : model.layers) text += layer.full_identity_text() + "\n";
  return fmt::format("{:016x}", fnv1a_64(text));
}

RunRecorder::RunRecorder(costdb::Database& db, const kernels::Model& model, const std::string& model_name,
                         const TuneOptions& options, const model::Machine& machine)
    : db_(db) {
  costdb::RunRecord run;
  run.tool_version = tool_version();
  run.git_commit = git_commit();
  run.machine_hash = machine.hash_hex();
  run.model = model_name;
  run.model_hash = model_hash(model);
  run.options_json = options.json();
  id_ = db.begin_run(run);
}

RunRecorder::~RunRecorder() {
  if (finished_) return;
  try {
    db_.end_run(id_, "failed");
  } catch (const costdb::Error&) {
    // The database refuses writes (the failure being unwound, most likely): the next run marks this
    // one interrupted once this process has exited.
  }
}

void RunRecorder::finish() {
  db_.end_run(id_, "done");
  finished_ = true;
}

TuneResult tune_model(const kernels::Model& model, const TuneOptions& options, const model::Machine& machine,
                      costdb::Database& db, const RunRecorder& run, const std::function<void(const Progress&)>& progress) {
  const Clock::time_point start = Clock::now();
  TuneResult result;
  result.machine_hash = machine.hash_hex();
  result.model_hash = model_hash(model);
  result.run_id = run.id();
  const int n = static_cast<int>(model.layers.size());
  result.layers.resize(model.layers.size());
  EstimateCache cache(&db, machine, options.placement);

  LayerTuningOptions layer_options{.search = {.budget = options.budget, .seed = options.seed},
                                   .sram_limit_bytes = options.sram_limit_bytes};
  if (options.time_limit_seconds) {
    const double limit = *options.time_limit_seconds;
    layer_options.search.out_of_time = [start, limit] { return seconds_since(start) > limit; };
  }
  const auto report = [&](int done, const char* phase) {
    progress({.layers_done = done, .layers_total = n, .estimates = cache.computed() + cache.reused(),
              .computed = cache.computed(), .elapsed_seconds = seconds_since(start), .phase = phase});
  };
  try {
    run_parallel(
        n, options.jobs,
        [&](int i) {
          const kernels::Layer& layer = model.layers[static_cast<std::size_t>(i)];
          try {
            result.layers[static_cast<std::size_t>(i)].tuning = tune_layer(layer, layer_options, cache);
          } catch (const InputError& e) {
            // Named once: some messages already start with "layer N".
            const std::string message = e.what();
            if (message.starts_with(fmt::format("layer {}", layer.index))) throw;
            throw InputError(fmt::format("layer {} ({}): {}", layer.index, layer.op_name, message));
          }
        },
        [&](int done) {
          cache.flush();
          report(done, "search");
        });

    // Verification: the winner of each layer on its real shapes and quantization; a failure
    // moves to the next variant in the ranking. A stored verification stands in for one only when
    // it ran at least as many cases as asked for now.
    std::mutex verified_mutex;
    std::vector<costdb::VerificationRecord> verified;
    std::vector<std::vector<VerificationOutcome>> stored(model.layers.size());
    for (std::size_t i = 0; i < model.layers.size(); ++i)
      for (const VariantEstimate& e : result.layers[i].tuning.ranked)
        if (auto r = db.find_verification(identity_hex(model.layers[i]), e.variant.name(),
                                          generator_version(e.variant));
            r && r->cases >= options.verify_cases)
          stored[i].push_back(from_record(*r));
    run_parallel(
        n, options.jobs,
        [&](int i) {
          const auto k = static_cast<std::size_t>(i);
          const kernels::Layer& layer = model.layers[k];
          LayerResult& lr = result.layers[k];
          const kernels::Layer with_data = kernels::with_random_constants(layer, options.seed);
          for (std::size_t c = 0; c < lr.tuning.ranked.size(); ++c) {
            const kernels::Variant& v = lr.tuning.ranked[c].variant;
            const std::string name = v.name();
            VerificationOutcome outcome;
            auto it = std::find_if(stored[k].begin(), stored[k].end(),
                                   [&](const VerificationOutcome& o) { return o.variant == name; });
            if (it != stored[k].end()) {
              outcome = *it;
            } else {
              const kernels::Verdict verdict =
                  kernels::verify_variant(with_data, v, {.cases = options.verify_cases, .seed = options.seed});
              outcome = {.variant = name, .passed = verdict.passed(), .reused = false, .cases = options.verify_cases,
                         .seed = options.seed, .mismatches = verdict.mismatches,
                         .max_abs_diff = verdict.max_abs_diff, .detail = verdict_detail(verdict)};
              std::lock_guard lock(verified_mutex);
              verified.push_back({.layer_identity = identity_hex(layer), .variant = name,
                                  .generator_version = generator_version(v), .cases = options.verify_cases,
                                  .seed = options.seed, .mismatches = verdict.mismatches,
                                  .max_abs_diff = verdict.max_abs_diff, .detail = outcome.detail});
            }
            lr.verifications.push_back(outcome);
            if (outcome.passed) {
              lr.chosen = c;
              return;
            }
          }
        },
        [&](int done) {
          std::vector<costdb::VerificationRecord> batch;
          {
            std::lock_guard lock(verified_mutex);
            batch.swap(verified);
          }
          for (const costdb::VerificationRecord& r : batch) db.put_verification(r);
          report(done, "verify");
        });
  } catch (...) {
    try {
      cache.flush();  // keep what was computed, if the database takes it
    } catch (const costdb::Error&) {
    }
    throw;
  }

  for (std::size_t i = 0; i < model.layers.size(); ++i) {
    const kernels::Layer& layer = model.layers[i];
    const LayerResult& lr = result.layers[i];
    for (const VerificationOutcome& v : lr.verifications) (v.reused ? result.verifications_reused : result.verifications_run)++;
    costdb::ChoiceRecord choice;
    choice.run_id = result.run_id;
    choice.layer_index = layer.index;
    choice.layer_signature = signature_hex(layer);
    choice.op = layer.op_name;
    if (const VariantEstimate* e = lr.chosen_estimate()) {
      choice.variant = e->variant.name();
      choice.family = e->variant.family;
      choice.cycles = e->cost.cycles;
    }
    if (lr.tuning.baseline) {
      choice.baseline_variant = lr.tuning.baseline->variant.name();
      choice.baseline_cycles = lr.tuning.baseline->cost.cycles;
    }
    choice.detail_json = nlohmann::json{{"macs", layer.macs()}, {"strategy", lr.tuning.strategy},
                                        {"estimates", lr.tuning.ranked.size()}}.dump();
    db.put_layer(choice.layer_signature, kernels::layer_to_json(layer).dump());
    db.put_choice(choice);
  }
  result.computed = cache.computed();
  result.reused = cache.reused();
  result.seconds = seconds_since(start);
  return result;
}

}  // namespace pietune::tuner
