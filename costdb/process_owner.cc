// Process identity for run ownership (see process_owner.h).
#include "costdb/process_owner.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>
#include <string>

namespace pietune::costdb {
namespace {

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "unknown-host";
  return name;
}

// Field 22 of /proc/<pid>/stat, or "" when unreadable. The command name (field 2) may hold
// spaces and parentheses, so fields are counted after its closing parenthesis.
std::string start_ticks(long pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::size_t close = text.rfind(')');
  if (close == std::string::npos) return "";
  std::istringstream fields(text.substr(close + 1));
  std::string field;
  for (int index = 3; fields >> field; ++index)
    if (index == 22) return field;
  return "";
}

}  // namespace

std::string current_process_owner() {
  const long pid = static_cast<long>(::getpid());
  return host_name() + ":" + std::to_string(pid) + ":" + start_ticks(pid);
}

bool process_owner_alive(const std::string& owner) {
  const std::size_t last = owner.rfind(':');
  const std::size_t middle = last == std::string::npos || last == 0 ? std::string::npos : owner.rfind(':', last - 1);
  if (middle == std::string::npos) return true;
  if (owner.substr(0, middle) != host_name()) return true;
  long pid = 0;
  try {
    pid = std::stol(owner.substr(middle + 1, last - middle - 1));
  } catch (const std::exception&) {
    return true;
  }
  if (pid <= 0) return true;
  if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) return false;
  const std::string recorded = owner.substr(last + 1);
  const std::string now = start_ticks(pid);
  return recorded.empty() || now.empty() || recorded == now;
}

}  // namespace pietune::costdb
