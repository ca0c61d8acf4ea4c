// The files one tuning result is emitted as (header, kernels, reports, ESP-IDF component, TFLite
// Micro hook): one list, written as a set by `tune` and by `device-bench` for each component it
// builds, so a bench compiles exactly what tuning wrote.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/support/atomic_files.h"
#include "tuner/emit/emit_context.h"

namespace pietune::tuner {

struct OutputPaths {
  std::string header, assembly, report_json, report_html, component_cmake, component_manifest, tflm_header,
      tflm_source;
};

// The paths in `out_dir` for model identifier `id` (model_identifier).
OutputPaths output_paths(const std::string& out_dir, const std::string& id);

// The output folder becomes an ESP-IDF component: its CMakeLists.txt and idf_component.yml are
// replaced only when pietune wrote them (an --out naming a project's own folder must not lose them).
// InputError naming the file otherwise.
void require_replaceable_component_files(const OutputPaths& paths);
// The same check for any files pietune generates into a folder a user may have chosen.
void require_replaceable_files(const std::vector<std::string>& files);

// Every file of the set, with `report` (report_json(context)) as report.json and report.html.
std::vector<OutputFile> tune_output_files(const EmitContext& context, const OutputPaths& paths,
                                         const nlohmann::ordered_json& report);

}  // namespace pietune::tuner
