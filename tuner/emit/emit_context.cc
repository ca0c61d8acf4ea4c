// Provenance text and atomic file writes for the emitters.
#include "tuner/emit/emit_context.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "model/support/error.h"
#include "tuner/tune/provenance.h"

namespace pietune::tuner {

std::string provenance_line(const EmitContext& c) {
  const std::string commit = *git_commit() ? fmt::format(" (commit {})", git_commit()) : "";
  return fmt::format("pietune {}{}, machine {} ({}), {}", tool_version(), commit, c.machine_name,
                     c.result.machine_hash, c.date);
}

void write_file_atomically(const std::string& path, const std::string& text) {
  const std::string temporary = path + ".tmp";
  std::FILE* f = std::fopen(temporary.c_str(), "wb");
  if (f == nullptr) throw InputError(fmt::format("{}: cannot write: {}", path, std::strerror(errno)));
  const bool written = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  if (std::fclose(f) != 0 || !written) throw InputError(fmt::format("{}: cannot write: {}", path, std::strerror(errno)));
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) throw InputError(fmt::format("{}: cannot write: {}", path, error.message()));
}

}  // namespace pietune::tuner
