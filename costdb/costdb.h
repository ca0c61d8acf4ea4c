// costdb: the SQLite store behind the tuner. Every run, layer, variant, estimate, verification,
// per-run choice and device measurement lives here, keyed by hashes and names the tuner computes
// (this module depends on nothing else of ours: it stores text, JSON and numbers).
//
//   costdb::Database db = costdb::Database::open("results/costdb.sqlite");
//   if (auto e = db.find_estimate(key)) reuse(e->cycles); else db.put_estimate({key, cycles, json});
//
// WAL mode; every put_* is committed before it returns (an interrupted run loses nothing it
// stored). The schema version is PRAGMA user_version; open() migrates an older schema in place,
// step by step, and refuses a newer one, a corrupt file or a SQLite database that is not ours
// (costdb::Error naming the path), without writing to it.
//
// One Database is used from one thread at a time (the tuner's workers hand results to the thread
// that owns it). Several processes may open the same file (WAL; a busy timeout of 5 s).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace pietune::costdb {

// A database that cannot be opened, is not ours, is corrupt or from a newer tool, or a SQLite
// failure: "<path>: <what>" (e.g. "x.sqlite: not a pietune cost database (table 'foo' found, no
// 'runs')"). The CLI turns it into exit code 2.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

inline constexpr int kSchemaVersion = 4;

// How a file is opened. kReadOnly never writes (no file created, no WAL switch, no migration: an
// older schema is refused) and serves the reading commands; kReadWriteIfPossible opens a file it
// may not write (a CI artifact, a read-only mount) read-only instead of failing.
enum class Access { kReadWrite, kReadOnly, kReadWriteIfPossible };

struct RunRecord {
  std::int64_t id = 0;          // assigned by begin_run
  std::string tool_version;     // "0.1.0"
  std::string git_commit;       // "" when unknown
  std::string machine_hash;     // hex of the machine description's content hash
  std::string model;            // the model file name as given
  std::string model_hash;       // hex hash of the model's layers (resume key)
  std::string options_json;     // the options that change the result (budget, placement, seed...)
  std::string started_at;       // ISO 8601 UTC, set by begin_run
  std::string ended_at;         // "" while running
  std::string status;           // "running", "done", "failed", "interrupted"
  // The process running it, "host:pid:start" ("" before schema 3): a later begin_run marks a
  // `running` run whose process is gone (killed, crashed) "interrupted". begin_run fills it in
  // when empty (tests set it to simulate a dead process).
  std::string owner;
};

// One estimate: (program key, variant name, generator version, machine hash, mode, placement) ->
// cycles and the breakdown JSON. The program key names the generated program and its buffers (the
// tuner's estimate_key_hex), never a layer: layers that generate different code never share one.
struct EstimateKey {
  std::string program_key;
  std::string variant;          // Variant::name()
  int generator_version = 1;    // FamilySpec::version
  std::string machine_hash;
  std::string mode;             // "fast" or "detailed"
  std::string placement;        // "act=sram,w=flash" (the tuner's canonical text)
};

struct EstimateRecord {
  EstimateKey key;
  double cycles = 0;
  std::string breakdown_json;   // {"issue":..,"data_stall":..,...}
};

// A bit-exactness check of a variant on a layer's real shapes and quantization.
struct VerificationRecord {
  std::string layer_identity;   // hex of Layer::full_identity()
  std::string variant;
  int generator_version = 1;
  int cases = 0;
  std::uint64_t seed = 0;
  std::int64_t mismatches = 0;
  int max_abs_diff = 0;
  std::string detail;           // first mismatch or fault, "" when it passed
};

// What a run chose for one layer of its model.
struct ChoiceRecord {
  std::int64_t run_id = 0;
  int layer_index = 0;
  std::string layer_signature;
  std::string op;               // "CONV_2D"
  std::string variant;          // "" when no family covers the layer
  std::string family;
  double cycles = 0;            // predicted cycles of the chosen variant (0 when none)
  std::string baseline_variant; // the esp-nn-structured baseline, "" when none
  double baseline_cycles = 0;
  std::string detail_json;      // anything else the report needs (MACs, shape, rejections)
};

// A device-bench project as generated: what it measures, with what the predictions assumed.
struct BenchRecord {
  std::string id;               // hex; the firmware prints it on every line
  std::string model;
  std::string model_hash;
  std::string machine_name;     // the preset (or file) the predictions were made with
  std::string machine_hash;
  std::string machine_json;     // that machine description, whole
  std::string placement;        // canonical placement text of the predictions
  std::string options_json;     // {"placement": {...}, "seed", "warmup", "runs", "variants"}
  std::string created_at;       // set when stored
};

// One kernel instance of a bench: a layer and one of its variants.
struct BenchInstanceRecord {
  std::string bench_id;
  int instance = 0;
  int layer_index = 0;
  std::string layer_signature;
  std::string layer_json;       // kernels::layer_to_json (shapes and quantization, no constant data)
  std::string op;
  std::string family;
  std::string variant;
  int rank = 0;                 // 0: tune's choice, k: its k-th runner-up
  double predicted_cycles = 0;
  std::string expected_hash;    // hex FNV-1a 64 of the emulator's output on the bench input
};

struct MeasurementRecord {
  std::string layer_signature;
  std::string variant;
  std::string device;           // "esp32s3-devkitc-1 @240MHz"
  double cycles = 0;            // the median of the timed runs
  std::string source;           // where it came from (file imported)
  std::string measured_at;
  // Measurements of a device-bench instance (bench_id "" for older, free-standing ones).
  std::string bench_id;
  int instance = -1;
  int runs = 0;
  double q1 = 0, q3 = 0;        // quartiles of the timed runs
  std::string output_hash;      // the board's
  std::string expected_hash;    // the emulator's; a difference is a kernel wrong on silicon
  bool correct() const { return expected_hash.empty() || output_hash == expected_hash; }
};

// One `pietune calibrate --db` result.
struct CalibrationRecord {
  std::int64_t id = 0;
  std::string calibrated_at;
  std::string machine_before_hash;
  std::string machine_after_hash;
  std::string machine_after_json;
  int measurements = 0;
  std::string summary_json;
};

class Database {
 public:
  // Opens or creates `path` (its directory must exist; kReadOnly: the file must exist). Throws
  // Error as described above.
  static Database open(const std::string& path, Access access = Access::kReadWrite);
  ~Database();
  Database(Database&&) noexcept;
  Database& operator=(Database&&) noexcept;

  const std::string& path() const;
  int schema_version() const;
  // True when opened read-only (kReadOnly, or kReadWriteIfPossible on a file it may not write):
  // every put_* and begin_run then throws Error "<path>: opened read-only".
  bool read_only() const;

  // Runs. begin_run first marks "interrupted" every run left "running" by a process that is gone
  // (same host, pid no longer that process), then stores `run` with status "running" and
  // started_at now; returns its id. end_run takes "done" or "failed".
  std::int64_t begin_run(const RunRecord& run);
  void end_run(std::int64_t run_id, const std::string& status);
  std::vector<RunRecord> runs() const;  // oldest first
  std::optional<RunRecord> run(std::int64_t run_id) const;

  // Layers and variants (insert or ignore: the first stored JSON stays).
  void put_layer(const std::string& signature, const std::string& layer_json);
  std::optional<std::string> layer_json(const std::string& signature) const;
  void put_variant(const std::string& name, const std::string& family, const std::string& params_json,
                   int generator_version);

  // Estimates (insert or replace on the same key).
  void put_estimate(const EstimateRecord& estimate);
  std::optional<EstimateRecord> find_estimate(const EstimateKey& key) const;
  std::int64_t estimate_count() const;

  // Verifications (insert or replace on (layer_identity, variant, generator_version)).
  void put_verification(const VerificationRecord& verification);
  std::optional<VerificationRecord> find_verification(const std::string& layer_identity, const std::string& variant,
                                                      int generator_version) const;

  // Per-run choices (insert or replace on (run_id, layer_index)).
  void put_choice(const ChoiceRecord& choice);
  std::vector<ChoiceRecord> choices(std::int64_t run_id) const;  // by layer index

  // Device measurements (appended).
  void add_measurement(const MeasurementRecord& measurement);
  std::vector<MeasurementRecord> measurements(const std::string& layer_signature) const;
  std::vector<MeasurementRecord> all_measurements() const;  // in the order they were added
  // True when this exact measurement (bench, instance, cycles, quartiles, hash, source) is stored:
  // importing the same log twice adds nothing.
  bool has_measurement(const MeasurementRecord& measurement) const;

  // Benches (insert or replace: the id is the content's hash) and their instances.
  void put_bench(const BenchRecord& bench, const std::vector<BenchInstanceRecord>& instances);
  std::optional<BenchRecord> bench(const std::string& id) const;
  std::vector<BenchRecord> benches() const;  // oldest first
  std::vector<BenchInstanceRecord> bench_instances(const std::string& bench_id) const;  // by instance

  // Calibrations (appended; id assigned).
  std::int64_t add_calibration(const CalibrationRecord& calibration);
  std::vector<CalibrationRecord> calibrations() const;  // oldest first

 private:
  struct Impl;
  explicit Database(std::unique_ptr<Impl> impl);
  void mark_interrupted_runs();
  std::unique_ptr<Impl> impl_;
};

}  // namespace pietune::costdb
