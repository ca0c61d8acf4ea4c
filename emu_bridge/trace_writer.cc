// Formats trace events as JSON lines, buffered (a run can have hundreds of millions of them).
#include "emu_bridge/trace_writer.h"

#include <iterator>

#include <fmt/format.h>

namespace pietune::emu {

void TraceWriter::write(const TraceEvent& event) {
  auto out = std::back_inserter(buffer_);
  fmt::format_to(out, R"({{"index":{},"pc":{},"mnemonic":"{}","accesses":[)", lines_, event.pc,
                 model::insn_desc(event.opcode).mnemonic);
  for (std::size_t i = 0; i < event.accesses.size(); ++i) {
    const MemAccess& a = event.accesses[i];
    fmt::format_to(out, R"({}{{"addr":{},"bytes":{},"kind":"{}","region":"{}"}})", i == 0 ? "" : ",", a.address, a.bytes,
                   a.store ? "store" : "load", to_string(a.region));
  }
  fmt::format_to(out, R"(],"taken":{},"loop_back":{}}})", event.branch_taken, event.loop_back);
  buffer_ += '\n';
  ++lines_;
  if (buffer_.size() >= kFlushBytes) flush();
}

bool TraceWriter::flush() {
  if (!buffer_.empty()) {
    out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    buffer_.clear();
  }
  out_.flush();
  return static_cast<bool>(out_);
}

}  // namespace pietune::emu
