// Runs and their per-layer choices.
#include "costdb/costdb.h"
#include "costdb/database_impl.h"
#include "costdb/process_owner.h"

namespace pietune::costdb {

namespace {

constexpr char kInsertRun[] =
    "INSERT INTO runs (tool_version, git_commit, machine_hash, model, model_hash, options_json, started_at, status, "
    "owner) VALUES (?1, ?2, ?3, ?4, ?5, ?6, " PIETUNE_COSTDB_NOW ", 'running', ?7)";
constexpr char kRunningRuns[] = "SELECT id, owner FROM runs WHERE status = 'running'";
constexpr char kInterruptRun[] =
    "UPDATE runs SET status = 'interrupted', ended_at = " PIETUNE_COSTDB_NOW " WHERE id = ?1 AND status = 'running'";
constexpr char kEndRun[] = "UPDATE runs SET status = ?2, ended_at = " PIETUNE_COSTDB_NOW " WHERE id = ?1";
constexpr char kSelectRuns[] =
    "SELECT id, tool_version, git_commit, machine_hash, model, model_hash, options_json, started_at, "
    "COALESCE(ended_at, ''), status, owner FROM runs ORDER BY id";
constexpr char kSelectRun[] =
    "SELECT id, tool_version, git_commit, machine_hash, model, model_hash, options_json, started_at, "
    "COALESCE(ended_at, ''), status, owner FROM runs WHERE id = ?1";

constexpr char kInsertChoice[] =
    "INSERT OR REPLACE INTO choices (run_id, layer_index, layer_signature, op, variant, family, cycles, "
    "baseline_variant, baseline_cycles, detail_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
constexpr char kSelectChoices[] =
    "SELECT run_id, layer_index, layer_signature, op, variant, family, cycles, baseline_variant, baseline_cycles, "
    "detail_json FROM choices WHERE run_id = ?1 ORDER BY layer_index";

RunRecord read_run(const Statement& row) {
  RunRecord run;
  run.id = row.column_int(0);
  run.tool_version = row.column_text(1);
  run.git_commit = row.column_text(2);
  run.machine_hash = row.column_text(3);
  run.model = row.column_text(4);
  run.model_hash = row.column_text(5);
  run.options_json = row.column_text(6);
  run.started_at = row.column_text(7);
  run.ended_at = row.column_text(8);
  run.status = row.column_text(9);
  run.owner = row.column_text(10);
  return run;
}

ChoiceRecord read_choice(const Statement& row) {
  ChoiceRecord choice;
  choice.run_id = row.column_int(0);
  choice.layer_index = static_cast<int>(row.column_int(1));
  choice.layer_signature = row.column_text(2);
  choice.op = row.column_text(3);
  choice.variant = row.column_text(4);
  choice.family = row.column_text(5);
  choice.cycles = row.column_real(6);
  choice.baseline_variant = row.column_text(7);
  choice.baseline_cycles = row.column_real(8);
  choice.detail_json = row.column_text(9);
  return choice;
}

}  // namespace

void Database::mark_interrupted_runs() {
  Connection& connection = impl_->connection;
  std::vector<std::int64_t> gone;
  {
    StatementUse select = connection.cached(kRunningRuns, "mark_interrupted_runs");
    while (select->step())
      if (!process_owner_alive(select->column_text(1))) gone.push_back(select->column_int(0));
  }
  for (std::int64_t id : gone) {
    StatementUse update = connection.cached(kInterruptRun, "mark_interrupted_runs");
    update->bind_int(1, id).run();
  }
}

std::int64_t Database::begin_run(const RunRecord& run) {
  impl_->require_writable("begin_run");
  mark_interrupted_runs();
  Connection& connection = impl_->connection;
  StatementUse insert = connection.cached(kInsertRun, "begin_run");
  insert->bind_text(1, run.tool_version)
      .bind_text(2, run.git_commit)
      .bind_text(3, run.machine_hash)
      .bind_text(4, run.model)
      .bind_text(5, run.model_hash)
      .bind_text(6, run.options_json)
      .bind_text(7, run.owner.empty() ? current_process_owner() : run.owner)
      .run();
  return connection.last_insert_rowid();
}

void Database::end_run(std::int64_t run_id, const std::string& status) {
  impl_->require_writable("end_run");
  Connection& connection = impl_->connection;
  if (status != "done" && status != "failed") {
    throw Error(path() + ": end_run: status '" + status + "' is neither 'done' nor 'failed'");
  }
  StatementUse update = connection.cached(kEndRun, "end_run");
  update->bind_int(1, run_id).bind_text(2, status).run();
  if (connection.changes() == 0) throw Error(path() + ": end_run: no run " + std::to_string(run_id));
}

std::vector<RunRecord> Database::runs() const {
  StatementUse select = impl_->connection.cached(kSelectRuns, "runs");
  std::vector<RunRecord> runs;
  while (select->step()) runs.push_back(read_run(*select));
  return runs;
}

std::optional<RunRecord> Database::run(std::int64_t run_id) const {
  StatementUse select = impl_->connection.cached(kSelectRun, "run");
  select->bind_int(1, run_id);
  if (!select->step()) return std::nullopt;
  return read_run(*select);
}

void Database::put_choice(const ChoiceRecord& choice) {
  impl_->require_writable("put_choice");
  StatementUse insert = impl_->connection.cached(kInsertChoice, "put_choice");
  insert->bind_int(1, choice.run_id)
      .bind_int(2, choice.layer_index)
      .bind_text(3, choice.layer_signature)
      .bind_text(4, choice.op)
      .bind_text(5, choice.variant)
      .bind_text(6, choice.family)
      .bind_real(7, choice.cycles)
      .bind_text(8, choice.baseline_variant)
      .bind_real(9, choice.baseline_cycles)
      .bind_text(10, choice.detail_json);
  try {
    insert->run();
  } catch (const SqliteError& e) {
    if (e.code() != SQLITE_CONSTRAINT_FOREIGNKEY) throw;
    throw Error(path() + ": put_choice: no run " + std::to_string(choice.run_id));
  }
}

std::vector<ChoiceRecord> Database::choices(std::int64_t run_id) const {
  StatementUse select = impl_->connection.cached(kSelectChoices, "choices");
  select->bind_int(1, run_id);
  std::vector<ChoiceRecord> choices;
  while (select->step()) choices.push_back(read_choice(*select));
  return choices;
}

}  // namespace pietune::costdb
