// Runs the esp-nn validation rows through their baseline families and formats the table.
#include "tuner/calibration/espnn_validation.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include <fmt/format.h>

#include "kernels/baselines/espnn/dispatch.h"
#include "kernels/enumerate.h"
#include "kernels/layer_json.h"
#include "kernels/registry.h"
#include "kernels/verify.h"
#include "model/support/bounded_read.h"
#include "model/support/error.h"
#include "model/support/json_input.h"
#include "model/timing/fast_model.h"
#include "tuner/search/estimate.h"
#include "tuner/search/placement.h"

namespace pietune::tuner {
namespace {

// The bound the issue sets for a row (the table marks the rows outside it).
constexpr double kRowBoundPercent = 15.0;

const kernels::FamilySpec* baseline_family_of(std::string_view espnn_kernel) {
  for (const kernels::FamilySpec& f : kernels::all_families())
    if (f.baseline && std::find(f.espnn_kernels.begin(), f.espnn_kernels.end(), espnn_kernel) != f.espnn_kernels.end())
      return &f;
  return nullptr;
}

// The test's conditions: everything in one memory (weights, bias and the wrapper's scratch follow
// the activations); the C reference ran just before on the same input and weights, so those are
// in the data cache, while the optimized call's output and scratch are fresh allocations
// (tests/src/*.c at the benchmark's commit: separate heap_caps_malloc buffers); the kernel's code
// is esp-nn's, in flash (.text).
Placement placement_of(const std::string& memory, const std::string& where) {
  const model::MemRegion region = parse_region(memory, where + ": memory", false);
  return Placement{.activations = region, .weights = region, .scratch = region, .code_in_iram = false,
                   .cold_code = false, .warm_inputs = true};
}

// The fastest legal variant of the family on the layer, by the family's own rules (a benchmark run
// at an older commit may have dispatched the layer to a kernel today's dispatch does not choose).
void run_row(EspnnValidationRow& row, const kernels::Layer& layer, const model::FastModel& fast) {
  const kernels::FamilySpec* family = baseline_family_of(row.espnn_kernel);
  if (family == nullptr) {
    row.not_run = fmt::format("no baseline family models {} yet", row.espnn_kernel);
    return;
  }
  std::string first_rejection;
  double best = std::numeric_limits<double>::infinity();
  std::optional<kernels::Variant> best_variant;
  for (const kernels::Variant& v : kernels::candidate_variants(*family, layer)) {
    if (std::optional<kernels::Rejection> r = family->legal(layer, v)) {
      if (first_rejection.empty()) first_rejection = fmt::format("{}: {}: {}", v.name(), r->rule, r->reason);
      continue;
    }
    const VariantEstimate e = estimate_variant(fast, layer, v, placement_of(row.memory, row.name));
    if (e.cost.cycles < best) {
      best = e.cost.cycles;
      best_variant = v;
      row.variant = v.name();
      row.predicted = e.cost.cycles;
    }
  }
  if (!best_variant) {
    row.not_run = fmt::format("{} rejects the layer: {}", family->name, first_rejection);
    return;
  }
  // The same call with its code cold in the instruction cache (the test's printing and the C
  // reference ran in between): shown beside the prediction, not in it, because a baseline's
  // program unrolls loops esp-nn runs at run time, so its code is larger than esp-nn's.
  Placement cold = placement_of(row.memory, row.name);
  cold.cold_code = true;
  row.cold_code_fetch = estimate_variant(fast, layer, *best_variant, cold).cost.fetch;
}

std::vector<EspnnValidationRow> read_rows(const nlohmann::json& doc, const std::string& file,
                                          const model::FastModel& fast) {
  std::vector<EspnnValidationRow> rows;
  for (const auto& r : doc.at("rows")) {
    EspnnValidationRow row;
    row.name = r.at("name").get<std::string>();
    row.source = r.value("source", "");
    row.memory = r.at("memory").get<std::string>();
    row.published = r.at("published").get<double>();
    row.note = r.value("note", "");
    row.not_run = r.value("not_run", "");
    if (row.run()) {
      const std::string where = fmt::format("{}: row '{}'", file, row.name);
      // Seeded constants, as every estimate generates them: legality may read the weights.
      const kernels::Layer layer =
          kernels::with_random_constants(kernels::parse_layer_file(r.at("layer").dump(), where).layers.at(0), 1);
      row.espnn_kernel = kernels::espnn::espnn_path(layer).kernel;
      if (r.contains("espnn_kernel")) {
        row.espnn_kernel = r.at("espnn_kernel").get<std::string>();
        row.kernel_note = r.at("why_kernel").get<std::string>();
      }
      run_row(row, layer, fast);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string table_cell(const std::string& text) {
  std::string out;
  for (char c : text) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

}  // namespace

double EspnnValidationRow::error_percent() const {
  return published == 0 ? 0 : 100.0 * (predicted - published) / published;
}

std::vector<EspnnValidationRow> run_espnn_validation(const std::filesystem::path& manifest,
                                                     const model::Machine& machine) {
  const BoundedRead read = read_bounded(manifest, 16u << 20);
  if (!read.ok()) throw InputError(fmt::format("{}: cannot open the esp-nn validation set", manifest.string()));
  const nlohmann::json doc = parse_json_input(read.bytes, manifest.string());
  const model::FastModel fast(machine);
  return read_json_input(manifest.string(), [&] { return read_rows(doc, manifest.string(), fast); });
}

EspnnValidationError espnn_validation_error(const std::vector<EspnnValidationRow>& rows) {
  EspnnValidationError error;
  double sum = 0;
  for (const EspnnValidationRow& r : rows) {
    if (!r.run()) continue;
    ++error.rows;
    sum += std::fabs(r.error_percent());
    error.worst_percent = std::max(error.worst_percent, std::fabs(r.error_percent()));
  }
  error.mape_percent = error.rows ? sum / error.rows : 0.0;
  return error;
}

nlohmann::ordered_json espnn_validation_json(const std::vector<EspnnValidationRow>& rows,
                                             const model::Machine& machine) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const EspnnValidationRow& r : rows) {
    nlohmann::ordered_json row = {{"name", r.name}, {"memory", r.memory}, {"published", r.published}};
    if (r.run()) {
      row["espnn_kernel"] = r.espnn_kernel;
      row["kernel_note"] = r.kernel_note;
      row["variant"] = r.variant;
      row["predicted"] = r.predicted;
      row["error_percent"] = r.error_percent();
      row["cold_code_fetch"] = r.cold_code_fetch;
    } else {
      row["not_run"] = r.not_run;
    }
    row["note"] = r.note;
    row["source"] = r.source;
    list.push_back(row);
  }
  const EspnnValidationError error = espnn_validation_error(rows);
  return {{"machine", machine.name}, {"machine_hash", machine.hash_hex()}, {"rows_run", error.rows},
          {"mape_percent", error.mape_percent}, {"worst_percent", error.worst_percent}, {"rows", list}};
}

std::string espnn_validation_markdown(const std::vector<EspnnValidationRow>& rows, const model::Machine& machine) {
  std::string out = fmt::format(
      "# esp-nn's S3 kernels on silicon vs pietune's esp-nn baselines\n\n"
      "Generated by `scripts/calibrate` (`pietune calibrate --set espnn`) with machine `{}` (hash {}). Cases: "
      "`model/machines/calibration/espnn_kernels.json` (shapes, quantization and memory of esp-nn's own tests, "
      "`research/espnn_kernel_timings.md`). Published: esp-nn's README, optimized ticks, one call right after the C reference. "
      "Predicted: the baseline family of the esp-nn kernel the test ran, fast mode, in the test's conditions: "
      "input and weights warm in the data cache (the reference read them), output and scratch fresh "
      "allocations (one fill per line, write-allocate), code in flash and warm. Cold code: what the same "
      "call adds with its code cold in the instruction cache, one fill per line of the baseline's program "
      "(an upper bound: the baselines unroll loops esp-nn runs at run time, so their code is larger than "
      "esp-nn's; not in the prediction). Bound: every row within {:.0f}%, MAPE at most 10%.\n\n"
      "| case | memory | esp-nn kernel | baseline variant | published | predicted | error | cold code | note |\n"
      "|---|---|---|---|---:|---:|---:|---:|---|\n",
      machine.name, machine.hash_hex(), kRowBoundPercent);
  for (const EspnnValidationRow& r : rows) {
    if (!r.run()) continue;
    std::string note = r.kernel_note;
    if (!r.note.empty()) note += (note.empty() ? "" : "; ") + r.note;
    out += fmt::format("| {} | {} | `{}` | `{}` | {:.0f} | {:.0f} | {:+.1f}%{} | +{:.0f} | {} |\n", r.name,
                       r.memory, r.espnn_kernel, r.variant, r.published, r.predicted, r.error_percent(),
                       std::fabs(r.error_percent()) > kRowBoundPercent ? " **out**" : "", r.cold_code_fetch,
                       table_cell(note));
  }
  const EspnnValidationError error = espnn_validation_error(rows);
  out += fmt::format("\n**MAPE over {} rows: {:.1f}%; worst row {:.1f}%.**\n", error.rows, error.mape_percent,
                     error.worst_percent);
  bool header = false;
  for (const EspnnValidationRow& r : rows) {
    if (r.run()) continue;
    if (!header) out += "\n## Rows not run\n\n| case | published | why not |\n|---|---:|---|\n";
    header = true;
    out += fmt::format("| {} | {:.0f} | {} |\n", r.name, r.published, table_cell(r.not_run));
  }
  return out;
}

}  // namespace pietune::tuner
