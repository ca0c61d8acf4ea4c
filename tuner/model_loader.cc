// Loads a model file by content: .tflite flatbuffer or JSON layer list.
#include "tuner/model_loader.h"

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "kernels/layer_json.h"
#include "model/support/bounded_read.h"
#include "model/support/fnv1a.h"
#include "model/support/error.h"
#include "tuner/tflite/tflite_reader.h"

namespace pietune::tuner {
namespace {

// The whole file, refused by its size (stat) before reading when it is over the model limit.
std::string read_model_file(const std::string& path) {
  BoundedRead read = read_bounded(path, kMaxModelBytes);
  switch (read.outcome) {
    case BoundedRead::Outcome::kRead: return std::move(read.bytes);
    case BoundedRead::Outcome::kCannotOpen: throw InputError(path + ": cannot open: " + read.reason);
    case BoundedRead::Outcome::kTooLarge:
      throw InputError(path + ": " + read.reason + " (models of 2 GiB and more are not supported)");
    case BoundedRead::Outcome::kReadFailed: throw InputError(path + ": cannot read: " + read.reason);
    case BoundedRead::Outcome::kIsDirectory:
    case BoundedRead::Outcome::kNotAFile: break;
  }
  throw InputError(path + ": " + read.reason);
}

bool looks_like_json(std::string_view bytes) {
  // Editors on Windows may start a UTF-8 file with a byte order mark; the JSON parser skips it too.
  constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
  if (bytes.starts_with(kUtf8Bom)) bytes.remove_prefix(kUtf8Bom.size());
  for (char b : bytes) {
    if (b == ' ' || b == '\t' || b == '\n' || b == '\r') continue;
    return b == '{' || b == '[';
  }
  return false;
}

}  // namespace

kernels::Model load_model(const std::string& path) {
  const std::string text = read_model_file(path);
  if (text.empty()) throw InputError(path + ": empty file");
  const std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
  kernels::Model model;
  if (has_tflite_identifier(bytes)) {
    model = read_tflite(bytes, path);
  } else if (looks_like_json(text)) {
    model = kernels::parse_layer_file(text, path);
  } else {
    throw InputError(path + ": neither a .tflite model (no \"TFL3\" at bytes 4..7) nor a JSON layer file");
  }
  model.file_bytes = text.size();
  model.file_fnv1a = fnv1a_64(text);
  return model;
}

const kernels::Layer& layer_with_index(const kernels::Model& model, int index, const std::string& path,
                                       std::string_view option) {
  for (const kernels::Layer& layer : model.layers)
    if (layer.index == index) return layer;
  std::string known;
  if (model.layers.size() > 8) {
    known = fmt::format("{} layers, indexes {} to {}", model.layers.size(), model.layers.front().index,
                        model.layers.back().index);
  } else {
    std::vector<int> indexes;
    for (const kernels::Layer& layer : model.layers) indexes.push_back(layer.index);
    known = fmt::format("{} {}", indexes.size() == 1 ? "index" : "indexes", fmt::join(indexes, ", "));
  }
  throw InputError(fmt::format("{}: {} {}: no such layer ({})", path, option, index, known));
}

}  // namespace pietune::tuner
