// Fast mode's memory term: buffers reached through an address table (a call block) and frame
// slots are charged to their placement; re-reads hit while one iteration's data fits the cache
// and miss again when it does not.
#include <gtest/gtest.h>

#include <cmath>

#include "model/ir/builder.h"
#include "model/timing/fast_model.h"
#include "model/timing/machine.h"

namespace pietune::model {
namespace {

constexpr std::uint32_t kLine = 32;

// Reads `bytes` of the buffer call block word `word` points to (a4 = call block), `passes`
// times; the pointer goes through frame slot 4 (a1 + 32) when `spill` is set.
Function stream_indirect(int word, std::uint32_t bytes, std::int64_t passes, bool spill) {
  FunctionBuilder b("stream");
  b.emit(Opcode::kEntry, {a(1), imm(64)});
  b.emit(Opcode::kL32i, {a(5), a(4), imm(4 * word)});
  if (spill) b.emit(Opcode::kS32i, {a(5), a(1), imm(32)});
  b.emit(Opcode::kMovi, {a(7), imm(static_cast<std::int32_t>(passes))});
  b.counted_loop(a(7), passes, [&] {
    if (spill) {
      b.emit(Opcode::kMovi, {a(5), imm(0)});  // clobbered: the pointer must come back from the slot
      b.emit(Opcode::kL32i, {a(6), a(1), imm(32)});
    } else {
      b.emit(Opcode::kMov, {a(6), a(5)});
    }
    b.emit(Opcode::kMovi, {a(8), imm(static_cast<std::int32_t>(bytes / 256))});  // trips = bytes / 16
    b.emit(Opcode::kSlli, {a(8), a(8), imm(4)});
    b.zero_overhead_loop(Opcode::kLoopgtz, a(8), bytes / 16,
                         [&] { b.emit(Opcode::kEeVld128Ip, {q(0), a(6), imm(16)}); });
  });
  b.emit(Opcode::kRetwN, {});
  return std::move(b).finish();
}

FastOptions flash_word(int word, std::uint32_t bytes) {
  FastOptions o;
  o.args[2] = BufferPlacement{MemRegion::kSram, 16};
  o.indirect[2].assign(static_cast<std::size_t>(word) + 2, std::nullopt);
  o.indirect[2][static_cast<std::size_t>(word)] = BufferPlacement{MemRegion::kFlash, bytes};
  return o;
}

TEST(FastProvenance, BufferThroughTheCallBlockIsChargedToItsPlacement) {
  const FastModel fast(default_machine());
  const double fill = default_machine().flash_line_fill_cycles();
  for (bool spill : {false, true}) {
    SCOPED_TRACE(spill ? "through a frame slot" : "in a register");
    const Function f = stream_indirect(1, 4096, 1, spill);
    const Cost sram = fast.estimate(f);
    const Cost flash = fast.estimate(f, flash_word(1, 4096));
    EXPECT_EQ(sram.cache_misses, 0u);
    EXPECT_EQ(flash.cache_misses, 4096u / kLine);
    EXPECT_NEAR(flash.cycles - sram.cycles, 4096.0 / kLine * fill, 1e-6);
    EXPECT_DOUBLE_EQ(flash.breakdown_sum(), flash.cycles);
  }
}

TEST(FastProvenance, OtherWordsAndNullWordsAreNotCharged) {
  const FastModel fast(default_machine());
  const Function f = stream_indirect(0, 4096, 1, false);
  EXPECT_EQ(fast.estimate(f, flash_word(1, 4096)).cache_misses, 0u);  // word 0 is a null word
  FastOptions args_only;  // existing callers: argument placements only
  args_only.args[0] = BufferPlacement{MemRegion::kPsram, 4096};
  EXPECT_EQ(fast.estimate(f, args_only).cache_misses, 0u);
}

TEST(FastProvenance, RereadsHitWhileTheyFitAndMissWhenTheyDoNot) {
  const FastModel fast(default_machine());
  const auto cache = static_cast<std::uint32_t>(default_machine().dcache_size_bytes);
  // Half the cache, read 5 times: only the first pass fills lines.
  const std::uint32_t small = cache / 2;
  EXPECT_EQ(fast.estimate(stream_indirect(0, small, 5, true), flash_word(0, small)).cache_misses, small / kLine);
  // Twice the cache, read 5 times: LRU keeps nothing from one pass to the next.
  const std::uint32_t large = cache * 2;
  EXPECT_EQ(fast.estimate(stream_indirect(0, large, 5, true), flash_word(0, large)).cache_misses, 5 * large / kLine);
}

}  // namespace
}  // namespace pietune::model
