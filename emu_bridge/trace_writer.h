// JSON-lines trace of an emulator run, one object per executed instruction, for external tools
// (another emulator, a board's trace) to compare against:
//
//   {"index":0,"pc":1077379072,"mnemonic":"entry","accesses":[],"taken":false,"loop_back":false}
//   {"index":5,"pc":1077379084,"mnemonic":"ee.vld.128.ip","accesses":[{"addr":1070137344,"bytes":16,
//    "kind":"load","region":"sram"}],"taken":false,"loop_back":false}
//
// index: 0-based position in the dynamic instruction stream; pc: the instruction's address; accesses:
// its data accesses after PIE address masking (region "sram", "psram" or "flash"); taken: a branch,
// jump, loop skip or return went to its target; loop_back: the zero-overhead loop returned to its
// first body instruction after this one. Keys always appear in this order.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "emu_bridge/emulator.h"

namespace pietune::emu {

class TraceWriter {
 public:
  explicit TraceWriter(std::ostream& out) : out_(out) {}
  ~TraceWriter() { flush(); }
  TraceWriter(const TraceWriter&) = delete;
  TraceWriter& operator=(const TraceWriter&) = delete;

  void write(const TraceEvent& event);
  // A hook for RunOptions::trace that writes every event; the writer must outlive the run.
  TraceHook hook() {
    return [this](const TraceEvent& event) { write(event); };
  }
  // Writes what is buffered; false if the stream failed at any point.
  bool flush();
  std::uint64_t lines() const { return lines_; }

 private:
  static constexpr std::size_t kFlushBytes = 1 << 16;

  std::ostream& out_;
  std::string buffer_;
  std::uint64_t lines_ = 0;
};

}  // namespace pietune::emu
