// The seed options (--seed, run's --random-input): one parser, so every command accepts the same
// values, decimal integers 0..2^64-1, and refuses the rest naming the option.
#pragma once

#include <cstdint>
#include <string>

#include <CLI/CLI.hpp>

namespace pietune::tuner::cli {

// Adds option `name` storing into `seed`. A bad value is a usage error (exit 2):
// "--seed: -1: expected an integer from 0 to 18446744073709551615".
CLI::Option* add_seed_option(CLI::App* command, const std::string& name, std::uint64_t& seed,
                             const std::string& description);

}  // namespace pietune::tuner::cli
