// Size-checked whole-file reads (see the header).
#include "model/support/bounded_read.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include <fmt/format.h>

namespace pietune {
namespace {

BoundedRead failed(BoundedRead::Outcome outcome, std::string reason) {
  BoundedRead result;
  result.outcome = outcome;
  result.reason = std::move(reason);
  return result;
}

struct CloseFile {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

}  // namespace

BoundedRead read_bounded(const std::filesystem::path& path, std::uint64_t max_bytes) {
  namespace fs = std::filesystem;
  using Outcome = BoundedRead::Outcome;
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (ec) return failed(Outcome::kCannotOpen, ec.message());
  if (fs::is_directory(status)) return failed(Outcome::kIsDirectory, "is a directory");
  if (!fs::is_regular_file(status) && !fs::is_fifo(status))
    return failed(Outcome::kNotAFile, "not a regular file or pipe");
  std::uintmax_t size = 0;
  if (fs::is_regular_file(status)) {
    size = fs::file_size(path, ec);
    if (ec) return failed(Outcome::kCannotOpen, ec.message());
    if (size > max_bytes) return failed(Outcome::kTooLarge, fmt::format("{} bytes, more than {}", size, max_bytes));
  }
  errno = 0;
  const std::unique_ptr<std::FILE, CloseFile> file(std::fopen(path.c_str(), "rb"));
  if (!file) return failed(Outcome::kCannotOpen, std::strerror(errno != 0 ? errno : ENOENT));
  BoundedRead result;
  result.bytes.reserve(size);
  // The size can change between stat and read (a file still being written, a pipe): the limit
  // holds for what is actually read.
  char chunk[1 << 16];
  while (true) {
    const std::size_t got = std::fread(chunk, 1, sizeof chunk, file.get());
    if (result.bytes.size() + got > max_bytes)
      return failed(Outcome::kTooLarge, fmt::format("more than {} bytes", max_bytes));
    result.bytes.append(chunk, got);
    if (got < sizeof chunk) break;
  }
  if (std::ferror(file.get())) return failed(Outcome::kReadFailed, std::strerror(errno != 0 ? errno : EIO));
  return result;
}

}  // namespace pietune
