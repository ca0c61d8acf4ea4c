// `pietune time FILE.S --entry SYMBOL [--state IN.json] [--timeline] [--json] [--machine M.json]`:
// detailed-mode cycles of a hand-written kernel, with the breakdown and the hot-loop timeline.
#include <cstdio>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "emu_bridge/asm/asm_parser.h"
#include "emu_bridge/state_file.h"
#include "emu_bridge/timed_run.h"
#include "tuner/cli/command.h"
#include "tuner/cli/machine_option.h"
#include "tuner/timing_report/timeline.h"

namespace pietune::tuner::cli {
namespace {

struct TimeOptions {
  std::string file;
  std::string entry;
  std::string state;
  std::string machine;
  std::uint64_t max_instructions = 200'000'000;
  std::string icache = "warm";
  bool timeline = false;
  bool json = false;
};

nlohmann::ordered_json cost_json(const model::Cost& c) {
  nlohmann::ordered_json breakdown = nlohmann::ordered_json::object();
  for (const model::CostCause& cause : model::kCostCauses) breakdown[cause.key] = c.*cause.field;
  return {{"cycles", c.cycles},
          {"instructions", c.instructions},
          {"breakdown", breakdown},
          {"macs", c.macs},
          {"macs_per_cycle", c.macs_per_cycle()},
          {"cache_misses", c.cache_misses}};
}

int run_time(const TimeOptions& options) {
  const model::Machine machine = load_machine_option(options.machine);
  const model::Program program = emu::parse_assembly_file(options.file);
  emu::Emulator emulator(program);
  emu::StateFile state;
  if (!options.state.empty()) {
    state = emu::load_state_file(options.state);
    emu::apply_state(state, emulator);
  }
  IssueLog log;
  emu::TimingOptions timing;
  timing.max_instructions = options.max_instructions;
  timing.cold_code = options.icache == "cold";
  const model::Function* function = program.find(options.entry);
  if (options.timeline) timing.listener = [&log](const model::IssueRecord& r) { log.records.push_back(r); };
  const auto args = state.args();
  const emu::TimedRun run = emu::run_timed(emulator, machine, options.entry, args, timing);
  Timeline timeline;
  if (options.timeline && function) timeline = hot_loop_timeline(*function, log);

  if (options.json) {
    nlohmann::ordered_json out = {{"entry", options.entry}, {"machine", machine.name}, {"machine_hash", machine.hash_hex()}};
    out.update(cost_json(run.cost));
    if (options.timeline) {
      nlohmann::ordered_json rows = nlohmann::ordered_json::array();
      for (const TimelineRow& r : timeline.rows)
        rows.push_back({{"line", r.line}, {"cycle", r.cycle}, {"stall", r.stall}, {"instruction", r.text}, {"why", r.why}});
      out["timeline"] = {{"iteration_cycles", timeline.iteration_cycles}, {"rows", rows}};
    }
    std::printf("%s\n", out.dump(2).c_str());
    return kExitOk;
  }
  std::printf("%s on %s (machine %s)\n", options.entry.c_str(), options.file.c_str(), machine.hash_hex().c_str());
  std::printf("%s", format_breakdown(run.cost).c_str());
  if (options.timeline) std::printf("\n%s", format_timeline(timeline).c_str());
  return kExitOk;
}

}  // namespace

void register_time_command(CLI::App& app) {
  auto options = std::make_shared<TimeOptions>();
  CLI::App* command = add_command(app, "time",
                                  "Time a hand-written kernel in detailed mode (emulator trace through the S3 "
                                  "pipeline model): cycles, breakdown by cause, MAC/cycle, hot-loop timeline",
                                  [options] { return run_time(*options); });
  command->add_option("FILE", options->file, "assembly file (GNU as syntax)")->required();
  command->add_option("--entry", options->entry, "function to call")->required();
  command->add_option("--state", options->state, "initial state JSON (arguments a2..a7, registers, memory)");
  command->add_option("--machine", options->machine, "machine description JSON (default: bundled esp32s3)");
  command->add_option("--icache", options->icache,
                      "code in .text (flash) at entry: warm (in the instruction cache) or cold (each line "
                      "filled from flash once); .iram1 code never waits for it")
      ->check(CLI::IsMember({"warm", "cold"}))
      ->capture_default_str();
  command->add_option("--max-instr", options->max_instructions, "instruction limit")->capture_default_str();
  command->add_flag("--timeline", options->timeline, "print one steady-state iteration of the hottest loop");
  command->add_flag("--json", options->json, "print JSON");
}

}  // namespace pietune::tuner::cli
