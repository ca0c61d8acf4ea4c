// Device measurements: appended, read back per layer in the order they were added.
#include "costdb/costdb.h"
#include "costdb/database_impl.h"

namespace pietune::costdb {

namespace {

// An empty measured_at means "now" (the import did not say when the board ran).
constexpr char kInsertMeasurement[] =
    "INSERT INTO measurements (layer_signature, variant, device, cycles, source, measured_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, COALESCE(NULLIF(?6, ''), " PIETUNE_COSTDB_NOW "))";
constexpr char kSelectMeasurements[] =
    "SELECT layer_signature, variant, device, cycles, source, measured_at FROM measurements "
    "WHERE layer_signature = ?1 ORDER BY id";

}  // namespace

void Database::add_measurement(const MeasurementRecord& measurement) {
  impl_->require_writable("add_measurement");
  StatementUse insert = impl_->connection.cached(kInsertMeasurement, "add_measurement");
  insert->bind_text(1, measurement.layer_signature)
      .bind_text(2, measurement.variant)
      .bind_text(3, measurement.device)
      .bind_real(4, measurement.cycles)
      .bind_text(5, measurement.source)
      .bind_text(6, measurement.measured_at)
      .run();
}

std::vector<MeasurementRecord> Database::measurements(const std::string& layer_signature) const {
  StatementUse select = impl_->connection.cached(kSelectMeasurements, "measurements");
  select->bind_text(1, layer_signature);
  std::vector<MeasurementRecord> measurements;
  while (select->step()) {
    MeasurementRecord& m = measurements.emplace_back();
    m.layer_signature = select->column_text(0);
    m.variant = select->column_text(1);
    m.device = select->column_text(2);
    m.cycles = select->column_real(3);
    m.source = select->column_text(4);
    m.measured_at = select->column_text(5);
  }
  return measurements;
}

}  // namespace pietune::costdb
