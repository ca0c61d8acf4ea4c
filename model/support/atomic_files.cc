// Output files written as a set (see the header).
#include "model/support/atomic_files.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include <fmt/format.h>

#include "model/support/error.h"

namespace pietune {
namespace {

// Unique per process, so two runs writing the same folder never share a temporary.
std::string temporary_name(const std::string& path) { return fmt::format("{}.tmp-{}", path, ::getpid()); }

// Writes and flushes `text` to `path`; the system's reason on failure, "" on success.
std::string write_whole(const std::string& path, const std::string& text) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return std::strerror(errno);
  bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size() && std::fflush(f) == 0;
  int error = ok ? 0 : errno;
  if (ok && ::fsync(::fileno(f)) != 0) {
    ok = false;
    error = errno;
  }
  if (std::fclose(f) != 0 && ok) {
    ok = false;
    error = errno;
  }
  return ok ? "" : std::strerror(error != 0 ? error : EIO);
}

void remove_quietly(const std::string& path) {
  std::error_code ignored;
  std::filesystem::remove(path, ignored);
}

}  // namespace

void write_files_atomically(const std::vector<OutputFile>& files) {
  std::vector<std::string> written;
  const auto abandon = [&](const std::string& path, const std::string& reason) {
    for (const std::string& t : written) remove_quietly(t);
    throw InputError(fmt::format("{}: cannot write: {}", path, reason));
  };
  for (const OutputFile& file : files) {
    const std::string temporary = temporary_name(file.path);
    written.push_back(temporary);
    if (std::string reason = write_whole(temporary, file.text); !reason.empty()) abandon(file.path, reason);
    if (std::filesystem::is_directory(file.path)) abandon(file.path, "is a directory");
  }
  for (std::size_t i = 0; i < files.size(); ++i) {
    std::error_code error;
    std::filesystem::rename(written[i], files[i].path, error);
    if (error) {
      written.erase(written.begin(), written.begin() + static_cast<std::ptrdiff_t>(i));
      abandon(files[i].path, error.message());
    }
  }
}

void require_writable_folder(const std::string& folder, std::string_view option) {
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec) throw InputError(fmt::format("{}: {}: cannot create: {}", option, folder, ec.message()));
  if (!std::filesystem::is_directory(folder)) throw InputError(fmt::format("{}: {}: not a directory", option, folder));
  const std::string probe = temporary_name((std::filesystem::path(folder) / ".pietune-write-probe").string());
  if (std::string reason = write_whole(probe, "probe"); !reason.empty()) {
    remove_quietly(probe);
    throw InputError(fmt::format("{}: {}: cannot write: {}", option, folder, reason));
  }
  remove_quietly(probe);
}

}  // namespace pietune
