// `pietune emu FILE.S --entry SYMBOL [--state IN.json] [--max-instr N] [--dump-state OUT.json]
// [--trace T.jsonl] [--json]`: runs one function of an assembly file in the emulator, as a C caller would.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "emu_bridge/asm/asm_parser.h"
#include "emu_bridge/emulator.h"
#include "emu_bridge/state_file.h"
#include "emu_bridge/trace_writer.h"
#include "model/support/error.h"
#include "tuner/cli/command.h"

namespace pietune::tuner::cli {
namespace {

struct EmuOptions {
  std::string file;
  std::string entry;
  std::string state;
  std::string dump_state;
  std::string trace;
  std::uint64_t max_instructions = emu::RunOptions{}.max_instructions;
  bool json = false;
};

// "kernel.S:14: " for the instruction at `pc`, so a fault names the source line.
std::string source_prefix(const std::string& file, const emu::Emulator& emulator, std::uint32_t pc) {
  const model::Program& program = emulator.program();
  for (std::size_t f = 0; f < program.functions.size(); ++f) {
    const model::Function& function = program.functions[f];
    for (std::size_t i = 0; i < function.insns.size(); ++i)
      if (emulator.insn_address(f, i) == pc && function.insns[i].source_line != 0)
        return fmt::format("{}:{}: ", file, function.insns[i].source_line);
  }
  return file + ": ";
}

// What the summary lines say, as one JSON document (--json); a file not written is null.
nlohmann::ordered_json summary_json(const EmuOptions& options, const emu::RunResult& result,
                                    std::optional<std::uint64_t> trace_lines) {
  const auto file_or_null = [](const std::string& path) {
    return path.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(path);
  };
  return {{"entry", options.entry},
          {"instructions", result.instructions},
          {"a2", static_cast<std::int32_t>(result.return_value)},
          {"a2_hex", fmt::format("0x{:08x}", result.return_value)},
          {"trace_file", file_or_null(options.trace)},
          {"trace_lines", trace_lines ? nlohmann::ordered_json(*trace_lines) : nlohmann::ordered_json(nullptr)},
          {"state_file", file_or_null(options.dump_state)}};
}

std::ofstream open_output(const std::string& path, const char* what) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw InputError(fmt::format("{}: cannot write {} file", path, what));
  return out;
}

int run_emu(const EmuOptions& options) {
  const model::Program program = emu::parse_assembly_file(options.file);
  if (!program.find(options.entry)) {
    std::string names;
    for (const model::Function& f : program.functions) names += (names.empty() ? "" : ", ") + f.name;
    throw InputError(fmt::format("{}: --entry: no function '{}' (functions: {})", options.file, options.entry,
                                 names.empty() ? "none" : names));
  }
  emu::Emulator emulator(program);
  emu::StateFile state;
  if (!options.state.empty()) {
    state = emu::load_state_file(options.state);
    emu::apply_state(state, emulator);
  }
  // Open the outputs before running, so a bad path fails before a long run.
  std::optional<std::ofstream> dump_file;
  if (!options.dump_state.empty()) dump_file = open_output(options.dump_state, "state");
  std::optional<std::ofstream> trace_file;
  std::optional<emu::TraceWriter> trace;
  emu::RunOptions run_options;
  run_options.max_instructions = options.max_instructions;
  if (!options.trace.empty()) {
    trace_file = open_output(options.trace, "trace");
    trace.emplace(*trace_file);
    run_options.trace = trace->hook();
  }

  emu::RunResult result;
  try {
    result = emulator.call(options.entry, state.args(), run_options);
  } catch (const emu::EmuFault& fault) {
    if (trace) trace->flush();  // the trace up to the fault helps find it
    if (dump_file) {            // no state to dump: leave no empty file behind
      dump_file->close();
      std::error_code ignored;
      std::filesystem::remove(options.dump_state, ignored);
    }
    throw InputError(source_prefix(options.file, emulator, fault.fault().pc) + fault.what());
  }
  if (trace && !trace->flush()) throw InputError(fmt::format("{}: cannot write trace file", options.trace));
  if (dump_file) {
    *dump_file << emu::dump_state(emulator, state, result.instructions).dump(2) << '\n';
    dump_file->flush();
    if (!*dump_file) throw InputError(fmt::format("{}: cannot write state file", options.dump_state));
  }

  if (options.json) {
    const std::optional<std::uint64_t> trace_lines = trace ? std::optional(trace->lines()) : std::nullopt;
    std::printf("%s\n", summary_json(options, result, trace_lines)
                            .dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace)
                            .c_str());
    return kExitOk;
  }
  std::printf("%s: %llu instructions, a2 = %d (0x%08x)\n", options.entry.c_str(),
              static_cast<unsigned long long>(result.instructions), static_cast<std::int32_t>(result.return_value),
              result.return_value);
  if (trace) std::printf("trace: %s (%llu lines)\n", options.trace.c_str(), static_cast<unsigned long long>(trace->lines()));
  if (dump_file) std::printf("state: %s\n", options.dump_state.c_str());
  return kExitOk;
}

}  // namespace

void register_emu_command(CLI::App& app) {
  auto options = std::make_shared<EmuOptions>();
  CLI::App* command = add_command(app, "emu",
                                  "Run one function of an assembly file in the PIE emulator, entered like a C call; "
                                  "state in and out as JSON, per-instruction trace as JSON lines",
                                  [options] { return run_emu(*options); });
  command->add_option("FILE", options->file, "assembly file (GNU as syntax)")->required();
  command->add_option("--entry", options->entry, "function to call")->required();
  command->add_option("--state", options->state, "initial state JSON (a2..a7 = arguments, registers, memory)");
  command->add_option("--max-instr", options->max_instructions, "instruction limit")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 62))
      ->capture_default_str();
  command->add_option("--dump-state", options->dump_state, "write the final state JSON here");
  command->add_option("--trace", options->trace, "write one JSON line per executed instruction here");
  command->add_flag("--json", options->json,
                    "print the summary as JSON: {entry, instructions, a2, a2_hex, trace_file, trace_lines, "
                    "state_file}");
}

}  // namespace pietune::tuner::cli
