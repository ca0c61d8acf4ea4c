// Timing-model speed: fast mode in estimates per second on the real generated kernels of the bundled
// models' conv and depthwise layers (every legal variant of every layer, with its weights in flash
// and activations in PSRAM, as search estimates them), and detailed mode in simulated instructions
// per second (emulator trace through the pipeline).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "emu_bridge/emulator.h"
#include "emu_bridge/timed_run.h"
#include "kernels/enumerate.h"
#include "kernels/registry.h"
#include "kernels/verify.h"
#include "model/ir/builder.h"
#include "model/timing/fast_model.h"
#include "tuner/model_loader.h"

namespace pietune {
namespace {

using model::a;
using model::BufferPlacement;
using model::imm;
using model::MemRegion;
using model::Opcode;
using model::q;

struct Estimable {
  kernels::GeneratedKernel kernel;
  model::FastOptions placement;
};

// Weights and tables in flash through the call block, input and output in PSRAM, the scratch in
// SRAM up to 256 KB (the placement verify_kernel times, kernels/verify.h).
model::FastOptions deployed_placement(const kernels::Layer& layer, const kernels::GeneratedKernel& k) {
  model::FastOptions o;
  const auto in_bytes = static_cast<std::uint32_t>(layer.input().size_bytes());
  o.args[0] = BufferPlacement{MemRegion::kPsram, in_bytes + k.input_overread_bytes};
  o.args[1] = BufferPlacement{MemRegion::kPsram, static_cast<std::uint32_t>(layer.output().size_bytes())};
  o.args[2] = BufferPlacement{MemRegion::kSram, k.call_block_bytes()};
  for (const kernels::ConstantBuffer& c : k.constants)
    o.indirect[2].push_back(BufferPlacement{MemRegion::kFlash, static_cast<std::uint32_t>(c.bytes.size())});
  if (k.scratch_bytes == 0)
    o.indirect[2].push_back(std::nullopt);
  else
    o.indirect[2].push_back(
        BufferPlacement{k.scratch_bytes <= (256u << 10) ? MemRegion::kSram : MemRegion::kPsram, k.scratch_bytes});
  return o;
}

struct Workload {
  std::vector<Estimable> kernels;
  int layers = 0;
};

// Every legal variant of every CONV_2D and DEPTHWISE_CONV_2D layer of every bundled model.
const Workload& bundled_workload() {
  static const Workload w = [] {
    Workload out;
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(PIETUNE_SOURCE_DIR "/examples/models"))
      if (e.path().extension() == ".tflite") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
      const kernels::Model m = tuner::load_model(file.string());
      for (const kernels::Layer& plain : m.layers) {
        if (plain.op != kernels::OpKind::kConv2d && plain.op != kernels::OpKind::kDepthwiseConv2d) continue;
        const kernels::Layer layer = kernels::with_random_constants(plain, 1);
        const std::vector<kernels::Variant> legal = kernels::enumerate_variants(layer).legal;
        out.layers += !legal.empty();
        for (const kernels::Variant& v : legal) {
          kernels::GeneratedKernel k = kernels::find_family(v.family)->generate(layer, v);
          model::FastOptions placement = deployed_placement(layer, k);
          out.kernels.push_back({std::move(k), std::move(placement)});
        }
      }
    }
    return out;
  }();
  return w;
}

void BM_FastModeLayerEstimates(benchmark::State& state) {
  const Workload& w = bundled_workload();
  const model::FastModel fast(model::default_machine());
  std::size_t next = 0;
  for (auto _ : state) {
    const Estimable& e = w.kernels[next];
    benchmark::DoNotOptimize(fast.estimate(e.kernel.program.functions.front(), e.placement).cycles);
    next = (next + 1) % w.kernels.size();
  }
  state.counters["estimates_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["layers"] = static_cast<double>(w.layers);
  state.counters["kernels"] = static_cast<double>(w.kernels.size());
}
BENCHMARK(BM_FastModeLayerEstimates);

model::Function dot(std::int64_t blocks) {
  model::FunctionBuilder b("dot");
  b.emit(Opcode::kEntry, {a(1), imm(32)});
  b.emit(Opcode::kEeZeroAccx, {});
  b.emit(Opcode::kEeVld128Ip, {q(0), a(2), imm(16)});
  b.zero_overhead_loop(Opcode::kLoopgtz, a(4), blocks, [&] {
    b.emit(Opcode::kEeVld128Ip, {q(1), a(3), imm(16)});
    b.emit(Opcode::kEeVmulasS8AccxLdIp, {q(0), a(2), imm(16), q(0), q(1)});
  });
  b.emit(Opcode::kRurAccx0, {a(2)});
  b.emit(Opcode::kRetwN, {});
  return std::move(b).finish();
}

void BM_DetailedModeDotProduct(benchmark::State& state) {
  model::Program program;
  program.functions.push_back(dot(state.range(0)));
  emu::Emulator emulator(program);
  const std::uint32_t x = emu::kSramBase + 0x1000, w = emu::kSramBase + 0x40000;
  std::uint64_t instructions = 0;
  for (auto _ : state) {
    const std::uint32_t args[] = {x, w, static_cast<std::uint32_t>(state.range(0))};
    const emu::TimedRun run = emu::run_timed(emulator, model::default_machine(), "dot", args);
    instructions += run.run.instructions;
    benchmark::DoNotOptimize(run.cost.cycles);
  }
  state.counters["simulated_instructions_per_second"] =
      benchmark::Counter(static_cast<double>(instructions), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_DetailedModeDotProduct)->Arg(4096);

}  // namespace
}  // namespace pietune

BENCHMARK_MAIN();
