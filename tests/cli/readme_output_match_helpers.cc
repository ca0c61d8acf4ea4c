// Matches shown README output against actual output (rules in readme_output_match_helpers.h).
#include "readme_output_match_helpers.h"

#include <algorithm>
#include <sstream>
#include <string_view>

namespace pietune::testing {
namespace {

// The volatile parts are found by hand-written matchers (std::regex trips GCC 12's
// -Wmaybe-uninitialized under -Werror); each returns the length of its match at `at`, 0 for none.
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f'); }
bool is_word(char c) { return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }

// Characters of `kinds` at `at`: 'd' a digit, anything else itself.
bool shaped(std::string_view text, std::size_t at, std::string_view kinds) {
  if (at + kinds.size() > text.size()) return false;
  for (std::size_t i = 0; i < kinds.size(); ++i)
    if (kinds[i] == 'd' ? !is_digit(text[at + i]) : text[at + i] != kinds[i]) return false;
  return true;
}

std::size_t digits_from(std::string_view text, std::size_t at) {
  std::size_t n = 0;
  while (at + n < text.size() && is_digit(text[at + n])) ++n;
  return n;
}

// 2024-05-01T10:00:00.123Z (or a space for the T; fraction and Z optional)
std::size_t timestamp(std::string_view text, std::size_t at) {
  if (!shaped(text, at, "dddd-dd-dd") || at + 10 >= text.size() || (text[at + 10] != 'T' && text[at + 10] != ' ') ||
      !shaped(text, at + 11, "dd:dd:dd"))
    return 0;
  std::size_t n = 19;
  if (at + n < text.size() && text[at + n] == '.' && digits_from(text, at + n + 1) > 0)
    n += 1 + digits_from(text, at + n + 1);
  if (at + n < text.size() && text[at + n] == 'Z') ++n;
  return n;
}

std::size_t hex_run(std::string_view text, std::size_t at) {
  std::size_t n = 0;
  while (at + n < text.size() && is_hex(text[at + n])) ++n;
  return at + n < text.size() && is_word(text[at + n]) ? 0 : n;
}

// The hash after "commit" (7 to 40 hex digits, "-dirty" allowed), or any 40-digit hex word.
std::size_t commit_hash(std::string_view text, std::size_t at, bool after_commit_word) {
  if (at > 0 && is_word(text[at - 1])) return 0;
  std::size_t n = hex_run(text, at);
  if (n != 40 && !(after_commit_word && n >= 7 && n <= 40)) return 0;
  if (text.substr(at + n).starts_with("-dirty")) n += 6;
  return n;
}

bool follows_commit_word(std::string_view text, std::size_t at) {
  std::size_t i = at;
  while (i > 0 && (text[i - 1] == ' ' || text[i - 1] == '=' || text[i - 1] == ':')) --i;
  return i >= 6 && text.substr(i - 6, 6) == "commit";
}

// 0.41s, 234 ms, 3.2 µs, 2 min: a number, an optional space, a time unit, then no letter.
std::size_t duration(std::string_view text, std::size_t at) {
  if ((at > 0 && (is_word(text[at - 1]) || text[at - 1] == '.')) || digits_from(text, at) == 0) return 0;
  std::size_t n = digits_from(text, at);
  if (at + n < text.size() && text[at + n] == '.' && digits_from(text, at + n + 1) > 0)
    n += 1 + digits_from(text, at + n + 1);
  if (at + n < text.size() && text[at + n] == ' ') ++n;
  for (std::string_view unit : {"min", "ns", "µs", "us", "ms", "s"}) {
    const std::size_t end = at + n + unit.size();
    if (text.substr(at + n).starts_with(unit) && (end == text.size() || !is_word(text[end]))) return n + unit.size();
  }
  return 0;
}

// /tmp/... up to a space, quote, comma or closing parenthesis.
std::size_t temp_path(std::string_view text, std::size_t at) {
  if (!text.substr(at).starts_with("/tmp/")) return 0;
  std::size_t n = 5;
  while (at + n < text.size() && std::string_view(" '\",)").find(text[at + n]) == std::string_view::npos) ++n;
  return n;
}

std::string trimmed_right(std::string line) {
  line.erase(line.find_last_not_of(" \t\r") + 1);
  return line;
}

bool is_gap(const ShownLine& line) {
  const std::size_t start = line.text.find_first_not_of(' ');
  return start != std::string::npos && trimmed_right(line.text.substr(start)) == "...";
}

std::vector<std::string> normalized_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(volatile_parts_replaced(line));
  return lines;
}

// Consecutive shown lines without a gap, with whether a gap comes before or after them.
struct Segment {
  std::vector<ShownLine> lines;
  bool gap_before = false, gap_after = false;
};

std::vector<Segment> segments_of(const std::vector<ShownLine>& shown) {
  std::vector<Segment> segments(1);
  for (const ShownLine& line : shown) {
    if (!is_gap(line)) {
      segments.back().lines.push_back(line);
      continue;
    }
    segments.back().gap_after = true;
    segments.push_back(Segment{{}, true, false});
  }
  return segments;
}

// How many lines of `segment` match `actual` from `at` on.
std::size_t matching_prefix(const Segment& segment, const std::vector<std::string>& actual, std::size_t at) {
  std::size_t n = 0;
  while (n < segment.lines.size() && at + n < actual.size() &&
         volatile_parts_replaced(segment.lines[n].text) == actual[at + n])
    ++n;
  return n;
}

// Where `segment` starts in `lines`, whose lines before `at` are taken: at `at` when no gap
// comes before it, at the end when it closes the output, else at its leftmost match (failing
// that, where it matches longest, for the message).
std::size_t segment_start(const Segment& segment, const std::vector<std::string>& lines, std::size_t at) {
  const std::size_t size = segment.lines.size();
  if (!segment.gap_before) return at;
  if (!segment.gap_after) return std::max(at, lines.size() >= size ? lines.size() - size : 0);
  std::size_t best = at, best_length = 0;
  for (std::size_t k = at; k < lines.size(); ++k) {
    const std::size_t length = matching_prefix(segment, lines, k);
    if (length == size) return k;
    if (length > best_length) best = k, best_length = length;
  }
  return best;
}

std::string whole_output(const std::vector<std::string>& actual) {
  std::string text = "actual output (after placeholders):\n";
  for (std::size_t i = 0; i < actual.size(); ++i) text += "  " + std::to_string(i + 1) + "| " + actual[i] + "\n";
  return text;
}

std::string mismatch(const std::string& readme, const ShownLine& shown, const std::vector<std::string>& actual,
                     std::size_t at) {
  std::string text = readme + ":" + std::to_string(shown.line) + ": output drifted\n";
  text += "  - README: " + trimmed_right(shown.text) + "\n";
  text += at < actual.size() ? "  + actual: " + actual[at] + "  (output line " + std::to_string(at + 1) + ")\n"
                             : "  + actual: (no more output)\n";
  return text + whole_output(actual);
}

}  // namespace

std::string volatile_parts_replaced(const std::string& line) {
  const std::string text = trimmed_right(line);
  std::string result;
  for (std::size_t at = 0; at < text.size();) {
    std::size_t n = 0;
    const char* placeholder = nullptr;
    if ((n = timestamp(text, at)) > 0) placeholder = "<timestamp>";
    else if ((n = commit_hash(text, at, follows_commit_word(text, at))) > 0) placeholder = "<commit>";
    else if ((n = duration(text, at)) > 0) placeholder = "<duration>";
    else if ((n = temp_path(text, at)) > 0) placeholder = "<tmp>";
    if (placeholder == nullptr) {
      result += text[at++];
      continue;
    }
    result += placeholder;
    at += n;
  }
  return result;
}

std::string output_drift(const std::string& readme, const std::vector<ShownLine>& shown, const std::string& actual) {
  const std::vector<std::string> lines = normalized_lines(actual);
  std::size_t at = 0;  // the first output line not yet matched
  for (const Segment& segment : segments_of(shown)) {
    const std::size_t size = segment.lines.size();
    if (size == 0) continue;
    const std::size_t start = segment_start(segment, lines, at);
    const std::size_t length = matching_prefix(segment, lines, start);
    if (length < size) return mismatch(readme, segment.lines[length], lines, start + length);
    at = start + size;
  }
  const bool open_end = !shown.empty() && is_gap(shown.back());
  if (!open_end && at < lines.size()) {
    const std::string after = shown.empty() ? "the command" : readme + ":" + std::to_string(shown.back().line);
    return readme + ": output drifted: " + std::to_string(lines.size() - at) + " more line(s) after " + after +
           ", first: " + lines[at] + "\n" + whole_output(lines);
  }
  return "";
}

}  // namespace pietune::testing
