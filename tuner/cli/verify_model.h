// The MODEL form of `pietune verify`: tune (reusing the cost database), then run the whole model
// through the chosen kernels in the emulator and through the reference ops (tuner/verify).
#pragma once

#include <cstdint>
#include <string>

#include "tuner/cli/tune_options.h"

namespace pietune::tuner::cli {

struct VerifyModelOptions {
  std::string model;
  TuneCliOptions tune;
  int cases = 3;
  std::uint64_t seed = 1;
  bool json = false;
};

// Prints the per-layer table (or JSON); kExitCheckFailed on any mismatch.
int run_verify_model(const VerifyModelOptions& options);

}  // namespace pietune::tuner::cli
