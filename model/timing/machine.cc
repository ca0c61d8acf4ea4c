// Loading, validation and hashing of machine descriptions.
#include "model/timing/machine.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <nlohmann/json.hpp>
#include <utility>

#include "model/machines/embedded_machine.h"
#include "model/support/bounded_read.h"
#include "model/support/error.h"
#include "model/support/json_input.h"

namespace pietune::model {
namespace {

struct KeySpec {
  const char* key;
  double min;
  double max;
  bool integer;
};

// Every key a machine must define, with its plausible range.
constexpr KeySpec kMachineKeys[] = {
    {"clock_hz", 1e6, 1e9, true},
    {"taken_branch_penalty", 0, 16, true},
    {"jump_penalty", 0, 16, true},
    {"loop_back_penalty", 0, 16, true},
    {"loop_min_body_cycles", 0, 16, false},
    {"loop_setup_cycles", 0, 64, true},
    {"store_extra_cycles", 0, 16, false},
    {"write_buffer_entries", 0, 64, true},
    {"rur_use_stage", 0, 3, true},
    {"wur_def_stage", 0, 3, true},
    {"sram_latency_cycles", 0, 64, true},
    {"dcache_size_bytes", 1024, 1 << 20, true},
    {"dcache_ways", 1, 64, true},
    {"dcache_line_bytes", 4, 1024, true},
    {"icache_size_bytes", 1024, 1 << 20, true},
    {"icache_ways", 1, 64, true},
    {"icache_line_bytes", 4, 1024, true},
    {"flash_loop_back_cycles", 0, 16, false},
    // Memory behind the caches in nanoseconds: its own clock, so the cycles they cost scale with clock_hz.
    {"psram_fill_fixed_ns", 0, 100000, false},
    {"psram_fill_ns_per_byte", 0, 10000, false},
    {"psram_writeback_ns_per_byte", 0, 10000, false},
    {"flash_fill_fixed_ns", 0, 100000, false},
    {"flash_fill_ns_per_byte", 0, 10000, false},
    {"tflm_op_overhead_cycles", 0, 100000, false},
    {"call_penalty", 0, 16, true},
    {"return_penalty", 0, 16, true},
    {"entry_extra_cycles", 0, 16, true},
    {"window_exception_overhead_cycles", 0, 256, false},
    {"window_overflow4_cycles", 0, 256, false},
    {"window_overflow8_cycles", 0, 256, false},
    {"window_overflow12_cycles", 0, 256, false},
    {"window_underflow4_cycles", 0, 256, false},
    {"window_underflow8_cycles", 0, 256, false},
    {"window_underflow12_cycles", 0, 256, false},
};

Confidence parse_confidence(const std::string& text, const std::string& where) {
  if (text == "doc") return Confidence::kDoc;
  if (text == "measured") return Confidence::kMeasured;
  if (text == "inferred") return Confidence::kInferred;
  throw InputError(fmt::format("{}: confidence must be doc, measured or inferred: '{}'", where, text));
}

// A machine description is a few KB; anything past this is not one.
constexpr std::uint64_t kMaxMachineFileBytes = 16u << 20;

std::string read_file(const std::filesystem::path& path) {
  BoundedRead read = read_bounded(path, kMaxMachineFileBytes);
  if (read.outcome == BoundedRead::Outcome::kTooLarge)
    throw InputError(fmt::format("{}: {}: too large for a machine file", path.string(), read.reason));
  if (!read.ok()) throw InputError(fmt::format("{}: cannot open machine file", path.string()));
  return std::move(read.bytes);
}

void read_params(const nlohmann::json& doc, const std::string& where, std::map<std::string, MachineParam>& params) {
  if (!doc.contains("parameters") || !doc.at("parameters").is_object())
    throw InputError(fmt::format("{}: missing object 'parameters'", where));
  for (const auto& [key, entry] : doc.at("parameters").items()) {
    const std::string at = fmt::format("{}: parameter '{}'", where, key);
    bool known = false;
    for (const KeySpec& spec : kMachineKeys) known = known || key == spec.key;
    if (!known) throw InputError(fmt::format("{}: unknown parameter", at));
    if (!entry.is_object() || !entry.contains("value") || !entry["value"].is_number())
      throw InputError(fmt::format("{}: needs a numeric 'value'", at));
    MachineParam param;
    param.value = entry["value"].get<double>();
    param.unit = entry.value("unit", "");
    param.source = entry.value("source", "");
    param.confidence = parse_confidence(entry.value("confidence", "inferred"), at);
    if (param.source.empty()) throw InputError(fmt::format("{}: needs a 'source'", at));
    params[key] = param;
  }
}

void check_cache_geometry(const char* cache, int size, int ways, int line, const std::string& where) {
  if ((line & (line - 1)) != 0)
    throw InputError(fmt::format("{}: {}_line_bytes {} is not a power of two", where, cache, line));
  if (size % (ways * line) != 0)
    throw InputError(fmt::format("{}: {}_size_bytes {} is not a multiple of ways x line ({} x {})", where, cache, size,
                                 ways, line));
}

Machine build(const std::string& name, std::map<std::string, MachineParam> params, const std::string& where) {
  Machine m;
  m.name = name;
  std::string canonical = name;
  for (const KeySpec& spec : kMachineKeys) {
    auto it = params.find(spec.key);
    if (it == params.end()) throw InputError(fmt::format("{}: missing parameter '{}'", where, spec.key));
    const double v = it->second.value;
    if (v < spec.min || v > spec.max)
      throw InputError(fmt::format("{}: parameter '{}': {} outside {}..{}", where, spec.key, v, spec.min, spec.max));
    if (spec.integer && v != static_cast<double>(static_cast<long long>(v)))
      throw InputError(fmt::format("{}: parameter '{}': {} must be an integer", where, spec.key, v));
    canonical += fmt::format("|{}={:.17g}", spec.key, v);
  }
  m.params = std::move(params);
  auto get = [&](const char* key) { return m.params.at(key).value; };
  m.clock_hz = get("clock_hz");
  m.taken_branch_penalty = static_cast<int>(get("taken_branch_penalty"));
  m.jump_penalty = static_cast<int>(get("jump_penalty"));
  m.loop_back_penalty = static_cast<int>(get("loop_back_penalty"));
  m.loop_min_body_cycles = get("loop_min_body_cycles");
  m.loop_setup_cycles = static_cast<int>(get("loop_setup_cycles"));
  m.store_extra_cycles = get("store_extra_cycles");
  m.write_buffer_entries = static_cast<int>(get("write_buffer_entries"));
  m.rur_use_stage = static_cast<int>(get("rur_use_stage"));
  m.wur_def_stage = static_cast<int>(get("wur_def_stage"));
  m.sram_latency_cycles = static_cast<int>(get("sram_latency_cycles"));
  m.dcache_size_bytes = static_cast<int>(get("dcache_size_bytes"));
  m.dcache_ways = static_cast<int>(get("dcache_ways"));
  m.dcache_line_bytes = static_cast<int>(get("dcache_line_bytes"));
  m.icache_size_bytes = static_cast<int>(get("icache_size_bytes"));
  m.icache_ways = static_cast<int>(get("icache_ways"));
  m.icache_line_bytes = static_cast<int>(get("icache_line_bytes"));
  m.flash_loop_back_cycles = get("flash_loop_back_cycles");
  const double cycles_per_ns = m.clock_hz / 1e9;
  m.psram_fill_fixed_cycles = get("psram_fill_fixed_ns") * cycles_per_ns;
  m.psram_fill_cycles_per_byte = get("psram_fill_ns_per_byte") * cycles_per_ns;
  m.psram_writeback_cycles_per_byte = get("psram_writeback_ns_per_byte") * cycles_per_ns;
  m.flash_fill_fixed_cycles = get("flash_fill_fixed_ns") * cycles_per_ns;
  m.flash_fill_cycles_per_byte = get("flash_fill_ns_per_byte") * cycles_per_ns;
  m.tflm_op_overhead_cycles = get("tflm_op_overhead_cycles");
  m.call_penalty = static_cast<int>(get("call_penalty"));
  m.return_penalty = static_cast<int>(get("return_penalty"));
  m.entry_extra_cycles = static_cast<int>(get("entry_extra_cycles"));
  m.window_exception_overhead_cycles = get("window_exception_overhead_cycles");
  m.window_handler_cycles = {get("window_overflow4_cycles"),  get("window_overflow8_cycles"),
                             get("window_overflow12_cycles"), get("window_underflow4_cycles"),
                             get("window_underflow8_cycles"), get("window_underflow12_cycles")};
  check_cache_geometry("dcache", m.dcache_size_bytes, m.dcache_ways, m.dcache_line_bytes, where);
  check_cache_geometry("icache", m.icache_size_bytes, m.icache_ways, m.icache_line_bytes, where);
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : canonical) h = (h ^ c) * 1099511628211ull;
  m.hash = h;
  return m;
}

const Machine& built_in_machine();

// A compiled-in machine (a preset) may only be based on the compiled-in esp32s3.json.
const Machine& built_in_base(const std::string& base, const std::string& where) {
  if (std::filesystem::path(base).filename() != "esp32s3.json")
    throw InputError(fmt::format("{}: 'base' {}: a built-in machine can only be based on esp32s3.json", where, base));
  return built_in_machine();
}

Machine parse_with_base(const std::string& text, const std::string& where, const std::filesystem::path* dir, int depth) {
  // A parameter given twice is refused, not resolved silently to its last value (as in layer files).
  const nlohmann::json doc = parse_json_input(text, where, DuplicateKeys::kReject);
  if (!doc.is_object()) throw InputError(fmt::format("{}: expected a JSON object", where));
  std::map<std::string, MachineParam> params;
  if (doc.contains("base")) {
    if (!doc.at("base").is_string()) throw InputError(fmt::format("{}: 'base' must name a machine file", where));
    if (depth > 8) throw InputError(fmt::format("{}: 'base' chain too deep", where));
    if (dir == nullptr) params = built_in_base(doc.at("base").get<std::string>(), where).params;
  }
  if (doc.contains("base") && dir != nullptr) {
    const std::filesystem::path base_path = *dir / doc.at("base").get<std::string>();
    const std::filesystem::path base_dir = base_path.parent_path();
    params = parse_with_base(read_file(base_path), base_path.string(), &base_dir, depth + 1).params;
  }
  // value() of a key given with the wrong type ("unit": 5) throws type_error: a clean error too.
  const std::string name = read_json_input(where, [&] {
    read_params(doc, where, params);
    return doc.value("name", "");
  });
  if (name.empty()) throw InputError(fmt::format("{}: missing 'name'", where));
  return build(name, std::move(params), where);
}

const Machine& built_in_machine() {
  static const Machine machine = parse_machine(detail::kEsp32s3MachineJson, "esp32s3.json (built in)");
  return machine;
}

}  // namespace

std::string Machine::hash_hex() const { return fmt::format("{:016x}", hash); }

std::string machine_json(const Machine& machine, const std::string& description) {
  nlohmann::ordered_json params = nlohmann::ordered_json::object();
  static constexpr const char* kConfidence[] = {"doc", "measured", "inferred"};
  for (const KeySpec& spec : kMachineKeys) {
    const MachineParam& p = machine.params.at(spec.key);
    params[spec.key] = {{"value", p.value},
                        {"unit", p.unit},
                        {"source", p.source},
                        {"confidence", kConfidence[static_cast<int>(p.confidence)]}};
  }
  nlohmann::ordered_json doc = {{"name", machine.name}};
  if (!description.empty()) doc["description"] = description;
  doc["parameters"] = params;
  return doc.dump(2) + "\n";
}

Machine with_param_values(const Machine& machine, const std::map<std::string, double>& values,
                          const std::string& source) {
  std::map<std::string, MachineParam> params = machine.params;
  for (const auto& [key, value] : values) {
    if (!machine_key_range(key)) throw InputError(fmt::format("machine {}: unknown parameter '{}'", machine.name, key));
    MachineParam& p = params.at(key);
    if (p.value != value && !source.empty()) p.source = source;
    p.value = value;
  }
  return build(machine.name, std::move(params), fmt::format("machine {}", machine.name));
}

std::optional<MachineKeyRange> machine_key_range(std::string_view key) {
  for (const KeySpec& spec : kMachineKeys)
    if (key == spec.key) return MachineKeyRange{spec.min, spec.max, spec.integer};
  return std::nullopt;
}

Machine parse_machine(const std::string& json_text, const std::string& where) {
  return parse_with_base(json_text, where, nullptr, 0);
}

Machine load_machine(const std::filesystem::path& path) {
  const std::filesystem::path dir = path.parent_path();
  return parse_with_base(read_file(path), path.string(), &dir, 0);
}

const Machine& default_machine() { return built_in_machine(); }

std::vector<std::string> machine_preset_names() {
  std::vector<std::string> names{"esp32s3"};
  for (const detail::EmbeddedPreset& p : detail::kMachinePresets) names.emplace_back(p.name);
  return names;
}

Machine load_machine_or_preset(const std::string& name_or_path) {
  if (std::optional<Machine> preset = find_machine_preset(name_or_path)) return *preset;
  std::error_code ec;
  if (!std::filesystem::exists(name_or_path, ec))
    throw InputError(fmt::format("{}: neither a machine file nor a preset (presets: {})", name_or_path,
                                 fmt::join(machine_preset_names(), ", ")));
  return load_machine(name_or_path);
}

std::optional<Machine> find_machine_preset(std::string_view name) {
  if (name == "esp32s3") return default_machine();
  for (const detail::EmbeddedPreset& p : detail::kMachinePresets)
    if (name == p.name) return parse_machine(p.json, fmt::format("preset {} (built in)", p.name));
  return std::nullopt;
}

}  // namespace pietune::model
