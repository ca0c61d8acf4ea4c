// Random valid programs for the assembly tests: every opcode of the ISA table with random operands.
#pragma once

#include <cstdint>
#include <string>

#include "model/ir/program.h"

namespace pietune::emu::testing {

// One to three functions; each uses every opcode of the table once in random order (loops with a
// short random body), plus branch labels bound at random places, random trip-count annotations,
// alignment and linkage. Deterministic in `seed`.
model::Program random_program(std::uint32_t seed);

// Program contents with labels by name, for comparing a parsed program with the one printed.
std::string describe(const model::Program& program);

}  // namespace pietune::emu::testing
