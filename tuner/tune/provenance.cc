// Build provenance, from compile definitions set in tuner/CMakeLists.txt.
#include "tuner/tune/provenance.h"

#include <ctime>

namespace pietune::tuner {

const char* tool_version() { return PIETUNE_VERSION; }
const char* git_commit() { return PIETUNE_GIT_COMMIT; }

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

}  // namespace pietune::tuner
