// Reading a user's file whole, with a size limit enforced before the bytes are in memory: a 3 GB
// file or /dev/zero named as input must be refused at once, not read until memory runs out.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace pietune {

struct BoundedRead {
  enum class Outcome {
    kRead,          // `bytes` holds the whole file
    kCannotOpen,    // `reason`: the system's message ("No such file or directory")
    kIsDirectory,   // `reason`: "is a directory"
    kNotAFile,      // a device or socket; `reason`: "not a regular file or pipe"
    kTooLarge,      // `reason`: "3221225472 bytes, more than 2147483646" (pipes: "more than N bytes")
    kReadFailed,    // `reason`: the system's message
  };
  Outcome outcome = Outcome::kRead;
  std::string bytes;
  std::string reason;

  bool ok() const { return outcome == Outcome::kRead; }
};

// Reads `path` if it has at most `max_bytes`. A regular file's size is checked with stat before
// anything is read; a pipe is read until it ends or passes the limit; devices (/dev/zero, a
// terminal) and sockets are refused, they have no size to check.
BoundedRead read_bounded(const std::filesystem::path& path, std::uint64_t max_bytes);

}  // namespace pietune
