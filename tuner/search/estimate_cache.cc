// Estimate reuse through costdb (see the header).
#include "tuner/search/estimate_cache.h"

#include "kernels/registry.h"
#include "model/support/error.h"

namespace pietune::tuner {
namespace {

int generator_version(const kernels::Variant& variant) {
  const kernels::FamilySpec* family = kernels::find_family(variant.family);
  PIETUNE_CHECK(family != nullptr) << variant.family;
  return family->version;
}

VariantEstimate as_reused(VariantEstimate e) {
  e.reused = true;
  return e;
}

}  // namespace

EstimateCache::EstimateCache(costdb::Database* db, const model::Machine& machine, const Placement& placement)
    : db_(db), machine_(machine), placement_(placement), fast_(machine) {}

costdb::EstimateKey EstimateCache::key(const std::string& program_key, const kernels::Variant& variant) const {
  return {.program_key = program_key,
          .variant = variant.name(),
          .generator_version = generator_version(variant),
          .machine_hash = machine_.hash_hex(),
          .mode = "fast",
          .placement = placement_.text()};
}

std::int64_t EstimateCache::unstored() const {
  std::lock_guard lock(mutex_);
  return static_cast<std::int64_t>(pending_.size());
}

std::optional<VariantEstimate> EstimateCache::stored(const std::string& program_key, const kernels::Variant& variant) {
  if (db_ == nullptr) return std::nullopt;
  std::optional<costdb::EstimateRecord> record;
  {
    std::lock_guard lock(db_mutex_);
    record = db_->find_estimate(key(program_key, variant));
  }
  if (!record) return std::nullopt;
  nlohmann::json breakdown;
  try {
    breakdown = nlohmann::json::parse(record->breakdown_json);
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;  // unreadable: computed again and replaced
  }
  VariantEstimate e = estimate_from_json(variant, breakdown);
  e.program_key = program_key;
  e.cost.cycles = record->cycles;
  return e;
}

VariantEstimate EstimateCache::get(const kernels::Layer& layer, const kernels::Variant& variant, bool as_espnn) {
  const EstimateInput input = estimate_input(layer, variant, as_espnn ? as_espnn_runs_it(placement_) : placement_);
  std::promise<VariantEstimate> promise;
  {
    std::unique_lock lock(mutex_);
    if (auto it = known_.find(input.key); it != known_.end()) {
      ++reused_;
      return as_reused(it->second);
    }
    if (auto it = in_flight_.find(input.key); it != in_flight_.end()) {
      std::shared_future<VariantEstimate> pending = it->second;
      lock.unlock();
      ++reused_;
      return as_reused(pending.get());
    }
    in_flight_.emplace(input.key, promise.get_future().share());
  }
  VariantEstimate e;
  bool from_db = false;
  try {
    if (std::optional<VariantEstimate> found = stored(input.key, variant)) {
      e = std::move(*found);
      from_db = true;
    } else {
      e = estimate_prepared(fast_, input);
    }
  } catch (...) {
    promise.set_exception(std::current_exception());
    std::lock_guard lock(mutex_);
    in_flight_.erase(input.key);
    throw;
  }
  (from_db ? reused_ : computed_)++;
  promise.set_value(e);
  std::lock_guard lock(mutex_);
  known_.emplace(input.key, e);
  in_flight_.erase(input.key);
  if (db_ != nullptr && !db_->read_only() && !from_db) pending_.push_back(e);  // a read-only file takes nothing
  return e;
}

int EstimateCache::flush() {
  std::vector<VariantEstimate> batch;
  {
    std::lock_guard lock(mutex_);
    batch.swap(pending_);
  }
  std::lock_guard db_lock(db_mutex_);
  std::size_t done = 0;
  try {
    for (; done < batch.size(); ++done) {
      const VariantEstimate& e = batch[done];
      const kernels::Variant& v = e.variant;
      db_->put_variant(v.name(), v.family, kernels::variant_to_json(v)["params"].dump(), generator_version(v));
      db_->put_estimate({key(e.program_key, v), e.cost.cycles, estimate_json(e).dump()});
    }
  } catch (...) {
    // Kept for a later flush (the disk may have room again); unstored() says how many.
    std::lock_guard lock(mutex_);
    pending_.insert(pending_.begin(), batch.begin() + static_cast<std::ptrdiff_t>(done), batch.end());
    throw;
  }
  return static_cast<int>(batch.size());
}

}  // namespace pietune::tuner
