// Timing-model speed: detailed mode in simulated instructions per second (emulator trace through the
// pipeline), and fast mode in estimates per second on loop nests shaped like the conv and
// depthwise layers of the bundled models.
//
// Until the kernel generators exist (issue 5), the layer nests here are the loop structure a
// direct conv (output pixel x output channel x taps of 16-channel dot products, scalar requant) and
// a 16-lane QACC depthwise would have; fast mode's cost depends on that structure, not on values.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <string>
#include <vector>

#include "emu_bridge/emulator.h"
#include "emu_bridge/timed_run.h"
#include "model/ir/builder.h"
#include "model/timing/fast_model.h"
#include "tuner/model_loader.h"

namespace pietune {
namespace {

using model::a;
using model::FunctionBuilder;
using model::imm;
using model::Opcode;
using model::q;

std::int32_t movi_value(std::int64_t trips) { return static_cast<std::int32_t>(std::clamp<std::int64_t>(trips, 0, 2047)); }

model::Function dot(std::int64_t blocks) {
  FunctionBuilder b("dot");
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

// Output pixels x output channels x (taps x 16-channel chunks) dot products, scalar requant.
model::Function conv_nest(const kernels::Layer& layer) {
  const auto& out = layer.output().shape;
  const std::int64_t pixels = static_cast<std::int64_t>(out[1]) * out[2];
  const std::int64_t channels = out[3];
  const std::int64_t chunks = static_cast<std::int64_t>(layer.options.filter_h) * layer.options.filter_w *
                              ((layer.input().shape[3] + 15) / 16);
  FunctionBuilder b("conv");
  b.emit(Opcode::kEntry, {a(1), imm(32)});
  b.emit(Opcode::kMovi, {a(8), imm(movi_value(pixels))});
  b.counted_loop(a(8), pixels, [&] {
    b.emit(Opcode::kMov, {a(10), a(3)});
    b.emit(Opcode::kMovi, {a(9), imm(movi_value(channels))});
    b.counted_loop(a(9), channels, [&] {
      b.emit(Opcode::kMov, {a(11), a(2)});
      b.emit(Opcode::kEeZeroAccx, {});
      b.emit(Opcode::kMovi, {a(12), imm(movi_value(chunks))});
      b.emit(Opcode::kEeVld128Ip, {q(0), a(11), imm(16)});
      b.zero_overhead_loop(Opcode::kLoopgtz, a(12), chunks, [&] {
        b.emit(Opcode::kEeVld128Ip, {q(1), a(10), imm(16)});
        b.emit(Opcode::kEeVmulasS8AccxLdIp, {q(0), a(11), imm(16), q(0), q(1)});
      });
      b.emit(Opcode::kMovi, {a(13), imm(0)});
      b.emit(Opcode::kEeSrsAccx, {a(14), a(13), imm(0)});
      b.emit(Opcode::kL32i, {a(15), a(5), imm(0)});
      b.emit(Opcode::kMulsh, {a(14), a(14), a(15)});
      b.emit(Opcode::kAdd, {a(14), a(14), a(6)});
      b.emit(Opcode::kClamps, {a(14), a(14), imm(7)});
      b.emit(Opcode::kS8i, {a(14), a(4), imm(0)});
      b.emit(Opcode::kAddiN, {a(4), a(4), imm(1)});
    });
    b.emit(Opcode::kAddi, {a(2), a(2), imm(16)});
  });
  b.emit(Opcode::kRetwN, {});
  return std::move(b).finish();
}

// Output pixels x 16-channel groups x taps of QACC MACs, SRCMB and a vector store.
model::Function depthwise_nest(const kernels::Layer& layer) {
  const auto& out = layer.output().shape;
  const std::int64_t pixels = static_cast<std::int64_t>(out[1]) * out[2];
  const std::int64_t groups = (out[3] + 15) / 16;
  const std::int64_t taps = static_cast<std::int64_t>(layer.options.filter_h) * layer.options.filter_w;
  FunctionBuilder b("dw");
  b.emit(Opcode::kEntry, {a(1), imm(32)});
  b.emit(Opcode::kMovi, {a(8), imm(movi_value(pixels))});
  b.counted_loop(a(8), pixels, [&] {
    b.emit(Opcode::kMovi, {a(9), imm(movi_value(groups))});
    b.counted_loop(a(9), groups, [&] {
      b.emit(Opcode::kMov, {a(10), a(2)});
      b.emit(Opcode::kEeZeroQacc, {});
      b.emit(Opcode::kMovi, {a(12), imm(movi_value(taps))});
      b.emit(Opcode::kEeVld128Ip, {q(0), a(10), imm(16)});
      b.zero_overhead_loop(Opcode::kLoopgtz, a(12), taps, [&] {
        b.emit(Opcode::kEeVld128Ip, {q(1), a(3), imm(16)});
        b.emit(Opcode::kEeVmulasS8QaccLdXp, {q(0), a(10), a(5), q(0), q(1)});
      });
      b.emit(Opcode::kEeSrcmbS8Qacc, {q(2), a(7), imm(0)});
      b.emit(Opcode::kEeVst128Ip, {q(2), a(4), imm(16)});
    });
    b.emit(Opcode::kAddi, {a(2), a(2), imm(16)});
  });
  b.emit(Opcode::kRetwN, {});
  return std::move(b).finish();
}

std::vector<model::Function> layer_nests() {
  std::vector<model::Function> nests;
  for (const char* name : {"person_detect", "vww_96_int8", "kws_ref_model", "pretrainedResnet_quant",
                           "str_ww_ref_model", "micro_speech_quantized"}) {
    const kernels::Model m = tuner::load_model(std::string(PIETUNE_SOURCE_DIR "/examples/models/") + name + ".tflite");
    for (const kernels::Layer& layer : m.layers) {
      if (layer.op == kernels::OpKind::kConv2d) nests.push_back(conv_nest(layer));
      if (layer.op == kernels::OpKind::kDepthwiseConv2d) nests.push_back(depthwise_nest(layer));
    }
  }
  return nests;
}

void BM_FastModeLayerEstimates(benchmark::State& state) {
  const std::vector<model::Function> nests = layer_nests();
  const model::FastModel fast(model::default_machine());
  std::size_t next = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(fast.estimate(nests[next]).cycles);
    next = (next + 1) % nests.size();
  }
  state.counters["estimates_per_second"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["layers"] = static_cast<double>(nests.size());
}
BENCHMARK(BM_FastModeLayerEstimates);

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
