// Estimates: cycles and breakdown per (program key, machine, mode, placement, variant, generator version).
#include "costdb/costdb.h"
#include "costdb/database_impl.h"

namespace pietune::costdb {

namespace {

constexpr char kInsertEstimate[] =
    "INSERT OR REPLACE INTO estimates (program_key, machine_hash, mode, placement, variant, generator_version, "
    "cycles, breakdown_json, stored_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, " PIETUNE_COSTDB_NOW ")";
constexpr char kFindEstimate[] =
    "SELECT cycles, breakdown_json FROM estimates WHERE program_key = ?1 AND machine_hash = ?2 AND mode = ?3 "
    "AND placement = ?4 AND variant = ?5 AND generator_version = ?6";
constexpr char kCountEstimates[] = "SELECT count(*) FROM estimates";

}  // namespace

void Database::put_estimate(const EstimateRecord& estimate) {
  impl_->require_writable("put_estimate");
  const EstimateKey& key = estimate.key;
  StatementUse insert = impl_->connection.cached(kInsertEstimate, "put_estimate");
  insert->bind_text(1, key.program_key)
      .bind_text(2, key.machine_hash)
      .bind_text(3, key.mode)
      .bind_text(4, key.placement)
      .bind_text(5, key.variant)
      .bind_int(6, key.generator_version)
      .bind_real(7, estimate.cycles)
      .bind_text(8, estimate.breakdown_json)
      .run();
}

std::optional<EstimateRecord> Database::find_estimate(const EstimateKey& key) const {
  StatementUse select = impl_->connection.cached(kFindEstimate, "find_estimate");
  select->bind_text(1, key.program_key)
      .bind_text(2, key.machine_hash)
      .bind_text(3, key.mode)
      .bind_text(4, key.placement)
      .bind_text(5, key.variant)
      .bind_int(6, key.generator_version);
  if (!select->step()) return std::nullopt;
  return EstimateRecord{key, select->column_real(0), select->column_text(1)};
}

std::int64_t Database::estimate_count() const {
  StatementUse select = impl_->connection.cached(kCountEstimates, "estimate_count");
  return select->step() ? select->column_int(0) : 0;
}

}  // namespace pietune::costdb
