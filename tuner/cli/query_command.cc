// `pietune query --layer L.json [--index N] [--variant V.json|NAME|best] [--json]`: the predicted cycles
// of one variant (or of the best one) on one layer, with the breakdown by cause and MAC/cycle.
// Exit 0 with an answer; 2 for bad input, an illegal variant or a layer no family covers (an op
// pietune does not model is input it cannot take, as for `variants --layer` and `verify`).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "kernels/variant.h"
#include "model/support/error.h"
#include "tuner/cli/command.h"
#include "tuner/cli/query_options.h"
#include "tuner/model_loader.h"
#include "tuner/query/query_request.h"

namespace pietune::tuner::cli {
namespace {

struct QueryOptions {
  QueryCliOptions service;
  std::string layer_file;
  std::optional<int> index;
  std::string variant = "best";
  bool json = false;
};

// "best", a variant name, inline variant JSON, or a variant JSON file.
VariantRequest resolve_variant(const std::string& text) {
  if (text == "best" || kernels::parse_variant_name(text) || text.starts_with("{"))
    return variant_request_from_text(text, "--variant");
  std::ifstream in(text);
  if (!in)
    throw InputError(fmt::format("--variant: {}: neither \"best\", a variant name nor a readable variant JSON file",
                                 text));
  std::ostringstream content;
  content << in.rdbuf();
  return variant_request_from_text(content.str(), text);
}

kernels::Layer pick_layer(const QueryOptions& o) {
  kernels::Model model = load_model(o.layer_file);
  const int count = static_cast<int>(model.layers.size());
  if (!o.index && count > 1)
    throw InputError(fmt::format("{}: {} layers: choose one with --index (indexes {} to {})", o.layer_file, count,
                                 model.layers.front().index, model.layers.back().index));
  if (!o.index) return std::move(model.layers.front());
  return layer_with_index(model, *o.index, o.layer_file, "--index");
}

std::string breakdown_text(const nlohmann::ordered_json& breakdown, double cycles) {
  std::string text;
  for (const auto& [cause, value] : breakdown.items()) {
    const double v = value.get<double>();
    if (v <= 0) continue;
    text += fmt::format("{}{} {:.0f} ({:.1f}%)", text.empty() ? "" : "  ", cause, v,
                        cycles > 0 ? 100 * v / cycles : 0.0);
  }
  return text;
}

std::string answer_text(const nlohmann::ordered_json& a) {
  const double cycles = a["cycles"].get<double>();
  std::string text = fmt::format("layer {} {} {}, {} MACs ({})\n", a["layer"].get<int>(),
                                 a["op"].get<std::string>(), a["shape"].get<std::string>(),
                                 a["macs"].get<std::int64_t>(), a["placement"].get<std::string>());
  const std::string name = a["variant"]["name"].get<std::string>();
  if (a.contains("search")) {
    const auto& s = a["search"];
    text += fmt::format("  variant    {}  (best of {} estimated, {} legal, {})\n", name,
                        s["estimated"].get<std::int64_t>(), s["legal"].get<std::int64_t>(),
                        s["strategy"].get<std::string>());
  } else {
    text += fmt::format("  variant    {}\n", name);
  }
  text += fmt::format("  cycles     {:.0f}  ({:.2f} MAC/cycle, {:.1f}% of the 16 MAC/cycle peak)\n", cycles,
                      a["mac_per_cycle"].get<double>(), 100 * a["peak_share"].get<double>());
  text += fmt::format("  breakdown  {}\n", breakdown_text(a["breakdown"], cycles));
  if (a.contains("baseline") && a["baseline"].is_object()) {
    const auto& b = a["baseline"];
    text += fmt::format("  baseline   {}  {:.0f} cycles (the chosen variant is {:.2f}x faster)\n",
                        b["variant"].get<std::string>(), b["cycles"].get<double>(), b["speedup"].get<double>());
  } else if (a.contains("baseline")) {
    text += "  baseline   none (no esp-nn-structured variant is legal for this layer)\n";
  }
  const auto& e = a["estimates"];
  text += fmt::format("  estimates  {} computed, {} reused\n", e["computed"].get<std::int64_t>(),
                      e["reused"].get<std::int64_t>());
  return text;
}

int run_query(const QueryOptions& o) {
  const kernels::Layer layer = pick_layer(o);
  const VariantRequest request = resolve_variant(o.variant);
  const std::unique_ptr<QueryService> service = make_query_service(o.service);
  const Answer answer = service->query(layer, request);
  if (o.json) {
    std::fputs((answer.json.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n").c_str(),
               stdout);
  }
  switch (answer.status) {
    case AnswerStatus::kOk:
      if (!o.json) std::fputs(answer_text(answer.json).c_str(), stdout);
      return kExitOk;
    case AnswerStatus::kNotCovered:
    case AnswerStatus::kIllegal:
      if (!o.json) std::fprintf(stderr, "pietune: %s: %s\n", o.layer_file.c_str(), answer.message.c_str());
      return kExitUsageOrInput;
  }
  return kExitUsageOrInput;
}

}  // namespace

void register_query_command(CLI::App& app) {
  auto options = std::make_shared<QueryOptions>();
  CLI::App* command =
      add_command(app, "query",
                  "Predicted cycles of a variant (or the best one) on one layer, with the breakdown by cause; exit 2 "
                  "when no kernel family covers the op or the variant is not legal for the layer",
                  [options] { return run_query(*options); });
  command->add_option("--layer", options->layer_file, "a JSON layer file (or a .tflite model)")->required();
  command->add_option("--index", options->index,
                      "the layer of the file with this index (needed when it holds several)");
  command->add_option("--variant", options->variant, "\"best\" (search), a variant name, or a variant JSON file")
      ->capture_default_str();
  command->add_flag("--json", options->json, "print the answer as JSON (README \"Cost queries\")");
  add_query_options(command, options->service);
}

}  // namespace pietune::tuner::cli
