// Parses GNU as source for the ESP32-S3 into a Program (the syntax asm_printer.h prints, and more).
//
// Accepted: labels ("name:", ".Lname:", several per line, an instruction may follow); comments ('#'
// and '//' to the end of the line, '/* */' blocks); ';' between statements; mnemonics in any case;
// registers a0..a15, sp (= a1), q0..q7 in lower case; immediates as constant expressions (see
// asm_expr.h) with .set/.equ symbols; label operands by name; "# trips=N" on an instruction's line
// (its timing annotation). Directives: .text, .section .text*/.iram1*, .align/.balign N (bytes),
// .p2align N, .global/.globl, .type NAME, @function/@object, .size, .set/.equ, .literal LABEL, V...,
// and (ignored) .literal_position and .file.
//
// Data: .data, .bss and .section NAME for .rodata*, .data*, .bss*, .sdata*, .sbss*, .dram* (placed
// by name, see emu_bridge/data_layout.h) switch to a data section until .text or a code .section;
// there labels are data symbols and .byte, .short/.half/.hword/.2byte, .word/.long/.int/.4byte,
// .space/.skip N[, fill], .zero N, .align/.balign/.p2align (padding) add bytes. A .word value (and
// a .literal value) may be "symbol", "symbol + c" or "symbol - c" (a function, data label or
// literal). .literal entries form one pool (".literal") that l32r loads from; "movi aX, V" whose V is
// a symbol or outside -2048..2047 becomes "l32r aX, .Lpietune_litN" with a new literal, as GNU as
// relaxes it. Other sections and directives are errors.
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
