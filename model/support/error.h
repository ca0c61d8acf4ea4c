// Error vocabulary shared by every module: InputError for bad user input, PIETUNE_CHECK for bugs.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

namespace pietune {

// Bad input (files, JSON, command-line values). Message shape: "<where>: <what>: <value>", lower case,
// no trailing period, e.g. "vww_96_int8.tflite: tensor 12: buffer index 40 out of range (31 buffers)".
// Only tuner/cli (one stderr line, exit 2) and the C API catch it; library code never prints or exits.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace detail {
// Collects the streamed context of a failed PIETUNE_CHECK and aborts in its destructor.
class CheckFailure {
 public:
  CheckFailure(const char* file, int line, const char* func, const char* expr);
  [[noreturn]] ~CheckFailure();
  std::ostream& stream() { return message_; }

 private:
  std::ostringstream message_;
};
}  // namespace detail

}  // namespace pietune

// Internal invariant (a bug if it fails, never bad input). On in release builds too.
// Usage: PIETUNE_CHECK(index < size) << "index " << index;
#define PIETUNE_CHECK(cond)    \
  if (cond) {                  \
  } else                       \
    ::pietune::detail::CheckFailure(__FILE__, __LINE__, __func__, #cond).stream()
