// What produced a result: the tool version and the git commit it was built from.
#pragma once

#include <string>

namespace pietune::tuner {

// "0.1.0".
const char* tool_version();
// The short commit hash at configure time, "" when the source was not a git checkout.
const char* git_commit();
// Now, as ISO 8601 UTC: "2026-11-21T09:12:44Z".
std::string utc_now();

}  // namespace pietune::tuner
