// The shell examples of a Markdown file (the README): fenced code blocks whose first line is a
// command prompt `$ ...`; every `$` line in such a block is a command, the lines under it (up to
// the next `$` line or the closing fence) are the output the reader is shown.
#pragma once

#include <string>
#include <vector>

namespace pietune::testing {

struct ShownLine {
  int line = 0;  // 1-based line number in the Markdown file
  std::string text;
};

struct ShellExample {
  int line = 0;         // the `$` line
  std::string command;  // after "$ "
  std::vector<ShownLine> output;
};

// The commands of one block run in order in one working folder: a later one may read what an
// earlier one wrote.
struct ShellExampleBlock {
  int line = 0;  // the opening fence
  std::vector<ShellExample> commands;
};

std::vector<ShellExampleBlock> shell_example_blocks(const std::string& markdown);

}  // namespace pietune::testing
