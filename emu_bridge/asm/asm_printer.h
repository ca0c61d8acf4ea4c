// Prints a Program as GNU as source for the ESP32-S3 toolchain (the text asm_parser.h reads back).
//
//       .text
//       .align 4
//       .global pietune_dot
//       .type pietune_dot, @function
//   pietune_dot:
//       entry a1, 32
//       loopgtz a4, .Lpietune_dot_loop_end0  # trips=8
//       ee.vld.128.ip q0, a2, 16
//   .Lpietune_dot_loop_end0:
//       retw.n
//       .size pietune_dot, .-pietune_dot
//
// Operands follow the ISA row order; registers print as a0..a15 / q0..q7, immediates in decimal,
// labels by name. A program that breaks the table (bad operand, immediate out of range, unbound
// label, loop body over 256 bytes) is a generator bug: PIETUNE_CHECK, not an InputError.
#pragma once

#include <string>

#include "model/ir/program.h"

namespace pietune::emu {

std::string print_assembly(const model::Program& program);
std::string print_assembly(const model::Function& function);

}  // namespace pietune::emu
