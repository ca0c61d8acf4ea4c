// The --machine option shared by the timing subcommands.
#pragma once

#include <string>

#include "model/timing/machine.h"

namespace pietune::tuner::cli {

// The machine file named by --machine, or the bundled ESP32-S3 description when empty.
inline model::Machine load_machine_option(const std::string& path) {
  return path.empty() ? model::default_machine() : model::load_machine(path);
}

}  // namespace pietune::tuner::cli
