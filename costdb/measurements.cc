// Device measurements: appended, read back per layer or all in the order they were added.
#include "costdb/costdb.h"
#include "costdb/database_impl.h"

namespace pietune::costdb {

namespace {

constexpr char kColumns[] =
    "layer_signature, variant, device, cycles, source, measured_at, bench_id, instance, runs, q1, q3, output_hash, "
    "expected_hash";

// An empty measured_at means "now" (the import did not say when the board ran).
const std::string kInsertMeasurement = std::string("INSERT INTO measurements (") + kColumns +
                                       ") VALUES (?1, ?2, ?3, ?4, ?5, COALESCE(NULLIF(?6, ''), " PIETUNE_COSTDB_NOW
                                       "), ?7, ?8, ?9, ?10, ?11, ?12, ?13)";
const std::string kSelectMeasurements =
    std::string("SELECT ") + kColumns + " FROM measurements WHERE layer_signature = ?1 ORDER BY id";
const std::string kSelectAllMeasurements = std::string("SELECT ") + kColumns + " FROM measurements ORDER BY id";
constexpr char kCountSame[] =
    "SELECT COUNT(*) FROM measurements WHERE bench_id = ?1 AND instance = ?2 AND cycles = ?3 AND q1 = ?4 AND q3 = ?5 "
    "AND output_hash = ?6 AND source = ?7 AND variant = ?8";

MeasurementRecord read_measurement(const Statement& row) {
  MeasurementRecord m;
  m.layer_signature = row.column_text(0);
  m.variant = row.column_text(1);
  m.device = row.column_text(2);
  m.cycles = row.column_real(3);
  m.source = row.column_text(4);
  m.measured_at = row.column_text(5);
  m.bench_id = row.column_text(6);
  m.instance = static_cast<int>(row.column_int(7));
  m.runs = static_cast<int>(row.column_int(8));
  m.q1 = row.column_real(9);
  m.q3 = row.column_real(10);
  m.output_hash = row.column_text(11);
  m.expected_hash = row.column_text(12);
  return m;
}

}  // namespace

void Database::add_measurement(const MeasurementRecord& measurement) {
  impl_->require_writable("add_measurement");
  StatementUse insert = impl_->connection.cached(kInsertMeasurement.c_str(), "add_measurement");
  insert->bind_text(1, measurement.layer_signature)
      .bind_text(2, measurement.variant)
      .bind_text(3, measurement.device)
      .bind_real(4, measurement.cycles)
      .bind_text(5, measurement.source)
      .bind_text(6, measurement.measured_at)
      .bind_text(7, measurement.bench_id)
      .bind_int(8, measurement.instance)
      .bind_int(9, measurement.runs)
      .bind_real(10, measurement.q1)
      .bind_real(11, measurement.q3)
      .bind_text(12, measurement.output_hash)
      .bind_text(13, measurement.expected_hash)
      .run();
}

bool Database::has_measurement(const MeasurementRecord& m) const {
  StatementUse count = impl_->connection.cached(kCountSame, "has_measurement");
  count->bind_text(1, m.bench_id)
      .bind_int(2, m.instance)
      .bind_real(3, m.cycles)
      .bind_real(4, m.q1)
      .bind_real(5, m.q3)
      .bind_text(6, m.output_hash)
      .bind_text(7, m.source)
      .bind_text(8, m.variant);
  return count->step() && count->column_int(0) > 0;
}

std::vector<MeasurementRecord> Database::measurements(const std::string& layer_signature) const {
  StatementUse select = impl_->connection.cached(kSelectMeasurements.c_str(), "measurements");
  select->bind_text(1, layer_signature);
  std::vector<MeasurementRecord> measurements;
  while (select->step()) measurements.push_back(read_measurement(*select));
  return measurements;
}

std::vector<MeasurementRecord> Database::all_measurements() const {
  StatementUse select = impl_->connection.cached(kSelectAllMeasurements.c_str(), "all_measurements");
  std::vector<MeasurementRecord> measurements;
  while (select->step()) measurements.push_back(read_measurement(*select));
  return measurements;
}

}  // namespace pietune::costdb
