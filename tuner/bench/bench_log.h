// Reading a device bench's console log (the protocol in bench_project.h) as captured from a serial
// monitor: boot messages and other output interleaved, colour codes, CR-LF endings, lines cut by a
// reset or a full buffer, lines repeated by a monitor that echoes. Only `pietune-bench` lines count;
// one that is cut or garbled is a problem (its line number and why), never a measurement; a repeat
// of a measurement line already read is dropped.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pietune::tuner {

struct BenchLogBegin {
  int line = 0;
  std::string bench;
  std::string model, machine;
  int cpu_mhz = 0, instances = 0, warmup = 0, runs = 0;
};

struct BenchLogMeasure {
  int line = 0;
  std::string bench;
  int instance = 0, layer = 0, runs = 0;
  std::string variant;
  double median = 0, q1 = 0, q3 = 0, min = 0, overhead = 0;  // raw CCOUNT differences
  std::string hash;  // 16 lowercase hex digits
};

struct BenchLogEnd {
  int line = 0;
  std::string bench;
  int measured = 0;
};

struct BenchLogProblem {
  int line = 0;
  std::string reason;
};

struct BenchLog {
  int lines = 0;
  std::vector<BenchLogBegin> begins;
  std::vector<BenchLogMeasure> measures;
  std::vector<BenchLogEnd> ends;
  std::vector<BenchLogProblem> problems;
  int repeated = 0;  // measurement lines dropped as repeats
};

BenchLog parse_bench_log(std::string_view text);

}  // namespace pietune::tuner
