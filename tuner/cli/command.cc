// Subcommand registration and the exit-code rules of the `pietune` CLI.
#include "tuner/cli/command.h"

#include <cstdio>
#include <string>

#ifndef PIETUNE_VERSION
#define PIETUNE_VERSION "unknown"
#endif

namespace pietune::tuner::cli {
namespace {

// Exit code of the subcommand that ran during the current parse_and_run.
int& last_exit_code() {
  static int code = kExitOk;
  return code;
}

// "pietune tune" (or "pietune db show"): the subcommands selected before the parse failed, so a
// usage error can point at the --help that lists the options the user was typing.
std::string selected_command(const CLI::App& app) {
  std::string path = app.get_name();
  for (const CLI::App* command = &app; !command->get_subcommands().empty();) {
    command = command->get_subcommands().front();
    path += " " + command->get_name();
  }
  return path;
}

}  // namespace

const char* version() { return PIETUNE_VERSION; }

void configure_app(CLI::App& app) {
  app.name("pietune");
  app.description(
      "pietune: cycle-approximate performance modeler and kernel autotuner for int8 kernels on "
      "the ESP32-S3");
  app.set_version_flag("--version", std::string("pietune ") + version());
  app.require_subcommand(1);
}

CLI::App* add_command(CLI::App& app, const std::string& name, const std::string& description,
                      std::function<int()> action) {
  CLI::App* command = app.add_subcommand(name, description);
  command->callback([action = std::move(action)] { last_exit_code() = action(); });
  return command;
}

int parse_and_run(CLI::App& app, int argc, char** argv) {
  last_exit_code() = kExitOk;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
      return app.exit(e);  // --help, --version
    }
    const std::string command = selected_command(app);
    std::fprintf(stderr, "%s: %s (run '%s --help')\n", command.c_str(), e.what(), command.c_str());
    return kExitUsageOrInput;
  }
  return last_exit_code();
}

}  // namespace pietune::tuner::cli
