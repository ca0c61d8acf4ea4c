// The output folder as an ESP-IDF component: its CMakeLists.txt (idf_component_register with the
// kernels' .S and the folder as include directory) and idf_component.yml (what the component
// manager reads: version, description, targets). Add the folder to a project's `components/` (or
// name it in EXTRA_COMPONENT_DIRS) and `REQUIRES <folder name>` from the code that calls it.
#pragma once

#include <string>

#include "tuner/emit/emit_context.h"

namespace pietune::tuner {

std::string emit_component_cmake(const EmitContext& context);
std::string emit_component_manifest(const EmitContext& context);

}  // namespace pietune::tuner
