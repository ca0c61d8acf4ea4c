// Reading `pietune serve` request lines with a length cap: a client (or a stray binary file on
// stdin) can send a line of any length, and none may be held in memory whole past the cap.
#pragma once

#include <cstddef>
#include <istream>
#include <string>

namespace pietune::tuner {

// The longest request line served (README "Cost queries"); a layer object of a large model layer
// is a few KB, so this is far above any real request.
inline constexpr std::size_t kMaxRequestLineBytes = 1u << 20;

enum class LineRead {
  kLine,     // `line` holds the line, without its '\n' (a last line without one counts)
  kTooLong,  // the line had more than `max_bytes` bytes: read to its end and dropped, `line` empty
  kEnd,      // end of input
};

LineRead read_request_line(std::istream& in, std::string& line, std::size_t max_bytes = kMaxRequestLineBytes);

}  // namespace pietune::tuner
