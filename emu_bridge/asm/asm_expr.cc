// Recursive-descent evaluator for assembly constant expressions.
#include "emu_bridge/asm/asm_expr.h"

#include <cctype>

#include <fmt/format.h>

#include "emu_bridge/asm/asm_names.h"

namespace pietune::emu {
namespace {

class Evaluator {
 public:
  Evaluator(std::string_view text, const SourcePos& start, const SymbolLookup& lookup)
      : text_(text), start_(start), lookup_(lookup) {}

  std::int64_t run() {
    skip_blanks();
    if (pos_ == text_.size()) fail(pos_, "expected an expression");
    const std::int64_t value = additive();
    skip_blanks();
    if (pos_ != text_.size()) fail(pos_, fmt::format("unexpected '{}' in expression", text_.substr(pos_)));
    return value;
  }

 private:
  [[noreturn]] void fail(std::size_t at, std::string_view what) const {
    fail_at(start_.at_column(start_.column + static_cast<std::uint32_t>(at)), what);
  }

  void skip_blanks() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
  }

  // Consumes `op` if it comes next (after blanks).
  bool accept(std::string_view op) {
    skip_blanks();
    if (text_.substr(pos_).starts_with(op)) {
      pos_ += op.size();
      return true;
    }
    return false;
  }

  void overflow_if(bool overflow, std::size_t at) const {
    if (overflow) fail(at, "expression overflows 64 bits");
  }

  std::int64_t additive() {
    std::int64_t value = bitwise();
    for (;;) {
      const std::size_t at = (skip_blanks(), pos_);
      if (accept("+")) {
        const std::int64_t rhs = bitwise();
        overflow_if(__builtin_add_overflow(value, rhs, &value), at);
      } else if (accept("-")) {
        const std::int64_t rhs = bitwise();
        overflow_if(__builtin_sub_overflow(value, rhs, &value), at);
      } else {
        return value;
      }
    }
  }

  std::int64_t bitwise() {
    std::int64_t value = multiplicative();
    for (;;) {
      if (accept("|")) value |= multiplicative();
      else if (accept("&")) value &= multiplicative();
      else if (accept("^")) value ^= multiplicative();
      else return value;
    }
  }

  std::int64_t multiplicative() {
    std::int64_t value = unary();
    for (;;) {
      const std::size_t at = (skip_blanks(), pos_);
      if (accept("<<")) {
        const std::int64_t shift = unary();
        if (shift < 0 || shift > 63) fail(at, fmt::format("shift count {} out of range 0..63", shift));
        const std::int64_t shifted = static_cast<std::int64_t>(static_cast<std::uint64_t>(value) << shift);
        overflow_if((shifted >> shift) != value, at);
        value = shifted;
      } else if (accept(">>")) {
        const std::int64_t shift = unary();
        if (shift < 0 || shift > 63) fail(at, fmt::format("shift count {} out of range 0..63", shift));
        value >>= shift;
      } else if (accept("*")) {
        const std::int64_t rhs = unary();
        overflow_if(__builtin_mul_overflow(value, rhs, &value), at);
      } else if (accept("/") || accept("%")) {
        const bool divide = text_[pos_ - 1] == '/';
        const std::int64_t rhs = unary();
        if (rhs == 0) fail(at, "division by zero");
        overflow_if(rhs == -1 && value == INT64_MIN, at);
        value = divide ? value / rhs : value % rhs;
      } else {
        return value;
      }
    }
  }

  std::int64_t unary() {
    const std::size_t at = (skip_blanks(), pos_);
    if (accept("-")) {
      const std::int64_t v = unary();
      overflow_if(v == INT64_MIN, at);
      return -v;
    }
    if (accept("+")) return unary();
    if (accept("~")) return ~unary();
    return primary();
  }

  std::int64_t primary() {
    skip_blanks();
    const std::size_t at = pos_;
    if (pos_ == text_.size()) fail(at, "expected a number or symbol");
    if (accept("(")) {
      const std::int64_t value = additive();
      if (!accept(")")) fail(pos_, "expected ')'");
      return value;
    }
    const char c = text_[pos_];
    if (c >= '0' && c <= '9') return number();
    if (is_symbol_start(c)) {
      std::size_t end = pos_;
      while (end < text_.size() && is_symbol_char(text_[end])) ++end;
      const std::string_view name = text_.substr(pos_, end - pos_);
      if (looks_like_register(name)) fail(at, fmt::format("expected an immediate, got '{}'", name));
      const std::optional<std::int64_t> value = lookup_(name);
      if (!value) fail(at, fmt::format("undefined symbol '{}' (only .set/.equ constants can be used here)", name));
      pos_ = end;
      return *value;
    }
    fail(at, fmt::format("unexpected '{}' in expression", c));
  }

  std::int64_t number() {
    const std::size_t at = pos_;
    std::size_t end = pos_;
    while (end < text_.size() && std::isalnum(static_cast<unsigned char>(text_[end]))) ++end;
    const std::string_view token = text_.substr(pos_, end - pos_);
    unsigned base = 10;
    std::string_view digits = token;
    if (token.size() >= 2 && token[0] == '0' && (token[1] == 'x' || token[1] == 'X')) {
      base = 16;
      digits = token.substr(2);
    } else if (token.size() >= 2 && token[0] == '0' && (token[1] == 'b' || token[1] == 'B')) {
      base = 2;
      digits = token.substr(2);
    } else if (token.size() > 1 && token[0] == '0') {
      base = 8;
      digits = token.substr(1);
    }
    if (digits.empty()) fail(at, fmt::format("bad number '{}'", token));
    std::uint64_t value = 0;
    for (char d : digits) {
      unsigned digit = 99;
      if (d >= '0' && d <= '9') digit = static_cast<unsigned>(d - '0');
      else if (d >= 'a' && d <= 'f') digit = static_cast<unsigned>(d - 'a' + 10);
      else if (d >= 'A' && d <= 'F') digit = static_cast<unsigned>(d - 'A' + 10);
      if (digit >= base) {
        const char* what = base == 8 ? " (a leading 0 makes it octal, as in GNU as)" : "";
        fail(at, fmt::format("bad number '{}'{}", token, what));
      }
      if (value > (UINT64_MAX - digit) / base) fail(at, fmt::format("number '{}' does not fit in 64 bits", token));
      value = value * base + digit;
    }
    // GNU as reads 0xffffffffffffffff as -1; anything up to 2^64-1 is taken modulo 2^64.
    pos_ = end;
    return static_cast<std::int64_t>(value);
  }

  std::string_view text_;
  SourcePos start_;
  const SymbolLookup& lookup_;
  std::size_t pos_ = 0;
};

}  // namespace

std::int64_t evaluate_expression(std::string_view text, const SourcePos& start, const SymbolLookup& lookup) {
  return Evaluator(text, start, lookup).run();
}

}  // namespace pietune::emu
