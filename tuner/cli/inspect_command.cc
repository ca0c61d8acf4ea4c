// `pietune inspect MODEL [--json]`: the layer table of a model, or its layers as JSON.
#include <cstdio>
#include <memory>
#include <string>

#include "kernels/layer_json.h"
#include "tuner/cli/command.h"
#include "tuner/inspect/inspect_table.h"
#include "tuner/model_loader.h"

namespace pietune::tuner::cli {
namespace {

struct InspectOptions {
  std::string model;
  bool json = false;
};

int run_inspect(const InspectOptions& options) {
  const kernels::Model model = load_model(options.model);
  const std::string text = options.json ? kernels::layers_to_json_text(model.layers) + "\n"
                                        : format_inspect_table(model);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return kExitOk;
}

}  // namespace

void register_inspect_command(CLI::App& app) {
  auto options = std::make_shared<InspectOptions>();
  CLI::App* command = add_command(
      app, "inspect",
      "List every operator of a model (.tflite or JSON layer file) with shapes, options, MACs "
      "and weight bytes, then totals",
      [options] { return run_inspect(*options); });
  command->add_option("MODEL", options->model, "a .tflite model or a JSON layer file")->required();
  command->add_flag("--json", options->json,
                    "print the layers in the JSON layer format instead of the table");
}

}  // namespace pietune::tuner::cli
