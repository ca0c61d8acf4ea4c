// Placement text, parsing and the fast-mode options it implies.
#include "tuner/search/placement.h"

#include <fmt/format.h>

#include "model/support/error.h"

namespace pietune::tuner {

const char* region_name(model::MemRegion region) {
  switch (region) {
    case model::MemRegion::kSram: return "sram";
    case model::MemRegion::kPsram: return "psram";
    case model::MemRegion::kFlash: return "flash";
  }
  return "?";
}

std::string Placement::text() const {
  std::string text = fmt::format("act={},w={}", region_name(activations), region_name(weights));
  if (scratch != model::MemRegion::kSram) text += fmt::format(",scratch={}", region_name(scratch));
  if (!code_in_iram) text += ",code=flash";
  if (cold_code) text += ",icache=cold";
  if (warm_inputs) text += ",inputs=warm";
  return text;
}

void place_code(kernels::GeneratedKernel& kernel, const Placement& placement) {
  for (model::Function& f : kernel.program.functions) f.iram = placement.code_in_iram;
}

Placement as_espnn_runs_it(Placement placement) {
  placement.code_in_iram = false;
  return placement;
}

model::MemRegion parse_region(std::string_view text, std::string_view option, bool allow_flash) {
  if (text == "sram") return model::MemRegion::kSram;
  if (text == "psram") return model::MemRegion::kPsram;
  if (text == "flash" && allow_flash) return model::MemRegion::kFlash;
  throw InputError(fmt::format("{}: {}: expected one of sram, psram{}", option, text, allow_flash ? ", flash" : ""));
}

model::FastOptions fast_options(const kernels::Layer& layer, const kernels::GeneratedKernel& kernel,
                                const Placement& placement) {
  model::FastOptions options;
  const auto bytes = [](std::int64_t n) { return static_cast<std::uint32_t>(n); };
  const bool warm = placement.warm_inputs;
  options.args[0] = model::BufferPlacement{placement.activations,
                                           bytes(layer.inputs.at(kernels::kernel_argument_inputs(layer).at(0)).size_bytes()), warm};
  options.args[1] = model::BufferPlacement{placement.activations, bytes(layer.output().size_bytes())};
  options.args[2] = model::BufferPlacement{model::MemRegion::kSram, kernel.call_block_bytes()};
  // A second activation input (ADD, MUL) arrives in a5, next to the first.
  const std::vector<std::size_t> arguments = kernels::kernel_argument_inputs(layer);
  if (arguments.size() > 1)
    options.args[3] = model::BufferPlacement{placement.activations, bytes(layer.inputs[arguments[1]].size_bytes()), warm};
  for (const kernels::ConstantBuffer& c : kernel.constants)
    options.indirect[2].push_back(
        model::BufferPlacement{placement.weights, bytes(static_cast<std::int64_t>(c.bytes.size())), warm});
  if (kernel.scratch_bytes > 0)
    options.indirect[2].push_back(model::BufferPlacement{placement.scratch, kernel.scratch_bytes});
  else
    options.indirect[2].push_back(std::nullopt);
  options.cold_code = placement.cold_code;
  return options;
}

}  // namespace pietune::tuner
