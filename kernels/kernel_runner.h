// Runs a generated kernel in the emulator on given input bytes and returns its output bytes: how
// `pietune verify MODEL` chains the chosen kernels through a whole model.
//
// Inputs and output are NHWC bytes here; they are reordered to and from the kernel's layout.
// Placement as on a device with the defaults: constants in flash, the call block and a scratch of
// up to 256 KB in SRAM (larger in PSRAM), the inputs and output in PSRAM, 16-byte aligned, with the
// bytes after each input the kernel may over-read kept mapped.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "kernels/layer.h"
#include "kernels/registry.h"

namespace pietune::kernels {

struct KernelRun {
  std::vector<std::uint8_t> output;  // the layer's output tensor bytes
  std::optional<std::string> fault;  // the emulator stopped: the output is not valid
  std::uint64_t instructions = 0;
};

// `inputs` holds the bytes of every layer input in order, constant ones too (PIETUNE_CHECK on the
// count and sizes); the kernel receives the non-constant ones (kernel_argument_inputs) as a2 and
// a5, each placed like the input above.
KernelRun run_kernel(const Layer& layer, const GeneratedKernel& kernel,
                     std::span<const std::vector<std::uint8_t>> inputs);

}  // namespace pietune::kernels
