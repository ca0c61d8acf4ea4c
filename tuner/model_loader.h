// One entry point for "a model" on the command line: a .tflite file or a JSON layer file.
#pragma once

#include <string>
#include <string_view>

#include "kernels/layer.h"

namespace pietune::tuner {

// Reads `path` and dispatches on content, not on the extension: bytes 4..7 "TFL3" -> .tflite
// reader (tflite_reader.h); first non-blank byte '{' or '[' (after an optional UTF-8 byte order
// mark) -> JSON layer file (layer_json.h).
// A file over kMaxModelBytes (2 GiB) is refused by its size before it is read; devices such as
// /dev/zero are refused, pipes are read up to that limit.
// Throws pietune::InputError naming the path: "<path>: cannot open: No such file or directory",
// "<path>: 3221225472 bytes, more than 2147483646 (models of 2 GiB and more are not supported)",
// "<path>: not a regular file or pipe", "<path>: empty file", "<path>: neither a .tflite model (no \"TFL3\" at bytes 4..7) nor a JSON
// layer file", or the reader's own message.
kernels::Model load_model(const std::string& path);

// The layer whose `index` is `index`: what --layer and --index name. A layer file's indexes may
// have gaps (a slice of `inspect --json`), so this is not a position. InputError
// "<path>: <option> 5: no such layer (indexes 3, 8 and 12)".
const kernels::Layer& layer_with_index(const kernels::Model& model, int index, const std::string& path,
                                       std::string_view option);

}  // namespace pietune::tuner
