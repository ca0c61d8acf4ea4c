// Splits assembly text into statements, removing comments but keeping line and column positions.
#include "emu_bridge/asm/asm_source.h"

#include <fmt/format.h>

#include "model/support/error.h"

namespace pietune::emu {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

// Splits one comment-free line at ';' outside strings; keeps non-blank pieces.
void split_statements(const std::string& line, SourceLine& out) {
  std::size_t start = 0;
  bool in_string = false;
  for (std::size_t i = 0; i <= line.size(); ++i) {
    if (i < line.size()) {
      const char c = line[i];
      if (in_string) {
        if (c == '\\') ++i;
        else if (c == '"') in_string = false;
        continue;
      }
      if (c == '"') {
        in_string = true;
        continue;
      }
      if (c != ';') continue;
    }
    std::size_t first = start;
    while (first < i && is_blank(line[first])) ++first;
    std::size_t last = i;
    while (last > first && is_blank(line[last - 1])) --last;
    if (last > first) out.statements.push_back({static_cast<std::uint32_t>(first + 1), line.substr(first, last - first)});
    start = i + 1;
  }
}

}  // namespace

void fail_at(const SourcePos& pos, std::string_view what) {
  throw InputError(fmt::format("{}:{}:{}: {}", pos.source, pos.line, pos.column, what));
}

std::vector<SourceLine> split_source(std::string_view text, std::string_view source) {
  std::vector<SourceLine> lines;
  SourceLine current;
  std::string clean;  // the current line with comments replaced by blanks
  std::uint32_t line_number = 1;
  bool in_block = false;
  SourcePos block_start{source, 0, 0};
  auto end_line = [&] {
    current.number = line_number;
    split_statements(clean, current);
    if (!current.statements.empty() || current.hash_column != 0) lines.push_back(std::move(current));
    current = SourceLine{};
    clean.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      end_line();
      ++line_number;
      continue;
    }
    if (in_block) {
      if (c == '*' && i + 1 < text.size() && text[i + 1] == '/') {
        in_block = false;
        clean += "  ";
        ++i;
      } else {
        clean += ' ';
      }
      continue;
    }
    if (c == '"') {
      // Copy the string, escapes included; it must end on this line.
      const auto column = static_cast<std::uint32_t>(clean.size() + 1);
      clean += c;
      std::size_t j = i + 1;
      for (; j < text.size() && text[j] != '"' && text[j] != '\n'; ++j) {
        if (text[j] == '\\' && j + 1 < text.size() && text[j + 1] != '\n') clean += text[j++];
        clean += text[j];
      }
      if (j >= text.size() || text[j] != '"') fail_at({source, line_number, column}, "unterminated string");
      clean += '"';
      i = j;
      continue;
    }
    if (c == '#' || (c == '/' && i + 1 < text.size() && text[i + 1] == '/')) {
      std::size_t end = text.find('\n', i);
      if (end == std::string_view::npos) end = text.size();
      if (c == '#' && current.hash_column == 0) {
        current.hash_column = static_cast<std::uint32_t>(clean.size() + 1);
        current.hash_comment = std::string(text.substr(i + 1, end - i - 1));
      }
      clean.append(end - i, ' ');
      i = end - 1;
      continue;
    }
    if (c == '/' && i + 1 < text.size() && text[i + 1] == '*') {
      in_block = true;
      block_start = {source, line_number, static_cast<std::uint32_t>(clean.size() + 1)};
      clean += "  ";
      ++i;
      continue;
    }
    clean += c;
  }
  if (in_block) fail_at(block_start, "unterminated '/*' comment");
  end_line();
  return lines;
}

}  // namespace pietune::emu
