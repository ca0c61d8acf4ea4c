// Loads a model file by content: .tflite flatbuffer or JSON layer list.
#include "tuner/model_loader.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "kernels/layer_json.h"
#include "model/support/error.h"
#include "tuner/tflite/tflite_reader.h"

namespace pietune::tuner {
namespace {

std::vector<std::uint8_t> read_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw InputError(path + ": is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open: " + std::strerror(errno));
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw InputError(path + ": cannot read: " + std::strerror(errno));
  return bytes;
}

bool looks_like_json(const std::vector<std::uint8_t>& bytes) {
  for (std::uint8_t b : bytes) {
    if (b == ' ' || b == '\t' || b == '\n' || b == '\r') continue;
    return b == '{' || b == '[';
  }
  return false;
}

}  // namespace

kernels::Model load_model(const std::string& path) {
  const std::vector<std::uint8_t> bytes = read_file(path);
  if (bytes.empty()) throw InputError(path + ": empty file");
  if (has_tflite_identifier(bytes)) return read_tflite(bytes, path);
  if (looks_like_json(bytes)) {
    const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    return kernels::parse_layer_file(text, path);
  }
  throw InputError(path +
                   ": neither a .tflite model (no \"TFL3\" at bytes 4..7) nor a JSON layer file");
}

}  // namespace pietune::tuner
