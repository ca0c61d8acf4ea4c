// Seed option parsing (see the header).
#include "tuner/cli/seed_option.h"

#include <charconv>
#include <limits>

#include <fmt/format.h>

namespace pietune::tuner::cli {
namespace {

// Rewrites `text` as the plain decimal seed it holds, or returns why it holds none. This runs
// before CLI11 converts, which would wrap "-1" to 2^64-1, saturate "99999999999999999999" and read
// "010" as octal.
std::string normalise_seed(std::string& text) {
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc() || stop != end)
    return fmt::format("{}: expected an integer from 0 to {}", text, std::numeric_limits<std::uint64_t>::max());
  text = std::to_string(value);
  return "";
}

}  // namespace

CLI::Option* add_seed_option(CLI::App* command, const std::string& name, std::uint64_t& seed,
                             const std::string& description) {
  return command->add_option(name, seed, description)->transform(CLI::Validator(normalise_seed, "", "seed"));
}

}  // namespace pietune::tuner::cli
