// Assembly source text as statements: comments removed, lines split at ';', positions kept for errors.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pietune::emu {

// A place in an assembly file; 1-based line and column (a column counts bytes, a tab is one).
struct SourcePos {
  std::string_view source;  // the file name used in messages ("kernel.S")
  std::uint32_t line = 0;
  std::uint32_t column = 0;

  SourcePos at_column(std::uint32_t c) const { return {source, line, c}; }
};

// Throws InputError "<source>:<line>:<column>: <what>".
[[noreturn]] void fail_at(const SourcePos& pos, std::string_view what);

struct Statement {
  std::uint32_t column = 0;  // of the first non-blank character
  std::string text;          // comments blanked out, trailing blanks removed
};

struct SourceLine {
  std::uint32_t number = 0;
  std::vector<Statement> statements;  // the non-blank ';'-separated statements of the line
  std::string hash_comment;           // text after '#', if the line has one (trip-count annotations)
  std::uint32_t hash_column = 0;      // column of the '#', 0 if none
};

// Comments: '#' and '//' to the end of the line, '/* ... */' across lines; '#', '//', '/*' and ';'
// inside double-quoted strings are text. Lines without statements or '#' comments are left out.
std::vector<SourceLine> split_source(std::string_view text, std::string_view source);

}  // namespace pietune::emu
