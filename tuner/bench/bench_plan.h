// What a device-bench project measures: kernel instances (a layer and one of its variants), the
// components that hold them, and per instance what the host expects: the predicted cycles under the
// bench's protocol and the emulator's output hash on the bench input.
//
// Rank 0 is the variant `tune` chose; rank k its k-th runner-up in the ranking that passes
// verification. Each rank is one component built exactly as `tune` builds its output (the same
// kernels, constants and call blocks), under its own symbol prefix: pietune_<model> for rank 0,
// pietune_<model>_r<k> after it.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "kernels/layer.h"
#include "model/timing/machine.h"
#include "tuner/emit/kernel_instances.h"
#include "tuner/search/placement.h"
#include "tuner/tune/tune_model.h"

namespace pietune::tuner {

// --variants chosen|all|top-K.
struct BenchVariants {
  bool all = false;
  int top = 1;  // chosen = top-1
};
// InputError "--variants: <text>: expected chosen, all or top-K (K >= 1)".
BenchVariants parse_bench_variants(std::string_view text);

// The timing protocol the firmware follows (facts §5.8; esp-nn#38's protocol): warm-up calls, then
// `runs` timed calls with interrupts masked, their median and quartiles; the timer's own overhead
// measured the same way and subtracted.
struct BenchProtocol {
  int warmup = 8;
  int runs = 101;
  std::uint32_t seed = 1;
};

struct BenchComponent {
  int rank = 0;
  std::string model_name;  // names the files and symbols: "kws.tflite", rank k "kws_r<k>.tflite"
  std::string folder;      // "pietune_kws", "pietune_kws_r1" (under the project's components/)
  TuneResult result;       // the tuning result with each layer's rank-th variant as its choice
  ModelKernels kernels;
};

struct BenchInstance {
  int instance = 0;
  int layer_index = 0;
  std::size_t position = 0;  // in Model::layers
  int rank = 0;
  std::string op, family, variant;
  std::size_t component = 0;  // index into BenchPlan::components
  std::string function, call_block;
  bool two_inputs = false;    // ADD, MUL: kernel2 with a second input
  std::uint32_t input_bytes = 0, input2_bytes = 0, output_bytes = 0, overread_bytes = 0;
  std::uint32_t input_seed = 0, input2_seed = 0;
  double predicted_cycles = 0;  // fast mode, the bench placement (warm data, warm code)
  std::string expected_hash;    // the emulator's output on the bench input (bench_input.h)
};

struct BenchPlan {
  std::string id;          // 16 hex digits of the bench's content
  Placement placement;     // the predictions' placement: the tuning run's, with warm inputs and code
  BenchProtocol protocol;
  std::vector<BenchComponent> components;
  std::vector<BenchInstance> instances;
  std::vector<std::string> skipped;  // runner-ups left out (failed verification), one line each
};

// Plans the bench of a tuned model. `model_name` as given to tune (its file name). `progress` is
// told after each layer's runner-ups are verified (phase "bench").
BenchPlan plan_bench(const kernels::Model& model, const std::string& model_name, const TuneResult& tuned,
                     const TuneOptions& options, const model::Machine& machine, BenchVariants variants,
                     const BenchProtocol& protocol, const std::function<void(const Progress&)>& progress = {});

}  // namespace pietune::tuner
