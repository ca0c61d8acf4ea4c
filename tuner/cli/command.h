// Plumbing shared by the `pietune` subcommands: registration, exit codes, usage errors.
//
// A subcommand lives in its own file tuner/cli/<name>_command.cc and exposes one
// `void register_<name>_command(CLI::App& app)`, called from main.cc. Its action returns the
// process exit code: kExitOk, or kExitCheckFailed when a check it ran failed. Bad input is thrown
// as pietune::InputError and turned into exit code 2 by main.
#pragma once

#include <functional>
#include <string>

#include <CLI/CLI.hpp>

namespace pietune::tuner::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitCheckFailed = 1;
inline constexpr int kExitUsageOrInput = 2;

// "0.1.0" (the CMake project version).
const char* version();

// Name, description, --version flag and "exactly one subcommand" on the top-level app.
void configure_app(CLI::App& app);

// Adds subcommand `name`; `action` runs when it is selected and its result is the exit code.
CLI::App* add_command(CLI::App& app, const std::string& name, const std::string& description,
                      std::function<int()> action);

// Parses argv and runs the selected subcommand. --help and --version print and return 0; a usage
// error prints "pietune tune: <message> (run 'pietune tune --help')" to stderr, naming the
// subcommand being parsed ("pietune: ... (run 'pietune --help')" before one is selected), and
// returns kExitUsageOrInput.
// pietune::InputError from the action propagates to the caller (main).
int parse_and_run(CLI::App& app, int argc, char** argv);

void register_inspect_command(CLI::App& app);
void register_time_command(CLI::App& app);
void register_calibrate_command(CLI::App& app);
void register_emu_command(CLI::App& app);
void register_run_command(CLI::App& app);
void register_variants_command(CLI::App& app);
void register_verify_command(CLI::App& app);
void register_tune_command(CLI::App& app);
void register_query_command(CLI::App& app);
void register_serve_command(CLI::App& app);
void register_explain_command(CLI::App& app);
void register_regress_command(CLI::App& app);
void register_db_command(CLI::App& app);
void register_device_bench_command(CLI::App& app);
void register_import_command(CLI::App& app);
void register_report_command(CLI::App& app);

}  // namespace pietune::tuner::cli
