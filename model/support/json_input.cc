// Parsing user JSON into InputErrors only (see the header).
#include "model/support/json_input.h"

#include <set>
#include <vector>

namespace pietune {
namespace {

// Whether brackets outside strings nest deeper than `limit`: exact for valid JSON; invalid JSON
// that trips it gets this error instead of the parser's, it is refused either way.
bool nested_deeper_than(std::string_view text, int limit) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

template <typename Json>
std::string dump_replacing(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// Appends `value` as compact JSON until `out` is longer than `limit`; each level appends at least
// one character, so the recursion is at most `limit` deep.
template <typename Json>
void append_excerpt(const Json& value, std::string& out, std::size_t limit) {
  if (out.size() > limit) return;
  if (value.is_array() || value.is_object()) {
    out += value.is_array() ? '[' : '{';
    bool first = true;
    for (auto it = value.begin(); it != value.end() && out.size() <= limit; ++it) {
      if (!first) out += ',';
      first = false;
      if (value.is_object()) out += dump_replacing(Json(it.key())) + ':';
      append_excerpt(*it, out, limit);
    }
    out += value.is_array() ? ']' : '}';
  } else if (value.is_string()) {
    // Cut first: a long string is not copied whole (the cut may split a UTF-8 sequence: replaced).
    out += dump_replacing(Json(value.template get_ref<const std::string&>().substr(0, limit + 1)));
  } else {
    out += dump_replacing(value);
  }
}

template <typename Json>
std::string excerpt(const Json& value, std::size_t max_chars) {
  std::string out;
  append_excerpt(value, out, max_chars);
  if (out.size() > max_chars) out = out.substr(0, max_chars > 3 ? max_chars - 3 : 0) + "...";
  return out;
}

template <typename Json>
Json parse(std::string_view text, std::string_view where, DuplicateKeys duplicates) {
  // Keys of the objects being parsed, innermost last; nlohmann itself keeps only the last value.
  std::vector<std::set<std::string>> open_objects;
  std::string duplicate;
  auto callback = [&](int /*depth*/, typename Json::parse_event_t event, Json& parsed) {
    if (event == Json::parse_event_t::object_start) {
      open_objects.emplace_back();
    } else if (event == Json::parse_event_t::object_end) {
      open_objects.pop_back();
    } else if (event == Json::parse_event_t::key) {
      const auto& key = parsed.template get_ref<const std::string&>();
      if (!open_objects.back().insert(key).second && duplicate.empty()) duplicate = key;
    }
    return true;
  };
  if (nested_deeper_than(text, kMaxJsonDepth))
    throw InputError(fmt::format("{}: invalid JSON: nested deeper than {} levels", where, kMaxJsonDepth));
  Json root;
  try {
    // Without a callback when none is needed: serve parses every request line.
    root = duplicates == DuplicateKeys::kKeepLast ? Json::parse(text.begin(), text.end())
                                                  : Json::parse(text.begin(), text.end(), callback);
  } catch (const nlohmann::json::exception& e) {
    throw InputError(fmt::format("{}: invalid JSON: {}", where, json_error_message(e)));
  }
  if (!duplicate.empty()) throw InputError(fmt::format("{}: key '{}' given twice", where, duplicate));
  return root;
}

}  // namespace

std::string json_error_message(const nlohmann::json::exception& error) {
  std::string message = error.what();
  const std::size_t bracket = message.find("] ");
  if (message.starts_with("[json.exception") && bracket != std::string::npos) message = message.substr(bracket + 2);
  return message;
}

std::string json_excerpt(const nlohmann::json& value, std::size_t max_chars) { return excerpt(value, max_chars); }

std::string json_excerpt(const nlohmann::ordered_json& value, std::size_t max_chars) {
  return excerpt(value, max_chars);
}

nlohmann::json parse_json_input(std::string_view text, std::string_view where, DuplicateKeys duplicates) {
  return parse<nlohmann::json>(text, where, duplicates);
}

nlohmann::ordered_json parse_ordered_json_input(std::string_view text, std::string_view where,
                                                DuplicateKeys duplicates) {
  return parse<nlohmann::ordered_json>(text, where, duplicates);
}

}  // namespace pietune
