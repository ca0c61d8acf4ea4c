// Cost-query speed (issue 6 targets): in-process query latency for a layer already answered
// (p50 under 20 us), serve throughput through the request-line handler (over 10,000 queries/s),
// and, for scale, a known layer in text not seen before and the first query of a layer (a search
// of its variants).
//
// Latencies are timed one call at a time; p50/p90/p99 are reported as counters (microseconds)
// next to Google Benchmark's mean. Layers are person_detect's, sent as their JSON form.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kernels/layer_json.h"
#include "model/timing/machine.h"
#include "tuner/model_loader.h"
#include "tuner/query/line_protocol.h"
#include "tuner/query/query_request.h"
#include "tuner/query/query_service.h"

namespace pietune::tuner {
namespace {

using Clock = std::chrono::steady_clock;

const kernels::Model& person_detect() {
  static const kernels::Model model = load_model(PIETUNE_SOURCE_DIR "/examples/models/person_detect.tflite");
  return model;
}

// One service for the whole program, every person_detect layer already answered once.
QueryService& warm_service() {
  static QueryService* service = [] {
    auto* s = new QueryService(std::nullopt, model::default_machine(), QueryServiceOptions{});
    for (const kernels::Layer& layer : person_detect().layers) s->query(layer, {});
    return s;
  }();
  return *service;
}

std::string layer_text(const kernels::Layer& layer) { return kernels::layer_to_json(layer).dump(); }

// Records one latency sample per iteration and reports its percentiles in microseconds.
class Percentiles {
 public:
  void add(Clock::duration d) { samples_.push_back(std::chrono::duration<double, std::micro>(d).count()); }
  void report(benchmark::State& state) {
    if (samples_.empty()) return;
    std::sort(samples_.begin(), samples_.end());
    const auto at = [&](double q) {
      return samples_[static_cast<std::size_t>(q * static_cast<double>(samples_.size() - 1))];
    };
    state.counters["p50_us"] = at(0.50);
    state.counters["p90_us"] = at(0.90);
    state.counters["p99_us"] = at(0.99);
  }

 private:
  std::vector<double> samples_;
};

// A parsed layer (person_detect layer 8, a pointwise CONV_2D) asked again: memo lookup by identity.
void BM_QueryCachedLayer(benchmark::State& state) {
  QueryService& service = warm_service();
  const kernels::Layer& layer = person_detect().layers[8];
  Percentiles p;
  for (auto _ : state) {
    const Clock::time_point start = Clock::now();
    const Answer a = service.query(layer, {});
    p.add(Clock::now() - start);
    benchmark::DoNotOptimize(a.cycles);
  }
  p.report(state);
}
BENCHMARK(BM_QueryCachedLayer);

// What pietune_query does for a cached layer: layer JSON text in, answer JSON text out, the text
// seen before (memo by the exact bytes: no parsing).
void BM_QueryCachedLayerText(benchmark::State& state) {
  QueryService& service = warm_service();
  const std::string text = layer_text(person_detect().layers[8]);
  service.query_text(text, "best");
  Percentiles p;
  for (auto _ : state) {
    const Clock::time_point start = Clock::now();
    const TextAnswer a = service.query_text(text, "best");
    p.add(Clock::now() - start);
    benchmark::DoNotOptimize(a.json.data());
  }
  p.report(state);
}
BENCHMARK(BM_QueryCachedLayerText);

// A known layer in text never seen before (another index, other spacing): parsed, then found by its
// identity. JSON parsing of the ~4 KB layer is most of this.
void BM_QueryCachedLayerNewText(benchmark::State& state) {
  QueryService& service = warm_service();
  const std::string text = layer_text(person_detect().layers[8]);
  Percentiles p;
  for (auto _ : state) {
    const Clock::time_point start = Clock::now();
    const kernels::Layer layer = layer_request_from_text(text, "layer");
    const Answer a = service.query(layer, {});
    const std::string out = a.json.dump();
    p.add(Clock::now() - start);
    benchmark::DoNotOptimize(out.data());
  }
  p.report(state);
}
BENCHMARK(BM_QueryCachedLayerNewText);

// `pietune serve` minus the pipe: request lines for all 31 person_detect layers in turn (the
// RESHAPE and SOFTMAX ones answered "not covered"), each seen before: scanned, looked up, written.
void BM_ServeRequestLines(benchmark::State& state) {
  QueryService& service = warm_service();
  std::vector<std::string> lines;
  int id = 0;
  for (const kernels::Layer& layer : person_detect().layers)
    lines.push_back(R"({"id": )" + std::to_string(id++) + R"(, "method": "query", "layer": )" + layer_text(layer) +
                    R"(, "variant": "best"})");
  for (const std::string& line : lines) handle_request_line(service, line);  // each seen once before
  std::size_t next = 0;
  Percentiles p;
  for (auto _ : state) {
    const Clock::time_point start = Clock::now();
    const LineResponse r = handle_request_line(service, lines[next]);
    p.add(Clock::now() - start);
    benchmark::DoNotOptimize(r.text.data());
    next = (next + 1) % lines.size();
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["queries_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()),
                                                       benchmark::Counter::kIsRate);
  p.report(state);
}
BENCHMARK(BM_ServeRequestLines);

// The first query of a layer in a fresh process: every legal variant generated and estimated.
void BM_QueryFirstTime(benchmark::State& state) {
  const kernels::Layer& layer = person_detect().layers[8];
  for (auto _ : state) {
    QueryService service(std::nullopt, model::default_machine(), QueryServiceOptions{});
    benchmark::DoNotOptimize(service.query(layer, {}).cycles);
  }
}
BENCHMARK(BM_QueryFirstTime)->Unit(benchmark::kMillisecond)->Iterations(5);

}  // namespace
}  // namespace pietune::tuner

BENCHMARK_MAIN();
