// Runs calibration kernels in the emulator + detailed timing model and formats the table.
#include "tuner/calibration/calibration.h"

#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "emu_bridge/asm/asm_parser.h"
#include "emu_bridge/timed_run.h"
#include "model/support/bounded_read.h"
#include "model/support/error.h"
#include "model/support/json_input.h"

namespace pietune::tuner {
namespace {

// Buffers are laid out from the start of their region, 64-byte aligned, one after another.
std::vector<std::uint32_t> place_buffers(const nlohmann::json& buffers, const std::string& where) {
  std::uint32_t next_sram = emu::kSramBase + 0x8000;  // above the low SRAM the stack never reaches
  std::uint32_t next_psram = emu::kPsramBase;
  std::uint32_t next_flash = emu::kFlashBase;
  std::vector<std::uint32_t> addrs;
  for (const auto& b : buffers) {
    const std::string region = b.at("region").get<std::string>();
    const auto bytes = b.at("bytes").get<std::uint32_t>();
    std::uint32_t* next = region == "sram" ? &next_sram : region == "psram" ? &next_psram : region == "flash" ? &next_flash : nullptr;
    if (next == nullptr) throw InputError(fmt::format("{}: unknown region '{}'", where, region));
    addrs.push_back(*next);
    *next += (bytes + 63) / 64 * 64;
  }
  return addrs;
}

// A buffer's optional "words": 32-bit little-endian values from its start, each a number or
// {"buffer": i, "offset": o}, the address of buffer i plus o (argument structs such as image2d_t).
void fill_buffers(emu::Memory& memory, const nlohmann::json& buffers, const std::vector<std::uint32_t>& addrs,
                  const std::string& where) {
  for (std::size_t i = 0; i < addrs.size(); ++i) {
    const nlohmann::json& b = buffers.at(i);
    if (!b.contains("words")) continue;
    std::vector<std::uint8_t> bytes;
    for (const auto& w : b.at("words")) {
      std::uint32_t value = 0;
      if (w.is_object()) {
        const auto target = w.at("buffer").get<std::size_t>();
        if (target >= addrs.size()) throw InputError(fmt::format("{}: buffer {} has no buffer {}", where, i, target));
        value = addrs[target] + w.value("offset", 0u);
      } else {
        value = static_cast<std::uint32_t>(w.get<std::int64_t>());
      }
      for (int k = 0; k < 4; ++k) bytes.push_back(static_cast<std::uint8_t>(value >> (8 * k)));
    }
    if (bytes.size() > b.at("bytes").get<std::size_t>())
      throw InputError(fmt::format("{}: buffer {}: more words than bytes", where, i));
    memory.load(addrs[i], bytes);
  }
}

double timed_cycles(const model::Program& program, const model::Machine& machine, const std::string& entry,
                    const nlohmann::json& row, const std::string& where) {
  emu::Emulator emulator(program);
  const std::vector<std::uint32_t> addrs = place_buffers(row.at("buffers"), where);
  fill_buffers(emulator.memory(), row.at("buffers"), addrs, where);
  // Buffers are the first arguments, in order, except those marked "arg": false (data that only
  // other buffers point to).
  std::vector<std::uint32_t> args;
  for (std::size_t i = 0; i < addrs.size(); ++i)
    if (row.at("buffers").at(i).value("arg", true)) args.push_back(addrs[i]);
  for (const auto& s : row.value("scalars", nlohmann::json::array()))
    args.push_back(static_cast<std::uint32_t>(s.get<std::int64_t>()));
  emu::TimingOptions options;
  options.flush_cache_after = row.value("flush_after", false);
  return emu::run_timed(emulator, machine, entry, args, options).cost.cycles;
}

// The rows of a parsed manifest, each run.
std::vector<CalibrationRow> run_rows(const nlohmann::json& doc, const std::filesystem::path& manifest,
                                     const model::Machine& machine) {
  std::vector<CalibrationRow> rows;
  for (const auto& r : doc.at("rows")) {
    CalibrationRow row;
    row.name = r.at("name").get<std::string>();
    const std::string where = fmt::format("{}: row '{}'", manifest.string(), row.name);
    row.source = r.value("source", "");
    row.kind = r.at("kind").get<std::string>();
    row.published = r.at("published").get<double>();
    row.derives = r.value("derives", "");
    row.suspect = r.value("suspect", "");
    if (row.kind == "not_run") {
      row.not_run_reason = r.at("reason").get<std::string>();
      rows.push_back(row);
      continue;
    }
    const model::Program program =
        emu::parse_assembly_file((manifest.parent_path() / r.at("kernel").get<std::string>()).string());
    const double cycles = timed_cycles(program, machine, r.at("entry").get<std::string>(), r, where);
    if (row.kind == "stall") {
      const double twin = timed_cycles(program, machine, r.at("twin").get<std::string>(), r, where);
      row.predicted = (cycles - twin) / r.at("iterations").get<double>();
    } else if (row.kind == "cycles") {
      row.predicted = cycles;
    } else {
      throw InputError(fmt::format("{}: kind must be 'cycles', 'stall' or 'not_run'", where));
    }
    rows.push_back(row);
  }
  return rows;
}

}  // namespace

double CalibrationRow::error_percent() const {
  if (published == 0) return 0;
  return 100.0 * (predicted - published) / published;
}

std::vector<CalibrationRow> run_calibration(const std::filesystem::path& manifest, const model::Machine& machine) {
  const BoundedRead read = read_bounded(manifest, 16u << 20);  // the bundled one is a few KB
  if (!read.ok()) throw InputError(fmt::format("{}: cannot open calibration manifest", manifest.string()));
  const nlohmann::json doc = parse_json_input(read.bytes, manifest.string());
  // A missing key (at) or a value of the wrong type (get) in a row is a clean error naming the file.
  return read_json_input(manifest.string(), [&] { return run_rows(doc, manifest, machine); });
}

CalibrationError calibration_error(const std::vector<CalibrationRow>& rows) {
  double sum = 0, plain_sum = 0;
  CalibrationError error;
  for (const CalibrationRow& r : rows) {
    if (r.kind != "cycles") continue;
    sum += std::fabs(r.error_percent());
    ++error.rows;
    if (r.suspect.empty()) {
      plain_sum += std::fabs(r.error_percent());
      ++error.plain_rows;
    }
  }
  error.mape_percent = error.rows ? sum / error.rows : 0.0;
  error.plain_mape_percent = error.plain_rows ? plain_sum / error.plain_rows : 0.0;
  return error;
}

nlohmann::ordered_json calibration_json(const std::vector<CalibrationRow>& rows, const model::Machine& machine) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const CalibrationRow& r : rows) {
    nlohmann::ordered_json row = {{"name", r.name}, {"kind", r.kind}, {"source", r.source}, {"published", r.published}};
    if (r.kind == "not_run") {
      row["reason"] = r.not_run_reason;
    } else {
      row["predicted"] = r.predicted;
      if (r.kind == "cycles") row["error_percent"] = r.error_percent();
      if (r.kind == "stall") row["difference"] = r.abs_error();
    }
    row["derives"] = r.derives;
    row["suspect"] = r.suspect;
    list.push_back(row);
  }
  const CalibrationError error = calibration_error(rows);
  return {{"machine", machine.name},
          {"machine_hash", machine.hash_hex()},
          {"cycle_rows", error.rows},
          {"mape_percent", error.mape_percent},
          {"plain_rows", error.plain_rows},
          {"plain_mape_percent", error.plain_mape_percent},
          {"rows", list}};
}

std::string calibration_markdown(const std::vector<CalibrationRow>& rows, const model::Machine& machine) {
  std::string out = fmt::format(
      "# Timing-model calibration: published micro-benchmarks vs detailed mode\n\n"
      "Generated by `scripts/calibrate` (`pietune calibrate`) with machine `{}` (hash {}). Kernels: "
      "`model/machines/calibration/`. Rows marked *derives* were used to set the named machine "
      "parameters, so they do not validate them.\n\n"
      "## Total cycles\n\n| kernel | published | predicted | error | note |\n|---|---:|---:|---:|---|\n",
      machine.name, machine.hash_hex());
  for (const CalibrationRow& r : rows) {
    if (r.kind != "cycles") continue;
    std::string note = r.derives.empty() ? r.source : "derives " + r.derives;
    if (!r.suspect.empty()) note += "; suspect: " + r.suspect;
    out += fmt::format("| {} | {:.0f} | {:.0f} | {:+.2f}% | {} |\n", r.name, r.published, r.predicted, r.error_percent(), note);
  }
  const CalibrationError error = calibration_error(rows);
  out += fmt::format("\n**MAPE over {} cycle rows: {:.2f}%** ({} rows without a suspected modelling gap: {:.2f}%)\n\n",
                     error.rows, error.mape_percent, error.plain_rows, error.plain_mape_percent);
  out += "## Stalls per iteration (dependent minus independent twin)\n\n"
         "| anchor | published | predicted | difference (cycles) |\n|---|---:|---:|---:|\n";
  for (const CalibrationRow& r : rows) {
    if (r.kind != "stall") continue;
    out += fmt::format("| {} | {:.2f} | {:.2f} | {:+.2f} |\n", r.name, r.published, r.predicted, r.abs_error());
  }
  bool header = false;
  for (const CalibrationRow& r : rows) {
    if (r.kind != "not_run") continue;
    if (!header)
      out += "\n## Published rows not run\n\n"
             "No kernel of ours follows these: what is missing to run them.\n\n"
             "| row | published | why not |\n|---|---:|---|\n";
    header = true;
    out += fmt::format("| {} | {:.0f} | {} |\n", r.name, r.published, r.not_run_reason);
  }
  return out;
}

}  // namespace pietune::tuner
