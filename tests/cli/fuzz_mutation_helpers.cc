// Seeded mutators of the CLI fuzz suite (see the header).
#include "fuzz_mutation_helpers.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace pietune::testing {
namespace {

using Json = nlohmann::ordered_json;

// Values that parsers get wrong: overflow, sign and width edges, wrong types, broken UTF-8.
const char* const kEdgeValues[] = {
    "1e999", "-1e999", "1e308", "-1e308", "4.9e-324", "1.5e-45", "-0", "-0.0", "0", "-1", "1", "2", "3", "16", "255",
    "65536", "0.5", "1e20", "2147483647", "2147483648", "-2147483648", "-2147483649", "4294967295", "4294967296",
    "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
    "18446744073709551615", "18446744073709551616", "\"nan\"", "\"inf\"", "\"-1\"", "\"0x7fffffff\"",
    "\"0xffffffffffffffffff\"", "\"0x\"", "\"\"", "\"\\u0000\"", "true", "false", "null", "[]", "{}", "[0]", "[[]]",
    "[-1, -1]", "[0, 0]", "[1, 1, 1, 1, 1, 1, 1, 1, 1]", "[1e999]", "{\"a\": 1}",
    "\"\xff\xfe\"", "\"\xc3\"", "\"\xed\xa0\x80\"", "\"abc\xc0\xaf\"",  // not UTF-8: stray, cut, surrogate, overlong
    "\"SAME\"", "\"VALID\"", "\"CONV_2D\"", "\"DEPTHWISE_CONV_2D\"", "\"FULLY_CONNECTED\"", "\"UNSUPPORTED\"",
    "\"int8\"", "\"int32\"", "\"float32\"", "\"RELU6\"", "\"NCHW\"", "\"best\"", "\"explain\"", "\"/dev/zero\"",
};

// A layer's "index" that is not its position: the values tune and verify must still survive.
const char* const kIndexValues[] = {"-1", "0", "1", "2", "7", "1000000", "2147483647", "-2147483648", "1e999", "3.5"};

// Values a layer could have but few do: sizes around powers of two and lane widths, int8 edges,
// scales far from 1, the other spellings of enums. These get past the readers into the kernels.
const char* const kPlausibleInts[] = {"0", "1", "2", "3", "4", "5", "7", "8", "9", "15", "16", "17", "31", "32",
                                      "33", "63", "64", "65", "127", "128", "-128", "-127", "255", "256", "-1", "1000"};
const char* const kPlausibleFloats[] = {"1e-10", "1e-6", "0.00390625", "0.0001", "0.5", "0.999", "1", "2", "1000",
                                        "1e10", "3.4e38", "1.2e-38"};
const char* const kPlausibleStrings[] = {"\"SAME\"", "\"VALID\"", "\"CONV_2D\"", "\"DEPTHWISE_CONV_2D\"",
                                         "\"FULLY_CONNECTED\"", "\"AVERAGE_POOL_2D\"", "\"MAX_POOL_2D\"", "\"ADD\"",
                                         "\"MUL\"", "\"RESHAPE\"", "\"SOFTMAX\"", "\"int8\"", "\"int16\"",
                                         "\"int32\"", "\"RELU\"", "\"RELU6\"", "\"NONE\"", "\"NCHW\"", "\"NHWC\""};

const std::uint32_t kEdgeWords[] = {0, 1, 4, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000,
                                    0xfffffffc, 0xffffffff};

std::string deep_nest(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

// Collects the JSON pointer of every value below the root.
void collect(const Json& value, const Json::json_pointer& at, std::vector<Json::json_pointer>& out) {
  if (value.is_object()) {
    for (const auto& [key, member] : value.items()) {
      out.push_back(at / key);
      collect(member, at / key, out);
    }
  } else if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      out.push_back(at / i);
      collect(value[i], at / i, out);
    }
  }
}

// A JSON document being mutated: values that JSON cannot hold (1e999, bytes that are not UTF-8,
// repeated keys) stand in as placeholder strings until the document is written out.
class JsonMutation {
 public:
  explicit JsonMutation(Json root) : root_(std::move(root)) {}

  void apply(FuzzRng& rng) {
    std::vector<Json::json_pointer> paths;
    collect(root_, Json::json_pointer(), paths);
    if (paths.empty()) {
      root_ = raw(kEdgeValues[pick(rng, std::size(kEdgeValues))]);
      return;
    }
    const Json::json_pointer at = paths[pick(rng, paths.size())];
    Json& value = root_.at(at);
    Json& parent = root_.at(at.parent_pointer());
    switch (pick(rng, 14)) {
      case 10:
      case 11:
      case 12:
      case 13:  // a plausible value of the same kind: gets further than an edge value
        value = raw(plausible(value, rng));
        break;
      case 0:
      case 1:
      case 2:  // an edge value in place of this one
        value = raw(kEdgeValues[pick(rng, std::size(kEdgeValues))]);
        break;
      case 3:  // removed
        if (parent.is_object()) parent.erase(at.back());
        else parent.erase(static_cast<std::size_t>(std::stoul(at.back())));
        break;
      case 4:  // repeated: an array element again, an object key twice
        if (parent.is_array()) {
          parent.insert(parent.begin() + static_cast<std::ptrdiff_t>(std::stoul(at.back())), Json(value));
        } else {
          const std::string placeholder = fmt::format("@@key{}@@", replacements_.size());
          replacements_.emplace_back(Json(placeholder).dump(), Json(at.back()).dump(-1, ' ', false, Json::error_handler_t::replace));
          parent[placeholder] = raw(kEdgeValues[pick(rng, std::size(kEdgeValues))]);
        }
        break;
      case 5:  // an unknown key, or one that is not UTF-8
        if (value.is_object()) {
          const std::string placeholder = fmt::format("@@key{}@@", replacements_.size());
          replacements_.emplace_back(Json(placeholder).dump(), pick(rng, 2) ? "\"zz_unknown\"" : "\"\xff\xfe\"");
          value[placeholder] = 1;
        } else {
          value = raw(kEdgeValues[pick(rng, std::size(kEdgeValues))]);
        }
        break;
      case 6: {  // another value of the document here (a type it does not expect)
        const Json other = root_.at(paths[pick(rng, paths.size())]);
        root_.at(at) = other;
        break;
      }
      case 7:  // nested deep: past the parser's limit, or just under it
        value = raw(deep_nest(std::vector<std::size_t>{2, 100, 128, 129, 5000}[pick(rng, 5)]));
        break;
      case 8:  // a layer's index that is not its position
        if (Json* layer = enclosing_layer(at)) (*layer)["index"] = raw(kIndexValues[pick(rng, std::size(kIndexValues))]);
        else value = raw(kEdgeValues[pick(rng, std::size(kEdgeValues))]);
        break;
      default:  // an array grown or emptied
        if (value.is_array() && !value.empty() && pick(rng, 2)) {
          const Json element = value[pick(rng, value.size())];
          for (std::uint64_t n = 1 + pick(rng, 64); n > 0; --n) value.push_back(element);
        } else if (value.is_array() || value.is_object()) {
          value.clear();
        } else {
          value = raw(kEdgeValues[pick(rng, std::size(kEdgeValues))]);
        }
        break;
    }
  }

  std::string text() const {
    std::string out = root_.dump(-1, ' ', false, Json::error_handler_t::replace);
    for (const auto& [placeholder, replacement] : replacements_) {
      for (std::size_t at = out.find(placeholder); at != std::string::npos;
           at = out.find(placeholder, at + replacement.size()))
        out.replace(at, placeholder.size(), replacement);
    }
    return out;
  }

 private:
  static std::string plausible(const Json& value, FuzzRng& rng) {
    if (value.is_number_integer()) return kPlausibleInts[pick(rng, std::size(kPlausibleInts))];
    if (value.is_number()) return kPlausibleFloats[pick(rng, std::size(kPlausibleFloats))];
    if (value.is_string()) return kPlausibleStrings[pick(rng, std::size(kPlausibleStrings))];
    if (value.is_boolean()) return value.get<bool>() ? "false" : "true";
    return value.dump();  // a container: left as it is
  }

  Json raw(std::string text) {
    const std::string placeholder = fmt::format("@@raw{}@@", replacements_.size());
    replacements_.emplace_back(Json(placeholder).dump(), std::move(text));
    return placeholder;
  }

  // The nearest object above `at` (or at it) with an "op": a layer.
  Json* enclosing_layer(Json::json_pointer at) {
    while (true) {
      Json& node = root_.at(at);
      if (node.is_object() && node.contains("op")) return &node;
      if (at.empty()) return nullptr;
      at = at.parent_pointer();
    }
  }

  Json root_;
  std::vector<std::pair<std::string, std::string>> replacements_;  // placeholder (as dumped) -> raw text
};

}  // namespace

std::uint64_t pick(FuzzRng& rng, std::uint64_t n) { return rng() % n; }

std::string mutate_bytes(const std::string& input, FuzzRng& rng, const std::vector<std::string>& donors) {
  std::string s = input;
  // Half the edits land in the first or last 4 KB, where headers, tables and offsets are.
  const auto position = [&](std::size_t size) -> std::size_t {
    if (size == 0) return 0;
    if (pick(rng, 2) == 0) return pick(rng, size);
    const std::size_t window = std::min<std::size_t>(size, 4096);
    return pick(rng, 2) == 0 ? pick(rng, window) : size - 1 - pick(rng, window);
  };
  for (std::uint64_t edits = 1 + pick(rng, 4); edits > 0; --edits) {
    switch (pick(rng, 7)) {
      case 0:
        if (!s.empty()) s[position(s.size())] ^= static_cast<char>(1u << pick(rng, 8));
        break;
      case 1:
        if (!s.empty()) s[position(s.size())] = static_cast<char>(std::vector<int>{0, 0xff, 0x7f, 0x80, 1}[pick(rng, 5)]);
        break;
      case 2:
        if (s.size() >= 4) {
          std::size_t at = std::min(position(s.size()), s.size() - 4);
          if (pick(rng, 2)) at &= ~std::size_t{3};
          const std::uint32_t word =
              pick(rng, 4) == 0 ? static_cast<std::uint32_t>(s.size() + pick(rng, 64)) : kEdgeWords[pick(rng, std::size(kEdgeWords))];
          std::memcpy(&s[at], &word, 4);
        }
        break;
      case 3:
        s.resize(pick(rng, s.size() + 1));
        break;
      case 4: {
        std::string run(1 + pick(rng, 16), '\0');
        for (char& c : run) c = static_cast<char>(pick(rng, 256));
        s.insert(position(s.size()), run);
        break;
      }
      case 5:
        if (!s.empty()) {
          const std::size_t at = position(s.size());
          s.erase(at, 1 + pick(rng, 64));
        }
        break;
      default:
        if (!donors.empty()) {
          const std::string& donor = donors[pick(rng, donors.size())];
          if (donor.empty()) break;
          const std::size_t from = position(donor.size());
          const std::string chunk = donor.substr(from, 1 + pick(rng, 256));
          const std::size_t at = position(s.size());
          if (pick(rng, 2)) s.insert(at, chunk);
          else s.replace(at, chunk.size(), chunk);
        }
        break;
    }
  }
  return s;
}

std::string mutate_json(const std::string& json_text, FuzzRng& rng) {
  JsonMutation mutation(Json::parse(json_text));
  for (std::uint64_t edits = 1 + pick(rng, 2); edits > 0; --edits) mutation.apply(rng);
  return mutation.text();
}

std::string mutate_json_or_bytes(const std::string& json_text, FuzzRng& rng) {
  if (pick(rng, 5) == 0) return mutate_bytes(json_text, rng, {json_text});
  return mutate_json(json_text, rng);
}

std::string mutate_assembly(const std::string& text, FuzzRng& rng) {
  static const char* const kNumbers[] = {"-1", "0", "1", "255", "256", "-129", "4096", "32767", "0x7fffffff",
                                         "0xffffffff", "2147483648", "99999999999999999999", "-2147483649", "0x"};
  static const char* const kRegisters[] = {"a0", "a1", "a15", "a16", "a99", "q7", "q8", "sp", "accx", "x"};
  static const char* const kLines[] = {
      "    .space 100000000", "    .space 4294967295", "    .align 31", "    .align 4096", "    .p2align 40",
      "    .fill 1000000000, 1, 0", "    .rept 1000000", "    .endr", "    .set X, 99999999999999999999",
      "    .word 0x100000000", "    loop a4, .Lnowhere", "    j .", "    entry a1, 4294967295", "    .skip -1",
      "    .byte 256", "    .incbin \"/dev/zero\"", "    .global", "dot_s8:", ".L1:", "    loopgtz a4, .L1",
      "    ee.vld.128.ip q0, a2, 2048", "    movi a2, 0x80000000", "    retw.n", "    .size x, .-y",
      "\xff\xfe\x00", "    call8 dot_s8", "    callx8 a2", "    jx a0",
  };
  std::vector<std::string> lines;
  for (std::size_t start = 0; start <= text.size();) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  for (std::uint64_t edits = 1 + pick(rng, 3); edits > 0; --edits) {
    if (lines.empty()) lines.emplace_back();
    const std::size_t at = pick(rng, lines.size());
    std::string& line = lines[at];
    switch (pick(rng, 7)) {
      case 0:
        lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(at));
        break;
      case 1:
        lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(at), line);
        break;
      case 2:
        std::swap(line, lines[pick(rng, lines.size())]);
        break;
      case 3: {  // a number token replaced
        std::vector<std::pair<std::size_t, std::size_t>> numbers;
        for (std::size_t i = 0; i < line.size();) {
          if (std::isdigit(static_cast<unsigned char>(line[i])) &&
              (i == 0 || !std::isalnum(static_cast<unsigned char>(line[i - 1])))) {
            std::size_t j = i;
            while (j < line.size() && std::isalnum(static_cast<unsigned char>(line[j]))) ++j;
            numbers.emplace_back(i, j - i);
            i = j;
          } else {
            ++i;
          }
        }
        if (!numbers.empty()) {
          const auto [from, length] = numbers[pick(rng, numbers.size())];
          line.replace(from, length, kNumbers[pick(rng, std::size(kNumbers))]);
        }
        break;
      }
      case 4: {  // a register replaced
        const std::size_t reg = line.find_first_of("aq", line.find_first_not_of(" \t"));
        if (reg != std::string::npos && reg + 1 < line.size() &&
            std::isdigit(static_cast<unsigned char>(line[reg + 1]))) {
          std::size_t end = reg + 1;
          while (end < line.size() && std::isdigit(static_cast<unsigned char>(line[end]))) ++end;
          line.replace(reg, end - reg, kRegisters[pick(rng, std::size(kRegisters))]);
        }
        break;
      }
      case 5:
        lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(at), kLines[pick(rng, std::size(kLines))]);
        break;
      default:
        line.resize(pick(rng, line.size() + 1));
        break;
    }
  }
  std::string out;
  for (const std::string& line : lines) out += line + '\n';
  if (pick(rng, 6) == 0) out = mutate_bytes(out, rng, {text});
  return out;
}

}  // namespace pietune::testing
