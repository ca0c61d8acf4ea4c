// The registry of variant families: one FamilySpec row per family (kernels/registry.cc), the only
// list of families anywhere. Enumeration, verification, the CLI, tests and benchmarks all iterate
// all_families(); adding a family is adding a row.
//
// A family generates, for a layer and a Variant of its parameters, one PIE function
//   pietune_<variant name>(a2 = input, a3 = output, a4 = call block)
// entered like a C call8. The call block is an array of 32-bit words in SRAM:
//   word i, i < constants.size():  address of GeneratedKernel::constants[i] (16-byte aligned)
//   word constants.size():          address of the scratch buffer (16-byte aligned; 0 if
//                                   scratch_bytes == 0)
// so every family is called the same way and the caller places the buffers where it likes
// (constants in flash or SRAM, scratch in SRAM or PSRAM). The input and output are the layer's
// tensors in the layer's activation layout (LayerOptions::layout: NHWC unless the layer says NCHW;
// [batches, depth] for FULLY_CONNECTED), at addresses aligned to input_align_bytes /
// output_align_bytes. A family takes NHWC unless it has an "activations" layout parameter.
// Two activation inputs (ADD, MUL): a5 = the second input, aligned like the first:
//   pietune_<variant name>(a2 = input, a3 = output, a4 = call block, a5 = second input)
// The arguments are the layer's non-constant inputs in order (kernel_argument_inputs); a constant
// operand is one of the kernel's constant buffers instead. Every one-input kernel keeps the
// three-argument form.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kernels/layer.h"
#include "kernels/variant.h"
#include "model/ir/program.h"

namespace pietune::kernels {

// A constant buffer prepared at emit time (re-laid-out weights, folded bias, requantization
// tables), placed by the caller at a 16-byte aligned address.
struct ConstantBuffer {
  std::string name;  // "weights", "channel_params", ...
  std::vector<std::uint8_t> bytes;
};

struct GeneratedKernel {
  model::Program program;  // one function, named `symbol`
  std::string symbol;      // "pietune_" + variant name
  std::vector<ConstantBuffer> constants;
  std::uint32_t scratch_bytes = 0;
  std::uint32_t input_align_bytes = 1;
  std::uint32_t output_align_bytes = 1;
  // Bytes past the end of the input the kernel may read (never use): its loads of whole aligned
  // blocks can extend beyond the last input byte. The caller keeps them mapped.
  std::uint32_t input_overread_bytes = 0;
  // The memory order of the input and output (the variant's "activations" parameter).
  ActivationLayout layout = ActivationLayout::kNhwc;

  // Bytes of the call block: one word per constant buffer plus the scratch word.
  std::uint32_t call_block_bytes() const { return 4 * static_cast<std::uint32_t>(constants.size() + 1); }
};

using CandidatesFn = std::vector<std::vector<ParamValue>> (*)(const Layer& layer);
using LegalFn = std::optional<Rejection> (*)(const Layer& layer, const Variant& variant);
using GenerateFn = GeneratedKernel (*)(const Layer& layer, const Variant& variant);

struct FamilySpec {
  std::string_view name;     // "conv_accx": the Variant::family key
  OpKind op = OpKind::kUnsupported;
  int version = 1;           // bump when the generated code changes (costdb keys include it)
  std::string_view prefix;   // "<op>_qs8_<dataflow>", the start of every variant name
  std::string_view summary;  // one line: the dataflow
  // A baseline: the kernel stock esp-tflite-micro with esp-nn runs, rebuilt loop by loop. It is
  // legal only on layers whose esp-nn path (kernels/baselines/espnn/dispatch.h) is one of
  // `espnn_kernels`, so each layer has at most one baseline family and reports compare against it.
  bool baseline = false;
  // The QACC lanes hold pixels of one output channel (not channels): an epilogue over them needs
  // one requantization per group whatever the layer's per-channel shifts (the roofline's count).
  bool pixel_lanes = false;
  std::span<const std::string_view> espnn_kernels = {};  // esp-nn kernel names (dispatch.cc's rows)
  std::span<const ParamSpec> params;  // in name order; kUnroll, kInputPath, kEpilogue exactly once
  // Candidate values per parameter for one layer (same order as params, each a subset of the
  // domain); every combination is a candidate variant. Null: the whole domain.
  CandidatesFn candidates = nullptr;
  // nullopt when the variant fits the layer, else the first failing rule with its numbers.
  // Requires layer.op == op (a bug otherwise).
  LegalFn legal = nullptr;
  // The kernel for a legal variant (a bug for an illegal one). Requires the layer's weights and
  // bias to carry constant data: InputError otherwise.
  GenerateFn generate = nullptr;
};

// Indices into layer.inputs of the tensors a kernel takes as arguments (a2, then a5): the
// non-constant inputs, in order (the first input when every input is constant).
inline std::vector<std::size_t> kernel_argument_inputs(const Layer& layer) {
  std::vector<std::size_t> indices;
  for (std::size_t i = 0; i < layer.inputs.size(); ++i)
    if (!layer.inputs[i].constant) indices.push_back(i);
  if (indices.empty() && !layer.inputs.empty()) indices.push_back(0);
  return indices;
}

// The activation layout a variant takes: its "activations" parameter ("nhwc" or "nchw"), or NHWC
// for a family without one.
ActivationLayout variant_activation_layout(const Variant& variant);

// Whether the variant fits the layer: the rules every family shares ("activation_layout": the
// variant takes the layer's activation layout; "espnn_path": a baseline runs only on layers whose
// esp-nn path it models), then family.legal. What enumeration,
// verification and cost queries call.
std::optional<Rejection> check_legal(const FamilySpec& family, const Layer& layer, const Variant& variant);

std::span<const FamilySpec> all_families();
// nullptr for an unknown name.
const FamilySpec* find_family(std::string_view name);

}  // namespace pietune::kernels
