// `pietune verify --layer FILE [--index N] [--variant V | --all] [--cases N] [--seed S] [--json]`:
// runs kernel variants in the emulator on seeded random data and compares them with the reference
// ops bit for bit. Exit 1 when any variant mismatches, 2 on bad input or an illegal variant.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "kernels/enumerate.h"
#include "kernels/registry.h"
#include "kernels/verify.h"
#include "model/support/bounded_read.h"
#include "model/support/error.h"
#include "model/support/json_input.h"
#include "tuner/cli/command.h"
#include "tuner/cli/seed_option.h"
#include "tuner/cli/verify_model.h"
#include "tuner/model_loader.h"

namespace pietune::tuner::cli {
namespace {

struct VerifyCliOptions {
  std::string layer_file;
  std::optional<int> index;
  std::string variant;
  bool all = false;
  int cases = 10;
  bool cases_given = false;
  std::uint64_t seed = 1;
  bool json = false;
};

kernels::Variant read_variant(const std::string& arg) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(arg, ec)) {
    // A variant object is a few hundred bytes: a larger file is not one, and is not read whole.
    const BoundedRead read = read_bounded(arg, 1u << 20);
    if (!read.ok()) throw InputError(fmt::format("--variant: {}: {}", arg, read.reason));
    return kernels::variant_from_json(parse_json_input(read.bytes, arg, DuplicateKeys::kReject), arg);
  }
  if (std::optional<kernels::Variant> v = kernels::parse_variant_name(arg)) return *v;
  throw InputError(fmt::format("--variant: {}: neither a variant file nor a variant name", arg));
}

std::string verdict_line(const kernels::Verdict& v) {
  std::string line = fmt::format("{}: {} cases, {} outputs, {} mismatches, max abs diff {}", v.variant, v.cases,
                                 v.outputs, v.mismatches, v.max_abs_diff);
  if (v.first)
    line += fmt::format("; first: case {} (n, y, x, c) = ({}, {}, {}, {}) expected {} got {}", v.first->case_index,
                        v.first->n, v.first->y, v.first->x, v.first->c, v.first->expected, v.first->actual);
  if (v.guard_writes) line += fmt::format("; {} bytes written outside the output", v.guard_writes);
  if (v.fault) line += "; fault: " + *v.fault;
  return line;
}

nlohmann::json verdict_json(const kernels::Verdict& v) {
  nlohmann::json j{{"variant", v.variant},   {"cases", v.cases},
                   {"outputs", v.outputs},   {"mismatches", v.mismatches},
                   {"max_abs_diff", v.max_abs_diff}, {"guard_writes", v.guard_writes},
                   {"passed", v.passed()}};
  if (v.first)
    j["first"] = {{"case", v.first->case_index}, {"n", v.first->n}, {"y", v.first->y}, {"x", v.first->x},
                  {"c", v.first->c}, {"expected", v.first->expected}, {"actual", v.first->actual}};
  if (v.fault) j["fault"] = *v.fault;
  return j;
}

int run_verify(const VerifyCliOptions& options) {
  if (!options.variant.empty() && options.all) throw InputError("verify: give at most one of --variant and --all");
  if (options.cases < 1) throw InputError(fmt::format("verify: --cases: {} is not a positive count", options.cases));
  const kernels::Model model = load_model(options.layer_file);
  const std::optional<kernels::Variant> chosen =
      options.variant.empty() ? std::nullopt : std::optional<kernels::Variant>(read_variant(options.variant));

  std::vector<const kernels::Layer*> layers;
  if (options.index) {
    layers.push_back(&layer_with_index(model, *options.index, options.layer_file, "--index"));
  } else {
    for (const kernels::Layer& layer : model.layers)
      if (chosen ? kernels::find_family(chosen->family)->op == layer.op : true) layers.push_back(&layer);
  }

  bool failed = false;
  int verified = 0;
  nlohmann::json doc = nlohmann::json::array();
  for (const kernels::Layer* layer_ptr : layers) {
    const std::string where = fmt::format("{}: layer {}", options.layer_file, layer_ptr->index);
    std::vector<kernels::Variant> variants;
    kernels::Layer layer;
    try {
      layer = kernels::with_random_constants(*layer_ptr, options.seed);
      if (chosen) {
        kernels::require_legal(layer, *chosen);
        variants.push_back(*chosen);
      } else {
        variants = kernels::enumerate_variants(layer).legal;
        bool any_family = false;
        for (const kernels::FamilySpec& f : kernels::all_families()) any_family = any_family || f.op == layer.op;
        if (!any_family) {
          if (options.index || model.layers.size() == 1)
            throw InputError(fmt::format("no variant family for {}", layer.op_name));
          continue;
        }
      }
    } catch (const InputError& e) {
      throw InputError(fmt::format("{}: {}", where, e.what()));
    }
    if (!options.json) std::printf("layer %d %s\n", layer.index, layer.op_name.c_str());
    nlohmann::json results = nlohmann::json::array();
    for (const kernels::Variant& v : variants) {
      kernels::Verdict verdict;
      try {
        verdict = kernels::verify_variant(layer, v, {.cases = options.cases, .seed = options.seed});
      } catch (const InputError& e) {
        throw InputError(fmt::format("{}: {}", where, e.what()));
      }
      failed = failed || !verdict.passed();
      ++verified;
      if (options.json)
        results.push_back(verdict_json(verdict));
      else
        std::printf("  %s\n", verdict_line(verdict).c_str());
      std::fflush(stdout);
    }
    if (options.json) doc.push_back({{"layer", layer.index}, {"op", layer.op_name}, {"verdicts", results}});
  }
  if (verified == 0) throw InputError(fmt::format("{}: no layer with a variant to verify", options.layer_file));
  if (options.json) std::printf("%s\n", doc.dump(2).c_str());
  return failed ? kExitCheckFailed : kExitOk;
}

}  // namespace

void register_verify_command(CLI::App& app) {
  auto options = std::make_shared<VerifyCliOptions>();
  auto model = std::make_shared<VerifyModelOptions>();
  CLI::App* command = add_command(app, "verify",
                                  "Run kernel variants in the emulator on seeded random data and compare them bit for "
                                  "bit with the reference ops; exit 1 on any mismatch. With MODEL: the whole model "
                                  "through its tuned kernels against the reference ops",
                                  [options, model] {
                                    if (model->model.empty() == options->layer_file.empty())
                                      throw InputError("verify: give exactly one of MODEL and --layer FILE");
                                    if (model->model.empty()) return run_verify(*options);
                                    model->cases = options->cases_given ? options->cases : 3;
                                    model->seed = options->seed;
                                    model->json = options->json;
                                    return run_verify_model(*model);
                                  });
  command->add_option("MODEL", model->model, "a .tflite model: verify it whole through its tuned kernels");
  command->add_option("--db", model->tune.db, "with MODEL: the cost database (default results/costdb.sqlite)");
  command->add_option("--machine", model->tune.machine, "with MODEL: a machine description");
  command->add_option("--activations", model->tune.activations, "with MODEL: sram or psram (as for tune)");
  command->add_option("--weights", model->tune.weights, "with MODEL: flash, sram or psram (as for tune)");
  add_layouts_option(command, model->tune);
  command->add_option("--layer", options->layer_file, "a JSON layer file (or a .tflite model)");
  command->add_option("--index", options->index, "only the layer of the file with this index");
  command->add_option("--variant", options->variant, "a variant JSON file or a variant name");
  command->add_flag("--all", options->all, "every legal variant of each layer (the default)");
  command->add_option("--cases", options->cases, "random inputs per variant (default 10; with MODEL 3)")
      ->each([options](const std::string&) { options->cases_given = true; });
  add_seed_option(command, "--seed", options->seed, "seed of the random inputs and of missing constants (default 1)");
  command->add_flag("--json", options->json, "print JSON: per layer {layer, op, verdicts: [...]}");
}

}  // namespace pietune::tuner::cli
