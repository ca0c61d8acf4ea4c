// Full tuning of the bundled person-detection model, in process: cold (an empty cost database:
// every estimate computed, every winner verified) and warm (the same database again: everything
// reused). Wall time is what a user waits for, so both use real time; the targets are under
// 10 s cold and under 1 s warm on the 2-core machine.
#include <filesystem>
#include <string>
#include <thread>

#include <benchmark/benchmark.h>

#include "costdb/costdb.h"
#include "model/timing/machine.h"
#include "tuner/model_loader.h"
#include "tuner/tune/tune_model.h"

namespace {

namespace fs = std::filesystem;
using namespace pietune;

const kernels::Model& person_detect() {
  static const kernels::Model model = tuner::load_model(PIETUNE_SOURCE_DIR "/examples/models/person_detect.tflite");
  return model;
}

std::string fresh_db_path() {
  const fs::path p = fs::temp_directory_path() / "pietune_tune_bench.sqlite";
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(p.string() + suffix);
  return p.string();
}

tuner::TuneOptions options() {
  tuner::TuneOptions o;
  o.jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return o;
}

tuner::TuneResult tune(costdb::Database& db) {
  tuner::RunRecorder run(db, person_detect(), "person_detect.tflite", options(), model::default_machine());
  tuner::TuneResult result =
      tuner::tune_model(person_detect(), options(), model::default_machine(), db, run, [](const tuner::Progress&) {});
  run.finish();
  return result;
}

void BM_TunePersonDetectCold(benchmark::State& state) {
  for (auto _ : state) {
    state.PauseTiming();
    const std::string path = fresh_db_path();
    state.ResumeTiming();
    costdb::Database db = costdb::Database::open(path);
    const tuner::TuneResult r = tune(db);
    benchmark::DoNotOptimize(r.layers.size());
    state.counters["estimates_computed"] = static_cast<double>(r.computed);
  }
}
BENCHMARK(BM_TunePersonDetectCold)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(5);

void BM_TunePersonDetectWarm(benchmark::State& state) {
  const std::string path = fresh_db_path();
  {
    costdb::Database db = costdb::Database::open(path);
    tune(db);
  }
  for (auto _ : state) {
    costdb::Database db = costdb::Database::open(path);
    const tuner::TuneResult r = tune(db);
    benchmark::DoNotOptimize(r.layers.size());
    state.counters["estimates_computed"] = static_cast<double>(r.computed);
  }
}
BENCHMARK(BM_TunePersonDetectWarm)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(10);

}  // namespace

BENCHMARK_MAIN();
