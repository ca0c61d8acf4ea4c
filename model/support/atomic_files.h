// The one way pietune writes output files: as a set, all or nothing.
//
// Each file is written in full to a temporary name beside its target (and flushed to disk), and
// only when every file of the set is written are they renamed into place; when any write fails
// (full disk, read-only folder) the temporaries are removed and the targets keep their previous
// content. A folder therefore never mixes files of two runs, and no ".tmp" file is left behind.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pietune {

struct OutputFile {
  std::string path;
  std::string text;
};

// InputError "<path>: cannot write: <reason>" naming the first file that failed.
void write_files_atomically(const std::vector<OutputFile>& files);
inline void write_file_atomically(const std::string& path, const std::string& text) {
  write_files_atomically({{path, text}});
}

// Creates `folder` if needed and proves a file can be created in it (a probe file, removed at once),
// so that a long run does not end in an unwritable folder. InputError "<option>: <folder>: ...".
void require_writable_folder(const std::string& folder, std::string_view option);

}  // namespace pietune
