// The synthetic board (see the header).
#include "tests/cli/device_loop_helpers.h"

#include <cmath>
#include <random>

#include <fmt/format.h>

#include "costdb/costdb.h"
#include "kernels/layer_json.h"
#include "model/timing/fast_model.h"
#include "tuner/calibration/device_calibration.h"
#include "tuner/search/estimate.h"

namespace pietune::testing {

std::string synthesize_bench_log(const std::string& db_path, const std::string& bench_id, const SyntheticBoard& board) {
  const costdb::Database db = costdb::Database::open(db_path, costdb::Access::kReadOnly);
  const costdb::BenchRecord bench = db.bench(bench_id).value();
  const model::Machine machine =
      model::with_param_values(model::parse_machine(bench.machine_json, "bench machine"), board.parameters);
  const model::FastModel fast(machine);
  const tuner::Placement placement = tuner::bench_placement(bench);
  const std::vector<costdb::BenchInstanceRecord> instances = db.bench_instances(bench_id);
  std::mt19937 rng(board.seed);
  std::normal_distribution<double> noise(0, board.noise);

  std::string log =
      "ESP-ROM:esp32s3-20210327\r\nBuild:Mar 27 2021\r\nrst:0x1 (POWERON),boot:0x8 (SPI_FAST_FLASH_BOOT)\r\n"
      "\x1b[0;32mI (27) boot: ESP-IDF v5.2.1 2nd stage bootloader\x1b[0m\r\n"
      "\x1b[0;32mI (312) cpu_start: Starting scheduler on PRO CPU.\x1b[0m\r\n";
  log += fmt::format("pietune-bench begin {{\"bench\":\"{}\",\"model\":\"{}\",\"machine\":\"{}\",\"cpu_mhz\":{},"
                     "\"instances\":{},\"warmup\":8,\"runs\":101}}\r\n",
                     bench.id, bench.model, bench.machine_name, std::lround(machine.clock_hz / 1e6), instances.size());
  const double overhead = 7;
  for (std::size_t k = 0; k < instances.size(); ++k) {
    const costdb::BenchInstanceRecord& i = instances[k];
    const kernels::Layer layer = kernels::layer_from_json(nlohmann::ordered_json::parse(i.layer_json), i.layer_index);
    const tuner::EstimateInput input =
        tuner::estimate_input(layer, *kernels::parse_variant_name(i.variant), placement);
    const double cycles = std::round(tuner::estimate_prepared(fast, input).cost.cycles * (1 + noise(rng)));
    std::string hash = i.expected_hash;
    if (board.wrong_hash_instances.contains(i.instance)) hash = fmt::format("{:016x}", std::stoull(hash, nullptr, 16) ^ 1);
    const std::string line = fmt::format(
        "pietune-bench measure {{\"bench\":\"{}\",\"instance\":{},\"layer\":{},\"variant\":\"{}\",\"runs\":101,"
        "\"median\":{:.0f},\"q1\":{:.0f},\"q3\":{:.0f},\"min\":{:.0f},\"overhead\":{:.0f},\"hash\":\"{}\"}}",
        bench.id, i.instance, i.layer_index, i.variant, cycles + overhead, std::floor(cycles * 0.998) + overhead,
        std::ceil(cycles * 1.004) + overhead, std::floor(cycles * 0.99) + overhead, overhead, hash);
    if (board.cut_last_measurement && k + 1 == instances.size()) return log + line.substr(0, line.size() / 2);
    log += line + "\r\n";
    if (board.repeat_measurements) log += line + "\r\n";
    if (k == 0) log += "\x1b[0;33mW (1400) task_wdt: Task watchdog got triggered.\x1b[0m\r\n";
  }
  return log + fmt::format("pietune-bench end {{\"bench\":\"{}\",\"measured\":{}}}\r\n", bench.id, instances.size());
}

}  // namespace pietune::testing
