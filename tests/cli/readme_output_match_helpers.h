// Compares the output a README example shows with the output the command gives.
//
// Rules, the same for shown and actual lines:
// - trailing spaces are ignored (a table's padding is invisible on the page);
// - a shown line that is only "..." (indented or not) stands for any number of lines, none included;
// - what depends on when or where the command runs, or on the commit, is replaced by a placeholder
//   before comparing (volatile_parts_replaced): ISO 8601 timestamps, durations ("in 0.41s",
//   "234 ms"), git commit hashes ("commit d3627ab", any 40-digit hex) and paths under /tmp.
//   Nothing else is: cycle counts, machine hashes (of the machine description) and counts must
//   match exactly.
#pragma once

#include <string>
#include <vector>

#include "readme_example_parse_helpers.h"

namespace pietune::testing {

std::string volatile_parts_replaced(const std::string& line);

// "" when `actual` (the command's whole output) gives the shown lines, else a diff-like message
// naming the README line that drifted (`readme` is the file name used in the message).
std::string output_drift(const std::string& readme, const std::vector<ShownLine>& shown, const std::string& actual);

}  // namespace pietune::testing
