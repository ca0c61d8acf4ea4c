// The members of a one-line JSON object as raw text spans, without building a document: the fast
// path of `pietune serve` for a request whose layer text was answered before (parsing a layer's
// JSON is most of the cost of a cached query). Only the object's outer structure is checked; the
// values are balanced spans for the caller to parse or compare byte for byte.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace pietune::tuner {

struct ScannedMember {
  std::string_view key;    // without quotes
  std::string_view value;  // the value's text: a string with its quotes, {...}, [...] or a scalar
};

// nullopt when `text` is not one object of members with plain keys (no escapes) followed by
// nothing but whitespace: the caller then parses it properly (and reports what is wrong).
std::optional<std::vector<ScannedMember>> scan_object(std::string_view text);

}  // namespace pietune::tuner
