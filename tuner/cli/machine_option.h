// The --machine option shared by the timing subcommands.
#pragma once

#include <string>

#include "model/timing/machine.h"

namespace pietune::tuner::cli {

// --machine: a preset name (model::machine_preset_names) or a machine file; the bundled ESP32-S3
// description when empty.
inline model::Machine load_machine_option(const std::string& name_or_path) {
  return name_or_path.empty() ? model::default_machine() : model::load_machine_or_preset(name_or_path);
}

}  // namespace pietune::tuner::cli
