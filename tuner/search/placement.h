// Where a layer's buffers live on the device, and the fast-mode options that say so.
//
// Defaults are those of a TensorFlow Lite Micro application on ESP-IDF: the tensor arena
// (activations) in internal SRAM, the weights in flash (memory-mapped through the data cache),
// scratch buffers in SRAM. The canonical text "act=sram,w=flash" is part of every costdb key.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "kernels/layer.h"
#include "kernels/registry.h"
#include "model/timing/exec_event.h"
#include "model/timing/fast_model.h"

namespace pietune::tuner {

struct Placement {
  model::MemRegion activations = model::MemRegion::kSram;
  model::MemRegion weights = model::MemRegion::kFlash;

  // "act=sram,w=flash".
  std::string text() const;
};

// "sram", "psram", "flash".
const char* region_name(model::MemRegion region);
// Parses a region name for option `option`; InputError "<option>: <text>: expected one of ...".
model::MemRegion parse_region(std::string_view text, std::string_view option, bool allow_flash);

// Fast-mode options for `kernel` generated for `layer`: a2 = input and a3 = output in the
// activations region, a4 = the call block (SRAM), and through it the constants in the weights
// region and the scratch in SRAM; a5 = the second input (ADD, MUL) in the activations region.
model::FastOptions fast_options(const kernels::Layer& layer, const kernels::GeneratedKernel& kernel,
                                const Placement& placement);

}  // namespace pietune::tuner
