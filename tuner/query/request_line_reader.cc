// Capped request-line reading (see the header).
#include "tuner/query/request_line_reader.h"

#include <streambuf>

namespace pietune::tuner {

LineRead read_request_line(std::istream& in, std::string& line, std::size_t max_bytes) {
  line.clear();
  std::streambuf* buffer = in.rdbuf();
  bool any = false, too_long = false;
  for (int c = buffer->sbumpc(); c != std::char_traits<char>::eof(); c = buffer->sbumpc()) {
    any = true;
    if (c == '\n') return too_long ? LineRead::kTooLong : LineRead::kLine;
    if (too_long) continue;  // the rest of an over-long line is skipped, not kept
    if (line.size() < max_bytes) {
      line.push_back(static_cast<char>(c));
    } else {
      too_long = true;
      line.clear();
      line.shrink_to_fit();
    }
  }
  in.setstate(std::ios::eofbit);
  if (too_long) return LineRead::kTooLong;
  return any ? LineRead::kLine : LineRead::kEnd;
}

}  // namespace pietune::tuner
