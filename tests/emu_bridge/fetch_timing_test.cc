// Instruction fetch: code in flash goes through the instruction cache, code in IRAM does not. A
// cold run pays one line fill per I-cache line of the code it executes, once (loops hit); every
// zero-overhead loop-back in flash code pays the refetch (flash_loop_back_cycles); IRAM code pays
// neither; fast mode charges what detailed mode does; the assembler and printer keep the section
// a function lives in.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "emu_bridge/asm/asm_parser.h"
#include "emu_bridge/asm/asm_printer.h"
#include "emu_bridge/emulator.h"
#include "emu_bridge/timed_run.h"
#include "model/timing/fast_model.h"

namespace pietune::emu {
namespace {

// A zero-overhead loop of `trips` iterations over 8 instructions, in `section`.
std::string counting_loop(const std::string& section) {
  return section + R"(
    .align 4
    .global count
    .type count, @function
count:
    entry a1, 32
    movi a3, 0
    loopgtz a2, .Lend  # trips=100
    addi a3, a3, 1
    addi a3, a3, 2
    addi a3, a3, 3
    addi a3, a3, -5
    addi a3, a3, 1
    addi a3, a3, 1
    addi a3, a3, 1
    addi a3, a3, -1
.Lend:
    mov a2, a3
    retw
)";
}

double code_lines(const model::Function& f, const model::Machine& m) {
  return std::ceil(static_cast<double>(f.size_bytes()) / m.icache_line_bytes);
}

TimedRun run_count(const std::string& section, std::uint32_t trips, bool cold) {
  Emulator emu(parse_assembly(counting_loop(section), "count.S"));
  TimingOptions options;
  options.cold_code = cold;
  return run_timed(emu, model::default_machine(), "count", std::vector<std::uint32_t>{trips}, options);
}

TEST(FetchTiming, ColdFlashCodePaysOneFillPerLineOnce) {
  const model::Machine& m = model::default_machine();
  const model::Program program = parse_assembly(counting_loop("    .text"), "count.S");
  ASSERT_FALSE(program.functions.at(0).iram);
  const double lines = code_lines(program.functions[0], m);
  ASSERT_GE(lines, 2);  // the loop spans more than one line
  const TimedRun few = run_count("    .text", 3, true);
  const TimedRun many = run_count("    .text", 100, true);
  EXPECT_EQ(few.run.return_value, 9u);  // 3 per iteration
  // n trips go back n - 1 times; later iterations hit in the cache.
  EXPECT_DOUBLE_EQ(few.cost.fetch, lines * m.code_line_fill_cycles() + 2 * m.flash_loop_back_cycles);
  EXPECT_DOUBLE_EQ(many.cost.fetch, lines * m.code_line_fill_cycles() + 99 * m.flash_loop_back_cycles);
  EXPECT_DOUBLE_EQ(many.cost.breakdown_sum(), many.cost.cycles);
  const TimedRun warm = run_count("    .text", 100, false);
  EXPECT_DOUBLE_EQ(warm.cost.fetch, 99 * m.flash_loop_back_cycles);
  EXPECT_DOUBLE_EQ(many.cost.cycles - warm.cost.cycles, lines * m.code_line_fill_cycles());
}

TEST(FetchTiming, IramCodeNeverWaitsForTheCache) {
  const model::Program program = parse_assembly(counting_loop("    .section .iram1.count,\"ax\""), "count.S");
  EXPECT_TRUE(program.functions.at(0).iram);
  const TimedRun cold = run_count("    .section .iram1.count,\"ax\"", 100, true);
  EXPECT_DOUBLE_EQ(cold.cost.fetch, 0);
  EXPECT_DOUBLE_EQ(cold.cost.cycles, run_count("    .text", 100, false).cost.cycles -
                                         99 * model::default_machine().flash_loop_back_cycles);
}

TEST(FetchTiming, FillCostFollowsTheLineAndTheFlash) {
  model::Machine m = model::default_machine();
  const double base = m.code_line_fill_cycles();
  m.icache_line_bytes *= 2;
  EXPECT_DOUBLE_EQ(m.code_line_fill_cycles() - base, m.flash_fill_cycles_per_byte * m.icache_line_bytes / 2);
}

TEST(FetchTiming, FastModeChargesTheColdFillDetailedModeSees) {
  const model::Machine& m = model::default_machine();
  const model::Program program = parse_assembly(counting_loop("    .text"), "count.S");
  const model::FastModel fast(m);
  model::FastOptions options;
  options.cold_code = true;
  const model::Cost estimate = fast.estimate(program.functions[0], options);
  const TimedRun detailed = run_count("    .text", 100, true);
  EXPECT_DOUBLE_EQ(estimate.fetch, detailed.cost.fetch);
  EXPECT_NEAR(estimate.cycles, detailed.cost.cycles, 0.02 * detailed.cost.cycles);
  options.cold_code = false;
  EXPECT_DOUBLE_EQ(fast.estimate(program.functions[0], options).fetch, detailed.cost.fetch -
                                                                        code_lines(program.functions[0], m) *
                                                                            m.code_line_fill_cycles());
}

TEST(FetchTiming, PrinterKeepsTheSection) {
  for (const char* section : {"    .text", "    .section .iram1.count,\"ax\""}) {
    const model::Program program = parse_assembly(counting_loop(section), "count.S");
    const std::string printed = print_assembly(program);
    const model::Program again = parse_assembly(printed, "printed.S");
    EXPECT_EQ(again.functions.at(0).iram, program.functions.at(0).iram) << printed;
  }
  model::Program iram = parse_assembly(counting_loop("    .text"), "count.S");
  iram.functions[0].iram = true;
  EXPECT_NE(print_assembly(iram).find(".section .iram1.count,\"ax\""), std::string::npos);
}

}  // namespace
}  // namespace pietune::emu
