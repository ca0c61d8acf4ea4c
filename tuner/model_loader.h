// One entry point for "a model" on the command line: a .tflite file or a JSON layer file.
#pragma once

#include <string>

#include "kernels/layer.h"

namespace pietune::tuner {

// Reads `path` and dispatches on content, not on the extension: bytes 4..7 "TFL3" -> .tflite
// reader (tflite_reader.h); first non-blank byte '{' or '[' -> JSON layer file (layer_json.h).
// Throws pietune::InputError naming the path: "<path>: cannot open: No such file or directory",
// "<path>: empty file", "<path>: neither a .tflite model (no \"TFL3\" at bytes 4..7) nor a JSON
// layer file", or the reader's own message.
kernels::Model load_model(const std::string& path);

}  // namespace pietune::tuner
