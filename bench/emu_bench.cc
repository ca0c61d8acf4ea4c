// Emulator speed in emulated instructions per second on one core: an ACCX dot-product loop (VMULAS
// with a fused load, esp-nn/esp-dsp style) and a depthwise-style QACC loop (3x3 taps, 16 channels).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "emu_bridge/emulator.h"
#include "model/ir/builder.h"

namespace pietune::emu {
namespace {

using model::a;
using model::FunctionBuilder;
using model::imm;
using model::Opcode;
using model::q;

constexpr std::uint32_t kX = kSramBase + 0x1000;
constexpr std::uint32_t kW = kSramBase + 0x30000;
constexpr std::uint32_t kOut = kSramBase + 0x60000;

// dot(a2 = x, a3 = w, a4 = blocks of 16): int8 dot product in ACCX, result in a2.
//   ee.zero.accx; ee.vld.128.ip q0, a2, 16
//   loopgtz a4: ee.vld.128.ip q1, a3, 16; ee.vmulas.s8.accx.ld.ip q0, a2, 16, q0, q1
//   rur.accx_0 a2
model::Function dot_product() {
  FunctionBuilder b("dot");
  b.emit(Opcode::kEntry, {a(1), imm(32)});
  b.emit(Opcode::kEeZeroAccx, {});
  b.emit(Opcode::kEeVld128Ip, {q(0), a(2), imm(16)});
  b.zero_overhead_loop(Opcode::kLoopgtz, a(4), -1, [&] {
    b.emit(Opcode::kEeVld128Ip, {q(1), a(3), imm(16)});
    b.emit(Opcode::kEeVmulasS8AccxLdIp, {q(0), a(2), imm(16), q(0), q(1)});
  });
  b.emit(Opcode::kRurAccx0, {a(2)});
  b.emit(Opcode::kRetwN, {});
  return std::move(b).finish();
}

// dwconv(a2 = input, a3 = filter, a4 = output, a5 = row stride - 32, a6 = pixels, a7 = shift):
// per output pixel a 3x3 x 16-channel QACC accumulation with fused loads, SRCMB and a store.
model::Function depthwise() {
  FunctionBuilder b("dwconv");
  b.emit(Opcode::kEntry, {a(1), imm(32)});
  b.zero_overhead_loop(Opcode::kLoopgtz, a(6), -1, [&] {
    b.emit(Opcode::kMov, {a(8), a(2)});
    b.emit(Opcode::kMov, {a(9), a(3)});
    b.emit(Opcode::kEeZeroQacc, {});
    b.emit(Opcode::kEeVld128Ip, {q(0), a(8), imm(16)});
    for (int row = 0; row < 3; ++row) {
      b.emit(Opcode::kEeVld128Ip, {q(1), a(9), imm(16)});
      b.emit(Opcode::kEeVmulasS8QaccLdIp, {q(0), a(8), imm(16), q(0), q(1)});
      b.emit(Opcode::kEeVld128Ip, {q(1), a(9), imm(16)});
      b.emit(Opcode::kEeVmulasS8QaccLdXp, {q(0), a(8), a(5), q(0), q(1)});
      b.emit(Opcode::kEeVld128Ip, {q(1), a(9), imm(16)});
      b.emit(Opcode::kEeVmulasS8QaccLdIp, {q(0), a(8), imm(16), q(0), q(1)});
    }
    b.emit(Opcode::kEeSrcmbS8Qacc, {q(2), a(7), imm(0)});
    b.emit(Opcode::kEeVst128Ip, {q(2), a(4), imm(16)});
    b.emit(Opcode::kAddi, {a(2), a(2), imm(16)});
  });
  b.emit(Opcode::kRetwN, {});
  return std::move(b).finish();
}

model::Program kernels() {
  model::Program p;
  p.functions.push_back(dot_product());
  p.functions.push_back(depthwise());
  return p;
}

void fill(Emulator& emu) {
  std::vector<std::uint8_t> data(0x20000);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i * 37 + 11);
  emu.memory().load(kX, data);
  emu.memory().load(kW, data);
}

void report(benchmark::State& state, std::uint64_t instructions) {
  state.counters["instructions_per_second"] =
      benchmark::Counter(static_cast<double>(instructions), benchmark::Counter::kIsRate);
  state.counters["instructions_per_call"] =
      benchmark::Counter(static_cast<double>(instructions) / static_cast<double>(state.iterations()));
}

// Argument: dot-product length in 16-byte blocks.
void BM_EmuDotProductAccx(benchmark::State& state) {
  Emulator emu(kernels());
  fill(emu);
  const auto blocks = static_cast<std::uint32_t>(state.range(0));
  std::uint64_t instructions = 0;
  for (auto _ : state) {
    const RunResult r = emu.call("dot", {kX, kW, blocks});
    instructions += r.instructions;
    benchmark::DoNotOptimize(r.return_value);
  }
  report(state, instructions);
}
BENCHMARK(BM_EmuDotProductAccx)->Arg(64)->Arg(4096);

// Argument: output pixels (16 channels each) of a 3x3 depthwise row sweep.
void BM_EmuDepthwiseQacc(benchmark::State& state) {
  Emulator emu(kernels());
  fill(emu);
  const auto pixels = static_cast<std::uint32_t>(state.range(0));
  const std::uint32_t row_stride = (pixels + 2) * 16;
  std::uint64_t instructions = 0;
  for (auto _ : state) {
    const RunResult r = emu.call("dwconv", {kX, kW, kOut, row_stride - 32, pixels, 7});
    instructions += r.instructions;
    benchmark::DoNotOptimize(r.return_value);
  }
  report(state, instructions);
}
BENCHMARK(BM_EmuDepthwiseQacc)->Arg(64)->Arg(1024);

// The same dot product with a trace hook that only counts: what tracing costs over the null hook.
void BM_EmuDotProductAccxTraced(benchmark::State& state) {
  Emulator emu(kernels());
  fill(emu);
  std::uint64_t accesses = 0;
  RunOptions options;
  options.trace = [&](const TraceEvent& e) { accesses += e.accesses.size(); };
  std::uint64_t instructions = 0;
  for (auto _ : state) {
    const RunResult r = emu.call("dot", {kX, kW, 4096}, options);
    instructions += r.instructions;
  }
  benchmark::DoNotOptimize(accesses);
  report(state, instructions);
}
BENCHMARK(BM_EmuDotProductAccxTraced);

}  // namespace
}  // namespace pietune::emu

BENCHMARK_MAIN();
