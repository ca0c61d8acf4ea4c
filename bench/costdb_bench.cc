// costdb speed on a warm database of 10,000 estimates (200 layers x 50 variants, the shape of a few tuned
// models): find_estimate hits and misses, put_estimate throughput (new keys and
// replacements, each committed on its own), and open() itself (which runs PRAGMA quick_check).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "costdb/costdb.h"

namespace pietune::costdb {
namespace {

constexpr int kLayers = 200;
constexpr int kVariantsPerLayer = 50;
constexpr int kEstimates = kLayers * kVariantsPerLayer;

std::string hex16(unsigned value) {
  char text[17];
  std::snprintf(text, sizeof text, "%016x", value * 2654435761u);
  return text;
}

EstimateKey key(int layer, int variant) {
  return EstimateKey{hex16(static_cast<unsigned>(layer)), "conv_qacc_oc16_ic16_u" + std::to_string(variant), 1,
                     "3f2a9c0d11e4b7a5", "fast", "act=sram,w=flash"};
}

const std::string kBreakdown = R"({"issue":41234,"data_stall":1200,"branch":64,"loop_overhead":12,"memory":300})";

// One scratch directory for the whole program, removed at exit.
class Scratch {
 public:
  Scratch() : dir_(std::filesystem::temp_directory_path() / ("pietune_costdb_bench_" + std::to_string(getpid()))) {
    std::filesystem::create_directories(dir_);
  }
  ~Scratch() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  std::string file(const std::string& name) const { return (dir_ / name).string(); }

 private:
  std::filesystem::path dir_;
};

Scratch& scratch() {
  static Scratch instance;
  return instance;
}

// A database file named `name` holding the 10,000 estimates, created once per program.
Database& filled(const std::string& name) {
  Scratch& dir = scratch();  // constructed before `open`, so destroyed after the databases close
  static std::vector<std::pair<std::string, Database>> open;
  for (auto& [n, db] : open) {
    if (n == name) return db;
  }
  Database db = Database::open(dir.file(name));
  for (int layer = 0; layer < kLayers; ++layer) {
    for (int variant = 0; variant < kVariantsPerLayer; ++variant) {
      db.put_estimate({key(layer, variant), 1000.0 + layer + variant, kBreakdown});
    }
  }
  return open.emplace_back(name, std::move(db)).second;
}

void BM_FindEstimateHit(benchmark::State& state) {
  Database& db = filled("find.sqlite");
  std::vector<EstimateKey> keys;
  for (int i = 0; i < 1024; ++i) keys.push_back(key((i * 37) % kLayers, (i * 11) % kVariantsPerLayer));
  for (const EstimateKey& k : keys) benchmark::DoNotOptimize(db.find_estimate(k));  // warm the page cache
  std::size_t i = 0;
  for (auto _ : state) {
    auto found = db.find_estimate(keys[i++ % keys.size()]);
    if (!found) state.SkipWithError("estimate missing");
    benchmark::DoNotOptimize(found);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FindEstimateHit);

void BM_FindEstimateMiss(benchmark::State& state) {
  Database& db = filled("find.sqlite");
  std::vector<EstimateKey> keys;
  for (int i = 0; i < 1024; ++i) keys.push_back(key((i * 37) % kLayers, kVariantsPerLayer + i));
  std::size_t i = 0;
  for (auto _ : state) {
    auto found = db.find_estimate(keys[i++ % keys.size()]);
    if (found) state.SkipWithError("unexpected estimate");
    benchmark::DoNotOptimize(found);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FindEstimateMiss);

// New keys: each put is its own committed transaction (WAL append, no fsync with synchronous=NORMAL).
void BM_PutEstimateNew(benchmark::State& state) {
  Database& db = filled("put.sqlite");
  int next = 0;
  for (auto _ : state) {
    db.put_estimate({key(kLayers + next / kVariantsPerLayer, next % kVariantsPerLayer), 1234.5, kBreakdown});
    ++next;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["estimates_after"] = static_cast<double>(db.estimate_count());
}
BENCHMARK(BM_PutEstimateNew);

void BM_PutEstimateReplace(benchmark::State& state) {
  Database& db = filled("put.sqlite");
  int next = 0;
  for (auto _ : state) {
    db.put_estimate({key((next / kVariantsPerLayer) % kLayers, next % kVariantsPerLayer), 999.0, kBreakdown});
    ++next;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PutEstimateReplace);

// open() of the 10,000-estimate file: header sniff, identity and version checks, quick_check, WAL pragmas.
void BM_OpenWarmDatabase(benchmark::State& state) {
  filled("find.sqlite");
  const std::string path = scratch().file("find.sqlite");
  for (auto _ : state) {
    Database db = Database::open(path);
    benchmark::DoNotOptimize(db.schema_version());
  }
  state.counters["estimates"] = kEstimates;
}
BENCHMARK(BM_OpenWarmDatabase)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace pietune::costdb

BENCHMARK_MAIN();
