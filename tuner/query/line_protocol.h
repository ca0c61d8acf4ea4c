// The JSON-lines protocol of `pietune serve`: one request object per line in, one response
// object per line out (README "Cost queries").
//
//   {"id": 7, "method": "query", "layer": {...}, "variant": "best"}
//   {"id": 8, "method": "explain", "layer": {...}, "top": 3}
//   {"id": 9, "method": "shutdown"}
// Responses echo "id" (null when the request had none or was not readable) and carry
// "ok": true with the answer's fields, or "ok": false with "error" (and, for a layer outside the
// timing model or an illegal variant, the answer's fields too). A malformed line never ends the
// server: it gets an error response like any other failed request. So does a line longer than
// kMaxRequestLineBytes (request_line_reader.h), which is skipped without being kept:
//   {"id": null, "ok": false, "error": "request: line longer than 1048576 bytes: not read"}
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "tuner/query/query_service.h"

namespace pietune::tuner {

struct LineResponse {
  std::string text;       // one JSON object, no newline
  bool shutdown = false;  // the request was "shutdown": stop after writing the response
};

// Never throws for anything a client can send (a bug in pietune still aborts).
LineResponse handle_request_line(QueryService& service, std::string_view line);
// The answer to a line over the cap.
LineResponse line_too_long_response(std::size_t max_bytes);

}  // namespace pietune::tuner
