// Proof of exactness: runs a generated kernel in the emulator on seeded random inputs and compares
// every output byte with the reference op (kernels/reference, TFLM double rounding).
//
//   Verdict v = verify_variant(layer, variant, {.cases = 10, .seed = 7});
//   if (!v.passed()) ... v.first->expected, v.first->actual at (n, y, x, c)
//
// Placement in the emulator (each case): the call block in SRAM; constants in flash; the input
// (both inputs of ADD/MUL: a2 and a5, registry.h) and output in PSRAM, at 16-byte aligned
// addresses plus, for kernels that accept any alignment, an offset that changes from case to case
// and from input to input (0, 3, 7, 13, ...); the scratch in SRAM when it fits
// (256 KB), else in PSRAM. The 64 bytes after the input stay mapped for kernels that read past it
// (GeneratedKernel::input_overread_bytes, at most 64). 16 guard bytes around the output must stay untouched. The output is
// pre-filled with a pattern that changes per case, so an output never written is caught.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "kernels/layer.h"
#include "kernels/registry.h"
#include "kernels/variant.h"

namespace pietune::kernels {

struct Mismatch {
  int case_index = 0;
  std::int64_t n = 0, y = 0, x = 0, c = 0;  // output coordinates (FULLY_CONNECTED: (batch, 0, 0, unit))
  int expected = 0;
  int actual = 0;
};

struct Verdict {
  std::string variant;              // the variant name
  int cases = 0;
  std::int64_t outputs = 0;         // output values compared (all cases)
  std::int64_t mismatches = 0;
  int max_abs_diff = 0;
  std::optional<Mismatch> first;
  std::int64_t guard_writes = 0;    // bytes written outside the output (all cases)
  std::optional<std::string> fault; // the emulator stopped (EmuFault message); remaining cases not run
  std::uint64_t instructions = 0;   // executed in the last case
  std::optional<double> detailed_cycles;  // VerifyOptions::time_last_case: detailed-mode cycles

  bool passed() const { return mismatches == 0 && guard_writes == 0 && !fault; }
};

struct VerifyOptions {
  int cases = 4;
  std::uint64_t seed = 1;
  // Every buffer (call block, constants, scratch, input, output) in internal SRAM, as fast mode
  // assumes; InputError when they do not fit in 448 KB.
  bool all_in_sram = false;
  // Time the last case in detailed mode (the default machine): Verdict::detailed_cycles.
  bool time_last_case = false;
};

// The layer with random constant data where it has none (int8 weights in [-127, 127] with some
// at the extremes, int32 bias in [-2^16, 2^16], a constant int8 operand over the whole range),
// seeded; data already present is kept.
Layer with_random_constants(const Layer& layer, std::uint64_t seed);

// Throws InputError "<variant>: family <f> is for <op>, the layer is <op>" or "<variant>: not legal
// for this layer: <rule>: <reason>" unless `variant` fits `layer`.
void require_legal(const Layer& layer, const Variant& variant);

// Runs `variant` (which must be legal for `layer`: InputError with the rejection otherwise) on
// options.cases random inputs. The layer must carry constant data (with_random_constants).
Verdict verify_variant(const Layer& layer, const Variant& variant, const VerifyOptions& options);

// Runs an already generated kernel: the part of verify_variant after generation.
Verdict verify_kernel(const Layer& layer, const GeneratedKernel& kernel, const VerifyOptions& options);

}  // namespace pietune::kernels
