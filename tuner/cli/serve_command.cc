// `pietune serve`: cost queries as JSON lines on stdin/stdout (tuner/query/line_protocol.h), one
// response line per request line, flushed at once so a compiler can wait on each answer. Ends
// with exit 0 at end of input or after a "shutdown" request. Lines are capped (an error answer,
// the line skipped) and the memos bounded (query_service.h), so a server can run for ever.
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "tuner/cli/command.h"
#include "tuner/cli/query_options.h"
#include "tuner/query/line_protocol.h"
#include "tuner/query/request_line_reader.h"

namespace pietune::tuner::cli {
namespace {

bool blank(const std::string& line) { return line.find_first_not_of(" \t\r") == std::string::npos; }

int run_serve(const QueryCliOptions& options) {
  const std::unique_ptr<QueryService> service = make_query_service(options);
  std::ios::sync_with_stdio(false);  // stdin is read through std::cin only; responses go through stdio
  std::fprintf(stderr, "pietune serve: ready (machine %s, %s); one JSON request per line\n",
               service->machine().hash_hex().c_str(), service->options().placement.text().c_str());
  std::string line;
  while (true) {
    const LineRead read = read_request_line(std::cin, line);
    if (read == LineRead::kEnd) break;
    if (read == LineRead::kLine && blank(line)) continue;  // not a request: nothing to answer
    const LineResponse response = read == LineRead::kTooLong ? line_too_long_response(kMaxRequestLineBytes)
                                                             : handle_request_line(*service, line);
    std::fwrite(response.text.data(), 1, response.text.size(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
    if (response.shutdown) break;
  }
  return kExitOk;
}

}  // namespace

void register_serve_command(CLI::App& app) {
  auto options = std::make_shared<QueryCliOptions>();
  CLI::App* command = add_command(app, "serve",
                                  "Answer cost queries as JSON lines on stdin/stdout (methods query, explain, "
                                  "shutdown; README \"Cost queries\")",
                                  [options] { return run_serve(*options); });
  add_query_options(command, *options);
}

}  // namespace pietune::tuner::cli
