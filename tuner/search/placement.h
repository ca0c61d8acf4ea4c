// Where a layer's buffers live on the device, and the fast-mode options that say so.
//
// Defaults are those of a TensorFlow Lite Micro application on ESP-IDF: the tensor arena
// (activations) in internal SRAM, the weights in flash (memory-mapped through the data cache),
// scratch buffers in SRAM, the kernels' code in IRAM. The canonical text "act=sram,w=flash" is part of every costdb key.
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
  model::MemRegion scratch = model::MemRegion::kSram;  // the kernel's scratch buffer
  // The kernel's code in IRAM (`.iram1*`, ESP-IDF's IRAM_ATTR convention: where pietune emits its
  // kernels by default) or in flash (`.text`, behind the instruction cache: where esp-nn's are).
  bool code_in_iram = true;
  // Scenario at entry. cold_code: code in flash is not in the instruction cache. warm_inputs: the
  // data cache holds the inputs and constants (a previous call read them; the output and the
  // scratch are fresh), as in published single-call kernel benchmarks.
  bool cold_code = false;
  bool warm_inputs = false;

  // "act=sram,w=flash", then what differs from the defaults: ",scratch=psram", ",code=flash",
  // ",icache=cold", ",inputs=warm".
  std::string text() const;
};

// "sram", "psram", "flash".
const char* region_name(model::MemRegion region);
// Parses a region name for option `option`; InputError "<option>: <text>: expected one of ...".
model::MemRegion parse_region(std::string_view text, std::string_view option, bool allow_flash);

// Fast-mode options for `kernel` generated for `layer`: a2 = input and a3 = output in the
// activations region, a4 = the call block (SRAM), and through it the constants in the weights
// region and the scratch in the scratch region; a5 = the second input (ADD, MUL) in the
// activations region; the scenario's warm buffers and cold code.
// (Where the code lives is the function's own Function::iram: see place_code.)
model::FastOptions fast_options(const kernels::Layer& layer, const kernels::GeneratedKernel& kernel,
                                const Placement& placement);

// Puts a generated kernel's code where the placement says.
void place_code(kernels::GeneratedKernel& kernel, const Placement& placement);

// The same placement for esp-nn's own kernel (a baseline in its role as what esp-nn runs): its code
// is compiled into .text, so it runs from flash. Chosen by pietune, the same program is emitted
// where pietune's kernels go.
Placement as_espnn_runs_it(Placement placement);

}  // namespace pietune::tuner
