// A whole model's tuning run: every layer searched (spread over worker threads), the winners
// verified bit-exact on the real layer shapes, the run and its choices stored in costdb.
//
// Estimates are committed as they are made; a run that was killed and is started again reuses
// them, recomputes nothing stored and reaches the same choices (the search is deterministic in
// the estimates it sees). A chosen variant that fails verification is never emitted: the next
// one is verified instead and the failure is reported.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "costdb/costdb.h"
#include "kernels/layer.h"
#include "kernels/verify.h"
#include "model/timing/machine.h"
#include "tuner/tune/layer_tuning.h"

namespace pietune::tuner {

struct TuneOptions {
  Placement placement;
  std::uint32_t sram_limit_bytes = 256 * 1024;
  int budget = 256;
  std::optional<double> time_limit_seconds;
  int jobs = 1;
  std::uint64_t seed = 1;
  int verify_cases = 2;

  // The options that change the result, as stored with the run: {"placement", "sram_limit", ...}.
  std::string json() const;
};

struct VerificationOutcome {
  std::string variant;
  bool passed = false;
  bool reused = false;       // found in costdb (it covered at least as many cases as asked)
  int cases = 0;             // random input cases the verification ran (stored or now)
  std::uint64_t seed = 0;
  std::int64_t mismatches = 0;
  int max_abs_diff = 0;
  std::string detail;        // first mismatch or fault
};

struct LayerResult {
  LayerTuning tuning;
  std::optional<std::size_t> chosen;          // index into tuning.ranked of the emitted variant
  std::vector<VerificationOutcome> verifications;  // in order; the last one passed when chosen is set
  const VariantEstimate* chosen_estimate() const { return chosen ? &tuning.ranked[*chosen] : nullptr; }
};

struct Progress {
  int layers_done = 0;
  int layers_total = 0;
  std::int64_t estimates = 0;   // made so far (computed + reused)
  std::int64_t computed = 0;
  double elapsed_seconds = 0;
  std::string phase;            // "search" or "verify"
};

struct TuneResult {
  std::int64_t run_id = 0;
  std::string machine_hash;
  std::string model_hash;
  std::vector<LayerResult> layers;  // one per model layer, in order
  std::int64_t computed = 0, reused = 0;
  int verifications_run = 0, verifications_reused = 0;
  double seconds = 0;
};

// Hex hash of the model's layers (their full identities, in order).
std::string model_hash(const kernels::Model& model);

// The costdb row of one tuning run from begin_run to end_run. Ends it "failed" when destroyed
// before finish() (an exception on the way, outputs that could not be written), so a run is never
// left "running" by a process that goes on; only a killed process leaves one, and the next run
// marks it "interrupted" (costdb::Database::begin_run).
class RunRecorder {
 public:
  RunRecorder(costdb::Database& db, const kernels::Model& model, const std::string& model_name,
              const TuneOptions& options, const model::Machine& machine);
  ~RunRecorder();
  RunRecorder(const RunRecorder&) = delete;
  RunRecorder& operator=(const RunRecorder&) = delete;

  std::int64_t id() const { return id_; }
  void finish();  // "done"

 private:
  costdb::Database& db_;
  std::int64_t id_ = 0;
  bool finished_ = false;
};

// Searches and verifies every layer, storing estimates, verifications and choices under `run`
// (which the caller finishes once it has written what it makes of the result).
TuneResult tune_model(const kernels::Model& model, const TuneOptions& options, const model::Machine& machine,
                      costdb::Database& db, const RunRecorder& run, const std::function<void(const Progress&)>& progress);

}  // namespace pietune::tuner
