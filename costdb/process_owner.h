// Which process a run belongs to, and whether that process still exists: how a run left `running`
// by a process killed with kill -9 (or crashed) is told from one still in progress.
#pragma once

#include <string>

namespace pietune::costdb {

// "host:pid:start" for this process; `start` is its start time in clock ticks since boot
// (/proc/self/stat field 22), so a recycled pid is not taken for the original process.
std::string current_process_owner();

// False only when `owner` names a process on this host that no longer exists (or whose pid now
// belongs to a process started at another time). Another host's process, or an owner that cannot
// be read, counts as alive: never mark a run interrupted on a guess.
bool process_owner_alive(const std::string& owner);

}  // namespace pietune::costdb
