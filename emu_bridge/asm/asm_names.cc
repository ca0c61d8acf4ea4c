// Register and symbol spelling for the assembly printer and parser.
#include "emu_bridge/asm/asm_names.h"

#include <cctype>

#include <fmt/format.h>

#include "model/support/error.h"

namespace pietune::emu {
namespace {

// Digits after a one-letter register prefix ("15" of "a15"), without leading zeros; -1 if not a number.
int register_number(std::string_view digits) {
  if (digits.empty() || digits.size() > 2 || (digits.size() == 2 && digits[0] == '0')) return -1;
  int value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return -1;
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace

std::string register_name(model::OperandKind kind, int index) {
  PIETUNE_CHECK(kind == model::OperandKind::kAr || kind == model::OperandKind::kQr) << "not a register kind";
  return fmt::format("{}{}", kind == model::OperandKind::kAr ? 'a' : 'q', index);
}

std::optional<model::Operand> parse_register(std::string_view token) {
  if (token == "sp") return model::a(1);
  if (token.size() < 2) return std::nullopt;
  const int number = register_number(token.substr(1));
  if (token[0] == 'a' && number >= 0 && number <= 15) return model::a(number);
  if (token[0] == 'q' && number >= 0 && number <= 7) return model::q(number);
  return std::nullopt;
}

std::string mac16_register_name(int index) {
  PIETUNE_CHECK(index >= 0 && index <= 3) << "m" << index;
  return fmt::format("m{}", index);
}

std::optional<int> parse_mac16_register(std::string_view token) {
  if (token.size() != 2 || token[0] != 'm' || token[1] < '0' || token[1] > '3') return std::nullopt;
  return token[1] - '0';
}

bool looks_like_register(std::string_view token) {
  if (token == "sp" || token == "SP") return true;
  if (token.size() < 2) return false;
  const char prefix = static_cast<char>(std::tolower(static_cast<unsigned char>(token[0])));
  return (prefix == 'a' || prefix == 'q') && register_number(token.substr(1)) >= 0;
}

bool is_symbol_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '$';
}

bool is_symbol_char(char c) { return is_symbol_start(c) || (c >= '0' && c <= '9'); }

bool is_symbol(std::string_view token) {
  if (token.empty() || !is_symbol_start(token[0])) return false;
  for (char c : token)
    if (!is_symbol_char(c)) return false;
  return true;
}

bool is_local_label(std::string_view name) { return name.starts_with(".L"); }

}  // namespace pietune::emu
