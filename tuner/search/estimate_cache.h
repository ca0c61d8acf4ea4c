// The bridge between searches (on worker threads) and costdb.
//
// get() generates the variant's kernel, keys it (estimate_key_hex: the program and its buffers,
// see model/timing/fast_input_key.h) and answers from memory, from costdb, or by timing it, then
// remembers and queues a new estimate; flush() commits the queued estimates, one committed row
// each, so a killed run keeps everything it flushed. Keys never stand for a layer: two layers that
// generate different code never share a number, and layers that generate the same program do.
// One cache serves one machine and one placement; a variant's generator version is part of its
// costdb key. The database is only touched under a mutex: costdb is used by one thread at a time.
#pragma once

#include <atomic>
#include <future>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "costdb/costdb.h"
#include "kernels/layer.h"
#include "model/timing/fast_model.h"
#include "model/timing/machine.h"
#include "tuner/search/estimate.h"
#include "tuner/search/placement.h"

namespace pietune::tuner {

class EstimateCache {
 public:
  // `db` may be null: nothing is read or stored (queries without a database).
  EstimateCache(costdb::Database* db, const model::Machine& machine, const Placement& placement);

  // as_espnn: the estimate of a baseline variant as esp-nn runs it (as_espnn_runs_it), not as
  // pietune would emit it.
  VariantEstimate get(const kernels::Layer& layer, const kernels::Variant& variant, bool as_espnn = false);
  // Commits the queued estimates; returns how many. costdb::Error when the database refuses a
  // write (full disk, read-only file): the estimates stay queued and `unstored()` counts them.
  int flush();

  std::int64_t computed() const { return computed_; }
  std::int64_t reused() const { return reused_; }
  // Estimates computed but not (yet) committed.
  std::int64_t unstored() const;
  const model::Machine& machine() const { return machine_; }
  const Placement& placement() const { return placement_; }
  costdb::EstimateKey key(const std::string& program_key, const kernels::Variant& variant) const;

 private:
  std::optional<VariantEstimate> stored(const std::string& program_key, const kernels::Variant& variant);

  costdb::Database* db_;
  const model::Machine& machine_;
  Placement placement_;
  model::FastModel fast_;
  mutable std::mutex mutex_;
  std::mutex db_mutex_;  // taken after mutex_ is released, never while holding it
  std::unordered_map<std::string, VariantEstimate> known_;  // by program key
  // Estimates being computed: a second thread asking for one waits instead of computing it again.
  std::unordered_map<std::string, std::shared_future<VariantEstimate>> in_flight_;
  std::vector<VariantEstimate> pending_;
  std::atomic<std::int64_t> computed_{0}, reused_{0};
};

}  // namespace pietune::tuner
