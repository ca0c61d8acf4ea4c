// The device-bench ESP-IDF project's own files (the kernels are the components tune's emitters
// write): the top-level CMakeLists.txt, sdkconfig.defaults with the CPU clock, caches, flash and
// PSRAM the machine description assumes, main/ with the firmware that runs the protocol, the
// manifest pietune_bench.json and a README.
//
// Console protocol, one line per event (anything else on the console is ignored by `import`):
//   pietune-bench begin {"bench":ID,"model":..,"machine":..,"cpu_mhz":N,"instances":N,"warmup":N,"runs":N}
//   pietune-bench measure {"bench":ID,"instance":I,"layer":L,"variant":V,"runs":N,"median":C,"q1":C,
//                          "q3":C,"min":C,"overhead":C,"hash":H}
//   pietune-bench end {"bench":ID,"measured":N}
// Cycles are raw CCOUNT differences; overhead is the median of the same timed region around no
// call, which `import` subtracts.
#pragma once

#include <string>
#include <vector>

#include "model/support/atomic_files.h"
#include "model/timing/machine.h"
#include "tuner/bench/bench_plan.h"

namespace pietune::tuner {

struct BenchProjectInfo {
  std::string model_name;
  std::string provenance;    // provenance_line of the tuning run
  std::string machine_name;  // preset or file the predictions used
};

// The project files under `dir` (not the components).
std::vector<OutputFile> bench_project_files(const std::string& dir, const BenchPlan& plan, const model::Machine& machine,
                                            const BenchProjectInfo& info);

// The sdkconfig.defaults lines for `machine` and `placement` (exposed for the tests).
std::string bench_sdkconfig(const model::Machine& machine, const Placement& placement);

}  // namespace pietune::tuner
