// Estimate reuse through costdb (see the header).
#include "tuner/search/estimate_cache.h"

#include "kernels/layer_json.h"
#include "kernels/registry.h"
#include "model/support/error.h"

namespace pietune::tuner {
namespace {

std::string cache_key(const std::string& signature, const std::string& variant) { return signature + '/' + variant; }

int generator_version(const kernels::Variant& variant) {
  const kernels::FamilySpec* family = kernels::find_family(variant.family);
  PIETUNE_CHECK(family != nullptr) << variant.family;
  return family->version;
}

}  // namespace

EstimateCache::EstimateCache(costdb::Database* db, const model::Machine& machine, const Placement& placement)
    : db_(db), machine_(machine), placement_(placement), fast_(machine) {}

costdb::EstimateKey EstimateCache::key(const std::string& signature, const kernels::Variant& variant) const {
  return {.layer_signature = signature,
          .variant = variant.name(),
          .generator_version = generator_version(variant),
          .machine_hash = machine_.hash_hex(),
          .mode = "fast",
          .placement = placement_.text()};
}

void EstimateCache::prefetch(const kernels::Layer& layer) {
  if (db_ == nullptr) return;
  const std::string signature = signature_hex(layer);
  const std::vector<costdb::EstimateRecord> stored =
      db_->estimates_for_layer(signature, machine_.hash_hex(), "fast", placement_.text());
  std::lock_guard lock(mutex_);
  for (const costdb::EstimateRecord& r : stored) {
    const std::optional<kernels::Variant> variant = kernels::parse_variant_name(r.key.variant);
    if (!variant || generator_version(*variant) != r.key.generator_version) continue;  // stale generator
    nlohmann::json breakdown;
    try {
      breakdown = nlohmann::json::parse(r.breakdown_json);
    } catch (const nlohmann::json::exception&) {
      continue;  // unreadable: computed again and replaced
    }
    VariantEstimate e = estimate_from_json(*variant, breakdown);
    e.cost.cycles = r.cycles;
    known_.emplace(cache_key(signature, r.key.variant), std::move(e));
  }
}

VariantEstimate EstimateCache::get(const kernels::Layer& layer, const kernels::Variant& variant) {
  const std::string signature = signature_hex(layer);
  const std::string key = cache_key(signature, variant.name());
  std::promise<VariantEstimate> promise;
  {
    std::unique_lock lock(mutex_);
    if (auto it = known_.find(key); it != known_.end()) {
      ++reused_;
      VariantEstimate e = it->second;
      e.reused = true;
      return e;
    }
    if (auto it = in_flight_.find(key); it != in_flight_.end()) {
      std::shared_future<VariantEstimate> pending = it->second;
      lock.unlock();
      ++reused_;
      VariantEstimate e = pending.get();
      e.reused = true;
      return e;
    }
    in_flight_.emplace(key, promise.get_future().share());
  }
  VariantEstimate e;
  try {
    e = estimate_variant(fast_, layer, variant, placement_);
  } catch (...) {
    promise.set_exception(std::current_exception());
    std::lock_guard lock(mutex_);
    in_flight_.erase(key);
    throw;
  }
  ++computed_;
  promise.set_value(e);
  std::lock_guard lock(mutex_);
  known_.emplace(key, e);
  in_flight_.erase(key);
  if (db_ != nullptr) {
    const bool new_layer = stored_layers_.insert(signature).second;
    pending_.push_back({signature, new_layer ? kernels::layer_to_json(layer).dump() : "", e});
  }
  return e;
}

int EstimateCache::flush() {
  std::vector<Pending> batch;
  {
    std::lock_guard lock(mutex_);
    batch.swap(pending_);
  }
  for (const Pending& p : batch) {
    const kernels::Variant& v = p.estimate.variant;
    if (!p.layer_json.empty()) db_->put_layer(p.signature, p.layer_json);
    db_->put_variant(v.name(), v.family, kernels::variant_to_json(v)["params"].dump(), generator_version(v));
    db_->put_estimate({key(p.signature, v), p.estimate.cost.cycles, estimate_json(p.estimate).dump()});
  }
  return static_cast<int>(batch.size());
}

}  // namespace pietune::tuner
