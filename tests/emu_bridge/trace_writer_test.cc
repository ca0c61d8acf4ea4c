// trace_writer: the JSON-lines format of an emulator run, line by line, and that every line is JSON.
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "emu_bridge/asm/asm_parser.h"
#include "emu_bridge/emulator.h"
#include "emu_bridge/trace_writer.h"

namespace pietune::emu {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(TraceWriter, WritesOneJsonLinePerExecutedInstruction) {
  const model::Program program = parse_assembly(
      "f:\n"
      "    entry a1, 32\n"
      "    movi a4, 2\n"
      "    loop a4, .Lend\n"
      "    l32i a5, a2, 0\n"
      ".Lend:\n"
      "    ee.vst.128.ip q0, a3, 16\n"
      "    beqz a5, .Lzero\n"
      "    nop\n"
      ".Lzero:\n"
      "    retw.n\n",
      "t.S");
  Emulator emulator(program);
  std::ostringstream out;
  TraceWriter writer(out);
  RunOptions options;
  options.trace = writer.hook();
  const RunResult run = emulator.call("f", {0x3FC90000, 0x3C000008 + 0x1000000 + 8}, options);
  ASSERT_TRUE(writer.flush());
  EXPECT_EQ(writer.lines(), run.instructions);
  const std::uint32_t pc0 = kCodeBase;
  const std::vector<std::string> want = {
      R"({"index":0,"pc":)" + std::to_string(pc0) + R"(,"mnemonic":"entry","accesses":[],"taken":false,"loop_back":false})",
      R"({"index":1,"pc":)" + std::to_string(pc0 + 3) + R"(,"mnemonic":"movi","accesses":[],"taken":false,"loop_back":false})",
      R"({"index":2,"pc":)" + std::to_string(pc0 + 6) + R"(,"mnemonic":"loop","accesses":[],"taken":false,"loop_back":false})",
      R"({"index":3,"pc":)" + std::to_string(pc0 + 9) +
          R"(,"mnemonic":"l32i","accesses":[{"addr":1070137344,"bytes":4,"kind":"load","region":"sram"}],"taken":false,"loop_back":true})",
      R"({"index":4,"pc":)" + std::to_string(pc0 + 9) +
          R"(,"mnemonic":"l32i","accesses":[{"addr":1070137344,"bytes":4,"kind":"load","region":"sram"}],"taken":false,"loop_back":false})",
      R"({"index":5,"pc":)" + std::to_string(pc0 + 12) +
          R"(,"mnemonic":"ee.vst.128.ip","accesses":[{"addr":1023410192,"bytes":16,"kind":"store","region":"psram"}],"taken":false,"loop_back":false})",
      R"({"index":6,"pc":)" + std::to_string(pc0 + 15) + R"(,"mnemonic":"beqz","accesses":[],"taken":true,"loop_back":false})",
      R"({"index":7,"pc":)" + std::to_string(pc0 + 21) + R"(,"mnemonic":"retw.n","accesses":[],"taken":true,"loop_back":false})",
  };
  const std::vector<std::string> got = lines_of(out.str());
  ASSERT_EQ(got.size(), want.size()) << out.str();
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(got[i], want[i]) << "line " << i;
    EXPECT_TRUE(nlohmann::json::accept(got[i])) << got[i];
  }
}

TEST(TraceWriter, FlushesInChunksAndReportsStreamFailure) {
  std::ostringstream out;
  {
    TraceWriter writer(out);
    TraceEvent event;
    event.opcode = model::Opcode::kNop;
    for (int i = 0; i < 5000; ++i) writer.write(event);  // several buffer flushes
    EXPECT_EQ(writer.lines(), 5000u);
  }  // the destructor writes the rest
  EXPECT_EQ(lines_of(out.str()).size(), 5000u);
  std::ostringstream broken;
  broken.setstate(std::ios::badbit);
  TraceWriter writer(broken);
  writer.write(TraceEvent{});
  EXPECT_FALSE(writer.flush());
}

}  // namespace
}  // namespace pietune::emu
