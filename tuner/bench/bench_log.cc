// The device-bench log reader (see the header).
#include "tuner/bench/bench_log.h"

#include <cctype>
#include <set>
#include <tuple>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace pietune::tuner {
namespace {

constexpr std::string_view kMarker = "pietune-bench ";

// The line without ANSI escape sequences (ESC '[' ... final letter) and control characters.
std::string clean(std::string_view line) {
  std::string out;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '\x1b') {
      if (i + 1 < line.size() && line[i + 1] == '[') {
        i += 2;
        while (i < line.size() && !std::isalpha(static_cast<unsigned char>(line[i]))) ++i;
      }
      continue;
    }
    if (static_cast<unsigned char>(c) < 0x20 && c != '\t') continue;
    out += c;
  }
  return out;
}

// The field `key` of `j` as T, or why not.
template <typename T>
bool field(const nlohmann::json& j, const char* key, T& out, std::string& why) {
  const auto it = j.find(key);
  if (it == j.end()) {
    why = fmt::format("no \"{}\"", key);
    return false;
  }
  if constexpr (std::is_same_v<T, std::string>) {
    if (!it->is_string()) {
      why = fmt::format("\"{}\" is not a string", key);
      return false;
    }
  } else {
    if (!it->is_number() || it->get<double>() < 0) {
      why = fmt::format("\"{}\" is not a number >= 0", key);
      return false;
    }
    if constexpr (std::is_integral_v<T>) {
      if (!it->is_number_integer() || it->get<double>() > 1e9) {
        why = fmt::format("\"{}\" is not a count", key);
        return false;
      }
    }
  }
  out = it->get<T>();
  return true;
}

bool is_hex16(const std::string& s) {
  if (s.size() != 16) return false;
  for (char c : s)
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

// Reads one event of `kind` from `j` into `log`; false with `why` when a field is missing or wrong.
bool read_event(const std::string& kind, const nlohmann::json& j, int line, BenchLog& log, std::string& why) {
  if (kind == "begin") {
    BenchLogBegin b;
    b.line = line;
    if (!(field(j, "bench", b.bench, why) && field(j, "model", b.model, why) && field(j, "machine", b.machine, why) &&
          field(j, "cpu_mhz", b.cpu_mhz, why) && field(j, "instances", b.instances, why) &&
          field(j, "warmup", b.warmup, why) && field(j, "runs", b.runs, why)))
      return false;
    log.begins.push_back(b);
    return true;
  }
  if (kind == "measure") {
    BenchLogMeasure m;
    m.line = line;
    if (!(field(j, "bench", m.bench, why) && field(j, "instance", m.instance, why) && field(j, "layer", m.layer, why) &&
          field(j, "variant", m.variant, why) && field(j, "runs", m.runs, why) && field(j, "median", m.median, why) &&
          field(j, "q1", m.q1, why) && field(j, "q3", m.q3, why) && field(j, "min", m.min, why) &&
          field(j, "overhead", m.overhead, why) && field(j, "hash", m.hash, why)))
      return false;
    if (!is_hex16(m.hash)) {
      why = fmt::format("\"hash\" {} is not 16 hex digits", m.hash);
      return false;
    }
    if (!(m.min <= m.q1 && m.q1 <= m.median && m.median <= m.q3)) {
      why = "the quantiles are out of order (min <= q1 <= median <= q3)";
      return false;
    }
    if (m.runs < 1) {
      why = "\"runs\" is 0";
      return false;
    }
    log.measures.push_back(m);
    return true;
  }
  if (kind == "end") {
    BenchLogEnd e;
    e.line = line;
    if (!(field(j, "bench", e.bench, why) && field(j, "measured", e.measured, why))) return false;
    log.ends.push_back(e);
    return true;
  }
  if (kind == "error") {
    std::string what;
    why = field(j, "what", what, why) ? "the board reported: " + what : "the board reported an error";
    return false;
  }
  why = fmt::format("unknown event '{}'", kind);
  return false;
}

}  // namespace

BenchLog parse_bench_log(std::string_view text) {
  BenchLog log;
  std::set<std::string> seen_measures;  // the JSON text of every measurement read
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string line = clean(text.substr(start, end - start));
    start = end + 1;
    const int number = ++log.lines;
    const std::size_t at = line.find(kMarker);
    if (at == std::string::npos) continue;
    const std::size_t kind_end = line.find(' ', at + kMarker.size());
    const std::string kind = line.substr(at + kMarker.size(), kind_end == std::string::npos ? std::string::npos
                                                                                           : kind_end - at - kMarker.size());
    const std::size_t open = kind_end == std::string::npos ? std::string::npos : line.find('{', kind_end);
    const std::size_t close = line.rfind('}');
    if (open == std::string::npos || close == std::string::npos || close < open) {
      log.problems.push_back({number, fmt::format("'{}' line without a whole JSON object (cut?)", kind)});
      continue;
    }
    const std::string body = line.substr(open, close - open + 1);
    const nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) {
      log.problems.push_back({number, fmt::format("'{}' line is not valid JSON (cut or mixed with other output)", kind)});
      continue;
    }
    if (kind == "measure" && !seen_measures.insert(j.dump()).second) {
      ++log.repeated;
      continue;
    }
    std::string why;
    if (!read_event(kind, j, number, log, why)) log.problems.push_back({number, fmt::format("'{}' line: {}", kind, why)});
  }
  return log;
}

}  // namespace pietune::tuner
