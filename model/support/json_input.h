// JSON that a user wrote (layer files, state files, serve lines, machine files, manifests): one way
// to parse it and one way to read values out of it, so that no input can escape as an nlohmann
// exception (a number that overflows a double, "1e999", throws out_of_range, not parse_error; a
// get<>() of the wrong type throws type_error) and abort the tool.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "model/support/error.h"

namespace pietune {

enum class DuplicateKeys {
  kKeepLast,  // nlohmann's default: the last value of a repeated key wins
  kReject,    // InputError "<where>: key 'k' given twice"
};

// Documents nested deeper than this are refused before parsing: nlohmann's parser is iterative, but
// copying, comparing and dumping a value recurse, and a 1 MB line of '[' would overflow the stack.
inline constexpr int kMaxJsonDepth = 128;

// Parses `text`. Any failure is InputError "<where>: invalid JSON: <what>", e.g.
// "in.json: invalid JSON: parse error at line 1, column 15: syntax error while parsing value ...",
// "layer.json: invalid JSON: number overflow parsing '1e999'" or
// "serve.json: invalid JSON: nested deeper than 128 levels".
nlohmann::json parse_json_input(std::string_view text, std::string_view where,
                                DuplicateKeys duplicates = DuplicateKeys::kKeepLast);
nlohmann::ordered_json parse_ordered_json_input(std::string_view text, std::string_view where,
                                                DuplicateKeys duplicates = DuplicateKeys::kKeepLast);

// A value as an error message shows it: compact JSON cut to `max_chars` (ending in "..."), built
// without recursing deeper than that and without throwing on bytes that are not UTF-8.
std::string json_excerpt(const nlohmann::json& value, std::size_t max_chars = 40);
std::string json_excerpt(const nlohmann::ordered_json& value, std::size_t max_chars = 40);

// nlohmann's message without its "[json.exception.parse_error.101] " tag.
std::string json_error_message(const nlohmann::json::exception& error);

// Runs `read` (code that takes values out of parsed user JSON) and turns an nlohmann exception it
// lets through (type_error from get<>(), out_of_range from at()) into InputError "<where>: <what>".
template <typename Read>
auto read_json_input(std::string_view where, Read&& read) -> decltype(std::forward<Read>(read)()) {
  try {
    return std::forward<Read>(read)();
  } catch (const nlohmann::json::exception& e) {
    throw InputError(fmt::format("{}: {}", where, json_error_message(e)));
  }
}

}  // namespace pietune
