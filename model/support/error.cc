// Reporting of failed internal checks.
#include "model/support/error.h"

#include <cstdio>
#include <cstdlib>

namespace pietune::detail {

CheckFailure::CheckFailure(const char* file, int line, const char* func, const char* expr) {
  message_ << file << ":" << line << ": " << func << ": check failed: " << expr << " ";
}

CheckFailure::~CheckFailure() {
  std::fprintf(stderr, "pietune internal error: %s\n", message_.str().c_str());
  std::abort();
}

}  // namespace pietune::detail
