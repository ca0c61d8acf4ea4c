// Constant expressions in assembly operands, evaluated the way GNU as does (64-bit, its precedence).
//
// Terms: decimal (12), hex (0x1f), binary (0b101), octal with a leading 0 (017 = 15, as GNU as
// reads it), symbols defined with .set/.equ, parentheses, unary - + ~. Binary operators from high to
// low precedence: * / % << >>, then | & ^, then + -. Anything else is an InputError at its column.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

#include "emu_bridge/asm/asm_source.h"

namespace pietune::emu {

using SymbolLookup = std::function<std::optional<std::int64_t>(std::string_view name)>;

// `start` is the position of text[0]; errors point into the text.
std::int64_t evaluate_expression(std::string_view text, const SourcePos& start, const SymbolLookup& lookup);

}  // namespace pietune::emu
