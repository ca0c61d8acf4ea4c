// The bridge between searches (on worker threads) and costdb (owned by one thread).
//
// prefetch() loads a layer's stored estimates into memory (owner thread); get() answers from
// memory or computes, remembers and queues the new estimate (any thread); flush() commits the
// queued estimates (owner thread), one committed row each, so a killed run keeps everything it
// flushed. Estimates are keyed by (layer timing signature, variant name): one cache serves one
// machine and one placement, and a variant's generator version is part of its costdb key.
#pragma once

#include <atomic>
#include <future>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
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

  void prefetch(const kernels::Layer& layer);
  VariantEstimate get(const kernels::Layer& layer, const kernels::Variant& variant);
  // Returns how many estimates were committed.
  int flush();

  std::int64_t computed() const { return computed_; }
  std::int64_t reused() const { return reused_; }
  const model::Machine& machine() const { return machine_; }
  const Placement& placement() const { return placement_; }
  costdb::EstimateKey key(const std::string& signature, const kernels::Variant& variant) const;

 private:
  struct Pending {
    std::string signature;
    std::string layer_json;  // "" when the layer is already stored
    VariantEstimate estimate;
  };

  costdb::Database* db_;
  const model::Machine& machine_;
  Placement placement_;
  model::FastModel fast_;
  std::mutex mutex_;
  std::unordered_map<std::string, VariantEstimate> known_;  // signature + '/' + variant name
  // Estimates being computed: a second thread asking for one waits instead of computing it again.
  std::unordered_map<std::string, std::shared_future<VariantEstimate>> in_flight_;
  std::vector<Pending> pending_;
  std::unordered_set<std::string> stored_layers_;  // signatures whose layer JSON is queued or stored
  std::atomic<std::int64_t> computed_{0}, reused_{0};
};

}  // namespace pietune::tuner
