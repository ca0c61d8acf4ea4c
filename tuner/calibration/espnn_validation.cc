// Runs the esp-nn validation rows through their baseline families and formats the table.
#include "tuner/calibration/espnn_validation.h"

#include <algorithm>
#include <cmath>
#include <limits>

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

// The test allocated everything in one memory: weights and bias follow the activations.
Placement placement_of(const std::string& memory, const std::string& where) {
  const model::MemRegion region = parse_region(memory, where + ": memory", false);
  return Placement{.activations = region, .weights = region};
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
  for (const kernels::Variant& v : kernels::candidate_variants(*family, layer)) {
    if (std::optional<kernels::Rejection> r = family->legal(layer, v)) {
      if (first_rejection.empty()) first_rejection = fmt::format("{}: {}: {}", v.name(), r->rule, r->reason);
      continue;
    }
    // The published number is a warm single call: the C reference ran on the same buffers first.
    EstimateInput input = estimate_input(layer, v, placement_of(row.memory, row.name));
    input.options.warm_data = true;
    const VariantEstimate e = estimate_prepared(fast, input);
    if (e.cost.cycles < best) {
      best = e.cost.cycles;
      row.variant = v.name();
      row.predicted = e.cost.cycles;
    }
  }
  if (row.variant.empty()) row.not_run = fmt::format("{} rejects the layer: {}", family->name, first_rejection);
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
      "`research/espnn_kernel_timings.md`). Published: esp-nn's README, optimized ticks, one warm-data call. "
      "Predicted: the baseline family of the esp-nn kernel the test ran, fast mode. Bound: every row within "
      "{:.0f}%, MAPE at most 10%.\n\n"
      "| case | memory | esp-nn kernel | baseline variant | published | predicted | error | note |\n"
      "|---|---|---|---|---:|---:|---:|---|\n",
      machine.name, machine.hash_hex(), kRowBoundPercent);
  for (const EspnnValidationRow& r : rows) {
    if (!r.run()) continue;
    std::string note = r.kernel_note;
    if (!r.note.empty()) note += (note.empty() ? "" : "; ") + r.note;
    out += fmt::format("| {} | {} | `{}` | `{}` | {:.0f} | {:.0f} | {:+.1f}%{} | {} |\n", r.name, r.memory,
                       r.espnn_kernel, r.variant, r.published, r.predicted, r.error_percent(),
                       std::fabs(r.error_percent()) > kRowBoundPercent ? " **out**" : "", table_cell(note));
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
