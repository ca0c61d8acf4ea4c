// Machine description: every calibratable timing parameter of a core, with unit, source and
// confidence, loaded from JSON (model/machines/esp32s3.json). Its content hash tags every result.
//
// Format: {"name": ..., "base": "optional path of a machine it overrides", "parameters":
//   {"<key>": {"value": number, "unit": "...", "source": "...", "confidence": "doc|measured|inferred"}}}
// A variant machine names its base and lists only the parameters it changes.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pietune::model {

enum class Confidence { kDoc, kMeasured, kInferred };

struct MachineParam {
  double value = 0;
  std::string unit;
  std::string source;
  Confidence confidence = Confidence::kInferred;
};

struct Machine {
  std::string name;
  std::map<std::string, MachineParam> params;  // every key of kMachineKeys
  std::uint64_t hash = 0;                      // FNV-1a 64 over the canonical parameter list

  // Typed views of the parameters the timing model reads.
  double clock_hz = 0;
  int taken_branch_penalty = 0;
  int jump_penalty = 0;
  int loop_back_penalty = 0;
  double loop_min_body_cycles = 0;
  int loop_setup_cycles = 0;
  double store_extra_cycles = 0;
  int write_buffer_entries = 0;
  int rur_use_stage = 1;
  int wur_def_stage = 1;
  int sram_latency_cycles = 0;
  int dcache_size_bytes = 0;
  int dcache_ways = 0;
  int dcache_line_bytes = 0;
  // The instruction cache in front of code in flash (code in IRAM bypasses it).
  int icache_size_bytes = 0;
  int icache_ways = 0;
  int icache_line_bytes = 0;
  double flash_loop_back_cycles = 0;  // a zero-overhead loop-back in code fetched through the I-cache
  // From the *_ns parameters at clock_hz.
  double psram_fill_fixed_cycles = 0;
  double psram_fill_cycles_per_byte = 0;
  double psram_writeback_cycles_per_byte = 0;
  double flash_fill_fixed_cycles = 0;
  double flash_fill_cycles_per_byte = 0;
  double tflm_op_overhead_cycles = 0;  // TFLite Micro's work per operator around its kernel
  // Calls (issue 14 item 2): bubbles of CALL*/CALLX* and of returns inside the program, ENTRY's
  // cycles beyond its issue, and the window exceptions: entry + RFWO/RFWU return, and the handler
  // of overflow4/8/12, underflow4/8/12 (ESP-IDF xtensa_vectors.S), in that order.
  int call_penalty = 0;
  int return_penalty = 0;
  int entry_extra_cycles = 0;
  double window_exception_overhead_cycles = 0;
  std::array<double, 6> window_handler_cycles{};

  double psram_line_fill_cycles() const { return psram_fill_fixed_cycles + psram_fill_cycles_per_byte * dcache_line_bytes; }
  double flash_line_fill_cycles() const { return flash_fill_fixed_cycles + flash_fill_cycles_per_byte * dcache_line_bytes; }
  // An instruction-cache miss: one I-cache line read from flash.
  double code_line_fill_cycles() const { return flash_fill_fixed_cycles + flash_fill_cycles_per_byte * icache_line_bytes; }
  std::string hash_hex() const;
};

// The machine as a complete machine file (no base; parameters in key order): parse_machine of it
// gives the same machine (same hash).
std::string machine_json(const Machine& machine, const std::string& description = "");

// `machine` with the given parameter values (their unit and confidence kept; `source`, when not
// empty, replaces the source of each changed one), validated and hashed again. InputError naming a
// key that is unknown, outside its range or not an integer where one is required.
Machine with_param_values(const Machine& machine, const std::map<std::string, double>& values,
                          const std::string& source = "");

// A key's plausible range and whether it is an integer; nullopt for an unknown key.
struct MachineKeyRange {
  double min = 0;
  double max = 0;
  bool integer = false;
};
std::optional<MachineKeyRange> machine_key_range(std::string_view key);

// Loads and validates a machine file; InputError names the file and the offending key.
Machine load_machine(const std::filesystem::path& path);
// Parses machine JSON text; `where` names the source in errors.
Machine parse_machine(const std::string& json_text, const std::string& where);
// The bundled ESP32-S3 description (compiled in from model/machines/esp32s3.json).
const Machine& default_machine();

// The machines compiled in by name: "esp32s3" (the default) and the presets of
// model/machines/presets/ (ESP-IDF's defaults, esp-tflite-micro's example configuration, esp-nn's
// test app), each a variant of esp32s3 with sources for what it changes.
std::vector<std::string> machine_preset_names();
std::optional<Machine> find_machine_preset(std::string_view name);
// A preset by name, else the machine file at that path; InputError naming both when neither exists.
Machine load_machine_or_preset(const std::string& name_or_path);

}  // namespace pietune::model
