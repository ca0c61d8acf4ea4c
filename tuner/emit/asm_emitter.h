// <model>_pietune.S: the chosen kernels, ready to add to an ESP-IDF component. One function per
// distinct kernel instance; per layer its constant buffers (16-byte aligned, in flash as .rodata
// by default, or .data when the weights are placed in SRAM) and its call block (.data, SRAM);
// one scratch buffer in .bss shared by all layers (they run one at a time).
#pragma once

#include <string>

#include "tuner/emit/emit_context.h"

namespace pietune::tuner {

std::string emit_assembly(const EmitContext& context);

}  // namespace pietune::tuner
