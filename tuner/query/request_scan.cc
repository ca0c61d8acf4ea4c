// A one-pass scan of a JSON object's members (see the header).
#include "tuner/query/request_scan.h"

#include <cstddef>

namespace pietune::tuner {
namespace {

class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\r' ||
                                   text_[pos_] == '\n'))
      ++pos_;
  }
  bool at_end() const { return pos_ >= text_.size(); }
  bool take(char c) {
    if (at_end() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }
  // A string starting at pos_ (its opening quote); false when unterminated.
  bool skip_string() {
    if (!take('"')) return false;
    while (!at_end()) {
      const char c = text_[pos_++];
      if (c == '\\') {
        if (at_end()) return false;
        ++pos_;
      } else if (c == '"') {
        return true;
      }
    }
    return false;
  }
  // A value: a string, a bracketed span (balanced, strings skipped) or a scalar token.
  std::optional<std::string_view> value() {
    const std::size_t start = pos_;
    if (at_end()) return std::nullopt;
    const char first = text_[pos_];
    if (first == '"') {
      if (!skip_string()) return std::nullopt;
    } else if (first == '{' || first == '[') {
      int depth = 0;
      while (!at_end()) {
        const char c = text_[pos_];
        if (c == '"') {
          if (!skip_string()) return std::nullopt;
          continue;
        }
        ++pos_;
        if (c == '{' || c == '[') ++depth;
        if ((c == '}' || c == ']') && --depth == 0) break;
      }
      if (depth != 0) return std::nullopt;
    } else {
      while (!at_end() && text_[pos_] != ',' && text_[pos_] != '}' && text_[pos_] != ' ' && text_[pos_] != '\t' &&
             text_[pos_] != '\r' && text_[pos_] != '\n')
        ++pos_;
    }
    if (pos_ == start) return std::nullopt;
    return text_.substr(start, pos_ - start);
  }
  // A key without escapes; nullopt otherwise.
  std::optional<std::string_view> key() {
    const std::size_t start = pos_;
    if (!skip_string()) return std::nullopt;
    const std::string_view inner = text_.substr(start + 1, pos_ - start - 2);
    if (inner.find('\\') != std::string_view::npos) return std::nullopt;
    return inner;
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

std::optional<std::vector<ScannedMember>> scan_object(std::string_view text) {
  Scanner s(text);
  std::vector<ScannedMember> members;
  s.skip_space();
  if (!s.take('{')) return std::nullopt;
  s.skip_space();
  if (!s.take('}')) {
    while (true) {
      s.skip_space();
      const std::optional<std::string_view> key = s.key();
      if (!key) return std::nullopt;
      s.skip_space();
      if (!s.take(':')) return std::nullopt;
      s.skip_space();
      const std::optional<std::string_view> value = s.value();
      if (!value) return std::nullopt;
      members.push_back({*key, *value});
      s.skip_space();
      if (s.take('}')) break;
      if (!s.take(',')) return std::nullopt;
    }
  }
  s.skip_space();
  if (!s.at_end()) return std::nullopt;
  return members;
}

}  // namespace pietune::tuner
