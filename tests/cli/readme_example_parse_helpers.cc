// Finds the shell examples of a Markdown file (see readme_example_parse_helpers.h).
#include "readme_example_parse_helpers.h"

#include <sstream>
#include <string_view>

namespace pietune::testing {
namespace {

constexpr std::string_view kPrompt = "$ ";

bool is_fence(const std::string& line) {
  const std::size_t start = line.find_first_not_of(' ');  // fences may be indented (inside a list)
  return start != std::string::npos && line.compare(start, 3, "```") == 0;
}

}  // namespace

std::vector<ShellExampleBlock> shell_example_blocks(const std::string& markdown) {
  std::vector<ShellExampleBlock> blocks;
  std::istringstream in(markdown);
  std::string line;
  int number = 0;
  bool in_block = false, first_line = false, shell_block = false;
  while (std::getline(in, line)) {
    ++number;
    if (is_fence(line)) {
      if (!in_block) blocks.push_back(ShellExampleBlock{number, {}});
      else if (!shell_block) blocks.pop_back();
      in_block = !in_block;
      first_line = in_block;
      shell_block = false;
      continue;
    }
    if (!in_block) continue;
    const bool prompt = line.starts_with(kPrompt);
    if (first_line) shell_block = prompt;
    first_line = false;
    if (!shell_block) continue;
    if (prompt) blocks.back().commands.push_back(ShellExample{number, line.substr(kPrompt.size()), {}});
    else blocks.back().commands.back().output.push_back(ShownLine{number, line});
  }
  if (in_block && !shell_block) blocks.pop_back();  // an unclosed block that is not an example
  return blocks;
}

}  // namespace pietune::testing
