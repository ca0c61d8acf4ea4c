// Parses GNU as source for the ESP32-S3 into a Program (the syntax asm_printer.h prints, and more).
//
// Accepted: labels ("name:", ".Lname:", several per line, an instruction may follow); comments ('#'
// and '//' to the end of the line, '/* */' blocks); ';' between statements; mnemonics in any case;
// registers a0..a15, sp (= a1), q0..q7 in lower case; immediates as constant expressions (see
// asm_expr.h) with .set/.equ symbols; label operands by name; "# trips=N" on an instruction's line
// (its timing annotation). Directives: .text, .section .text*/.iram1*, .align/.balign N (bytes),
// .p2align N, .global/.globl, .type NAME, @function, .size, .set/.equ, and (ignored) .literal_position
// and .file. Anything else (data directives, other sections) is an error.
//
// Which function an instruction belongs to: a label starts a new function when its name was named
// before by .global/.globl or .type, or when no function is open and the name is not local (".L...");
// every other label belongs to the open function. ".size NAME" of the open function closes it. An
// .align before a function label sets that function's alignment (default 4); inside a body it is an
// error. Labels are file-wide names but a branch may only target a label of its own function.
//
// Errors are InputError "<source>:<line>:<column>: <what>", e.g.
//   "kernel.S:12:18: expected a q register (q0-q7), got 'a3'"
//   "kernel.S:9:22: operand 3 (imm16): 2040 out of range -2048..2032 step 16"
// Columns are 1-based byte offsets (a tab counts as one).
#pragma once

#include <string>
#include <string_view>

#include "model/ir/program.h"

namespace pietune::emu {

// `source_name` names the text in error messages.
model::Program parse_assembly(std::string_view text, std::string_view source_name);

// Reads and parses a file; messages name it as `path` is written.
model::Program parse_assembly_file(const std::string& path);

}  // namespace pietune::emu
