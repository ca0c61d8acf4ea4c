// `pietune run MODEL (--input IN.bin | --random-input SEED) --output OUT.bin [--single-rounding] [--json]`:
// runs a whole model with the bit-exact reference ops and writes the raw output bytes.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "kernels/reference/random_inputs.h"
#include "kernels/reference/run_model.h"
#include "model/support/error.h"
#include "tuner/cli/command.h"
#include "tuner/cli/seed_option.h"
#include "tuner/model_loader.h"

namespace pietune::tuner::cli {
namespace {

namespace ref = kernels::reference;

struct RunOptions {
  std::string model;
  std::string input;
  std::uint64_t seed = 0;
  CLI::Option* random_input = nullptr;  // --random-input, to tell "given" from the default
  std::string output;
  bool single_rounding = false;
  bool json = false;
};

std::vector<std::uint8_t> read_bytes(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw InputError(path + ": is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open input file");
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The graph inputs from IN.bin: the raw little-endian bytes of every input tensor, in graph order.
std::vector<ref::Tensor> inputs_from_file(const std::string& path,
                                          const std::vector<kernels::TensorDesc>& descs) {
  const std::vector<std::uint8_t> bytes = read_bytes(path);
  std::int64_t needed = 0;
  for (const kernels::TensorDesc& d : descs) needed += d.size_bytes();
  if (static_cast<std::int64_t>(bytes.size()) != needed) {
    std::string what;
    for (const kernels::TensorDesc& d : descs) {
      what += fmt::format("{}{} {}", what.empty() ? "" : " + ", kernels::shape_to_string(d.shape),
                          kernels::to_string(d.type));
    }
    throw InputError(
        fmt::format("{}: {} bytes, the model input {} needs {}", path, bytes.size(), what, needed));
  }
  std::vector<ref::Tensor> tensors;
  std::size_t offset = 0;
  for (std::size_t i = 0; i < descs.size(); ++i) {
    const auto size = static_cast<std::size_t>(descs[i].size_bytes());
    const std::span<const std::uint8_t> part(bytes.data() + offset, size);
    tensors.push_back(
        ref::Tensor::from_bytes(descs[i].type, descs[i].shape, part, fmt::format("{}: input {}", path, i)));
    offset += size;
  }
  return tensors;
}

std::string describe(const std::vector<ref::Tensor>& tensors) {
  std::string text;
  for (const ref::Tensor& t : tensors) {
    text += fmt::format("{}{} {}", text.empty() ? "" : ", ", kernels::shape_to_string(t.shape()),
                        kernels::to_string(t.type()));
  }
  return text;
}

// [{"shape": [1, 96, 96, 1], "type": "int8"}, ...]: what `describe` says, for --json.
nlohmann::ordered_json tensors_json(const std::vector<ref::Tensor>& tensors) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const ref::Tensor& t : tensors) list.push_back({{"shape", t.shape()}, {"type", kernels::to_string(t.type())}});
  return list;
}

// What a finished run did: one summary, written as a line or as JSON.
struct RunSummary {
  const kernels::Model& model;
  ref::RoundingMode rounding;
  const std::vector<ref::Tensor>& inputs;
  const std::vector<ref::Tensor>& outputs;
  std::int64_t output_bytes = 0;
};

std::string summary_text(const RunOptions& options, const RunSummary& s) {
  const bool random_input = options.random_input->count() > 0;
  const std::string source = random_input ? fmt::format("random seed {}", options.seed) : options.input;
  return fmt::format("{}: {} layers, {} rounding, input {} ({}), output {} -> {} ({} bytes)", s.model.name,
                     s.model.layers.size(), ref::to_string(s.rounding), describe(s.inputs), source,
                     describe(s.outputs), options.output, s.output_bytes);
}

nlohmann::ordered_json summary_json(const RunOptions& options, const RunSummary& s) {
  const bool random_input = options.random_input->count() > 0;
  return {{"model", s.model.name},
          {"layers", s.model.layers.size()},
          {"rounding", ref::to_string(s.rounding)},
          {"input_file", random_input ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(options.input)},
          {"random_seed", random_input ? nlohmann::ordered_json(options.seed) : nlohmann::ordered_json(nullptr)},
          {"inputs", tensors_json(s.inputs)},
          {"outputs", tensors_json(s.outputs)},
          {"output_file", options.output},
          {"output_bytes", s.output_bytes}};
}

int run_run(const RunOptions& options) {
  const bool random_input = options.random_input->count() > 0;
  if (options.input.empty() == !random_input) {
    throw InputError("run: give exactly one of --input IN.bin and --random-input SEED");
  }
  const kernels::Model model = load_model(options.model);
  const ref::RoundingMode rounding =
      options.single_rounding ? ref::RoundingMode::kSingle : ref::RoundingMode::kDouble;
  std::vector<ref::Tensor> inputs;
  try {
    ref::check_model_supported(model);
    const std::vector<kernels::TensorDesc> descs = ref::model_inputs(model);
    inputs = random_input ? ref::random_inputs(options.seed, descs) : inputs_from_file(options.input, descs);
  } catch (const InputError& e) {
    const std::string message = e.what();
    // Errors about IN.bin already start with its path.
    if (!options.input.empty() && message.rfind(options.input + ":", 0) == 0) throw;
    throw InputError(options.model + ": " + message);
  }

  // Open the output before running, so that a bad path fails first; leave no file on failure.
  std::ofstream out(options.output, std::ios::binary | std::ios::trunc);
  if (!out) throw InputError(options.output + ": cannot write output file");
  std::vector<ref::Tensor> outputs;
  try {
    outputs = ref::run_model(model, inputs, rounding);
  } catch (const InputError& e) {
    out.close();
    std::error_code ignored;
    std::filesystem::remove(options.output, ignored);
    throw InputError(options.model + ": " + e.what());
  }
  std::int64_t written = 0;
  for (const ref::Tensor& t : outputs) {
    const std::vector<std::uint8_t> bytes = t.to_bytes();
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    written += static_cast<std::int64_t>(bytes.size());
  }
  out.flush();
  if (!out) throw InputError(options.output + ": cannot write output file");

  const RunSummary summary{model, rounding, inputs, outputs, written};
  const std::string text =
      options.json ? summary_json(options, summary).dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace)
                   : summary_text(options, summary);
  std::printf("%s\n", text.c_str());
  return kExitOk;
}

}  // namespace

void register_run_command(CLI::App& app) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* command =
      add_command(app, "run",
                  "Run a whole model with the bit-exact reference ops (TFLite Micro int8 semantics) "
                  "on an input file or seeded random input; write the raw output bytes",
                  [options] { return run_run(*options); });
  command->add_option("MODEL", options->model, "a .tflite model")->required();
  command->add_option("--input", options->input,
                      "raw bytes of the model input tensor (int8: one byte per element)");
  options->random_input =
      add_seed_option(command, "--random-input", options->seed, "seed for a deterministic random input");
  command->add_option("--output", options->output, "write the raw bytes of the model output here")
      ->required();
  command->add_flag(
      "--single-rounding", options->single_rounding,
      "requantize with single rounding (a TFLITE_SINGLE_ROUNDING build) instead of TFLM's default "
      "double rounding");
  command->add_flag("--json", options->json,
                    "print the summary as JSON: {model, layers, rounding, input_file, random_seed, inputs, "
                    "outputs, output_file, output_bytes}");
}

}  // namespace pietune::tuner::cli
