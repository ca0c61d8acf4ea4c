// The `pietune` command: one line per subcommand below (each defined in tuner/cli/<name>_command.cc).
#include <cstdio>

#include "costdb/costdb.h"
#include "model/support/error.h"
#include "tuner/cli/command.h"

int main(int argc, char** argv) {
  namespace cli = pietune::tuner::cli;
  CLI::App app;
  cli::configure_app(app);

  cli::register_inspect_command(app);
  cli::register_time_command(app);
  cli::register_calibrate_command(app);
  cli::register_emu_command(app);
  cli::register_run_command(app);
  cli::register_variants_command(app);
  cli::register_verify_command(app);
  cli::register_tune_command(app);
  cli::register_query_command(app);
  cli::register_serve_command(app);
  cli::register_explain_command(app);
  cli::register_regress_command(app);
  cli::register_db_command(app);
  cli::register_device_bench_command(app);
  cli::register_import_command(app);
  cli::register_report_command(app);

  try {
    return cli::parse_and_run(app, argc, argv);
  } catch (const pietune::InputError& e) {
    std::fprintf(stderr, "pietune: %s\n", e.what());
    return cli::kExitUsageOrInput;
  } catch (const pietune::costdb::Error& e) {
    std::fprintf(stderr, "pietune: %s\n", e.what());
    return cli::kExitUsageOrInput;
  }
}
