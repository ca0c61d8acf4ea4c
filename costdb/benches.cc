// Device-bench projects, their kernel instances, and the calibration history.
#include "costdb/costdb.h"
#include "costdb/database_impl.h"

namespace pietune::costdb {

namespace {

constexpr char kInsertBench[] =
    "INSERT OR REPLACE INTO benches (id, model, model_hash, machine_name, machine_hash, machine_json, placement, "
    "options_json, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, " PIETUNE_COSTDB_NOW ")";
constexpr char kDeleteInstances[] = "DELETE FROM bench_instances WHERE bench_id = ?1";
constexpr char kInsertInstance[] =
    "INSERT INTO bench_instances (bench_id, instance, layer_index, layer_signature, layer_json, op, family, variant, "
    "rank, predicted_cycles, expected_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
constexpr char kBenchColumns[] =
    "SELECT id, model, model_hash, machine_name, machine_hash, machine_json, placement, options_json, created_at "
    "FROM benches";
const std::string kSelectBench = std::string(kBenchColumns) + " WHERE id = ?1";
const std::string kSelectBenches = std::string(kBenchColumns) + " ORDER BY created_at, id";
constexpr char kSelectInstances[] =
    "SELECT bench_id, instance, layer_index, layer_signature, layer_json, op, family, variant, rank, "
    "predicted_cycles, expected_hash FROM bench_instances WHERE bench_id = ?1 ORDER BY instance";

constexpr char kInsertCalibration[] =
    "INSERT INTO calibrations (calibrated_at, machine_before_hash, machine_after_hash, machine_after_json, "
    "measurements, summary_json) VALUES (" PIETUNE_COSTDB_NOW ", ?1, ?2, ?3, ?4, ?5)";
constexpr char kSelectCalibrations[] =
    "SELECT id, calibrated_at, machine_before_hash, machine_after_hash, machine_after_json, measurements, "
    "summary_json FROM calibrations ORDER BY id";

BenchRecord read_bench(const Statement& row) {
  BenchRecord b;
  b.id = row.column_text(0);
  b.model = row.column_text(1);
  b.model_hash = row.column_text(2);
  b.machine_name = row.column_text(3);
  b.machine_hash = row.column_text(4);
  b.machine_json = row.column_text(5);
  b.placement = row.column_text(6);
  b.options_json = row.column_text(7);
  b.created_at = row.column_text(8);
  return b;
}

}  // namespace

void Database::put_bench(const BenchRecord& bench, const std::vector<BenchInstanceRecord>& instances) {
  impl_->require_writable("put_bench");
  Connection& connection = impl_->connection;
  Transaction transaction(connection);  // the bench and all its instances, or nothing
  connection.cached(kInsertBench, "put_bench")
      ->bind_text(1, bench.id)
      .bind_text(2, bench.model)
      .bind_text(3, bench.model_hash)
      .bind_text(4, bench.machine_name)
      .bind_text(5, bench.machine_hash)
      .bind_text(6, bench.machine_json)
      .bind_text(7, bench.placement)
      .bind_text(8, bench.options_json)
      .run();
  connection.cached(kDeleteInstances, "put_bench")->bind_text(1, bench.id).run();
  for (const BenchInstanceRecord& i : instances) {
    connection.cached(kInsertInstance, "put_bench")
        ->bind_text(1, bench.id)
        .bind_int(2, i.instance)
        .bind_int(3, i.layer_index)
        .bind_text(4, i.layer_signature)
        .bind_text(5, i.layer_json)
        .bind_text(6, i.op)
        .bind_text(7, i.family)
        .bind_text(8, i.variant)
        .bind_int(9, i.rank)
        .bind_real(10, i.predicted_cycles)
        .bind_text(11, i.expected_hash)
        .run();
  }
  transaction.commit();
}

std::optional<BenchRecord> Database::bench(const std::string& id) const {
  StatementUse select = impl_->connection.cached(kSelectBench.c_str(), "bench");
  select->bind_text(1, id);
  if (!select->step()) return std::nullopt;
  return read_bench(*select);
}

std::vector<BenchRecord> Database::benches() const {
  StatementUse select = impl_->connection.cached(kSelectBenches.c_str(), "benches");
  std::vector<BenchRecord> benches;
  while (select->step()) benches.push_back(read_bench(*select));
  return benches;
}

std::vector<BenchInstanceRecord> Database::bench_instances(const std::string& bench_id) const {
  StatementUse select = impl_->connection.cached(kSelectInstances, "bench_instances");
  select->bind_text(1, bench_id);
  std::vector<BenchInstanceRecord> instances;
  while (select->step()) {
    BenchInstanceRecord& i = instances.emplace_back();
    i.bench_id = select->column_text(0);
    i.instance = static_cast<int>(select->column_int(1));
    i.layer_index = static_cast<int>(select->column_int(2));
    i.layer_signature = select->column_text(3);
    i.layer_json = select->column_text(4);
    i.op = select->column_text(5);
    i.family = select->column_text(6);
    i.variant = select->column_text(7);
    i.rank = static_cast<int>(select->column_int(8));
    i.predicted_cycles = select->column_real(9);
    i.expected_hash = select->column_text(10);
  }
  return instances;
}

std::int64_t Database::add_calibration(const CalibrationRecord& c) {
  impl_->require_writable("add_calibration");
  impl_->connection.cached(kInsertCalibration, "add_calibration")
      ->bind_text(1, c.machine_before_hash)
      .bind_text(2, c.machine_after_hash)
      .bind_text(3, c.machine_after_json)
      .bind_int(4, c.measurements)
      .bind_text(5, c.summary_json)
      .run();
  return impl_->connection.last_insert_rowid();
}

std::vector<CalibrationRecord> Database::calibrations() const {
  StatementUse select = impl_->connection.cached(kSelectCalibrations, "calibrations");
  std::vector<CalibrationRecord> calibrations;
  while (select->step()) {
    CalibrationRecord& c = calibrations.emplace_back();
    c.id = select->column_int(0);
    c.calibrated_at = select->column_text(1);
    c.machine_before_hash = select->column_text(2);
    c.machine_after_hash = select->column_text(3);
    c.machine_after_json = select->column_text(4);
    c.measurements = static_cast<int>(select->column_int(5));
    c.summary_json = select->column_text(6);
  }
  return calibrations;
}

}  // namespace pietune::costdb
