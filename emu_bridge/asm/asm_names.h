// Register and symbol spelling shared by the assembly printer and parser (GNU as for the ESP32-S3).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "model/ir/program.h"

namespace pietune::emu {

// "a3", "q0": how the printer spells a register operand.
std::string register_name(model::OperandKind kind, int index);

// The register a token names, if it is one: a0..a15, sp (= a1), q0..q7. Lower case only, as GNU as
// requires ("A2" is not a register).
std::optional<model::Operand> parse_register(std::string_view token);

// MAC16 data registers (an operand the ISA row marks OperandDesc::mreg): "m0".."m3", lower case.
std::string mac16_register_name(int index);
std::optional<int> parse_mac16_register(std::string_view token);

// Whether a token looks like a register name in any case or with an out-of-range number ("A2", "a16",
// "q8"): such tokens are never taken as label or symbol names.
bool looks_like_register(std::string_view token);

// GNU as symbol syntax: [A-Za-z_.$][A-Za-z0-9_.$]*.
bool is_symbol_start(char c);
bool is_symbol_char(char c);
bool is_symbol(std::string_view token);

// Local labels (".L" prefix) never start a function.
bool is_local_label(std::string_view name);

}  // namespace pietune::emu
