// tflite_mutation_test: the reader on a fixed, seeded set of truncated and byte-mutated copies of
// every bundled model. Each copy must either read or fail with pietune::InputError: no crash, no
// other exception, no sanitizer report (the suite runs under ASan + UBSan in scripts/test).
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "model/support/error.h"
#include "tuner/tflite/tflite_reader.h"

namespace pietune::tuner {
namespace {

using Bytes = std::vector<std::uint8_t>;

std::vector<std::filesystem::path> bundled_models() {
  std::vector<std::filesystem::path> paths;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(PIETUNE_SOURCE_DIR) + "/examples/models")) {
    if (entry.path().extension() == ".tflite") paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

Bytes file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct Outcome {
  int read = 0;
  int rejected = 0;
};

// Reads one copy; anything but success or InputError fails the test with the case's name.
void try_read(const Bytes& bytes, const std::string& what, Outcome& outcome) {
  try {
    const kernels::Model m = read_tflite(bytes, "mutant.tflite");
    for (const kernels::Layer& l : m.layers) {
      (void)l.macs();  // derived figures must be safe on whatever was accepted
      (void)l.weight_bytes();
      (void)l.timing_signature();
    }
    ++outcome.read;
  } catch (const InputError& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.rfind("mutant.tflite: ", 0), 0u) << what << ": " << message;
    ++outcome.rejected;
  } catch (const std::exception& e) {
    ADD_FAILURE() << what << ": unexpected exception: " << e.what();
  }
}

// std::mt19937_64's output sequence is fixed by the standard, so the cases are the same on every
// platform (unlike the std distributions).
class Mutator {
 public:
  explicit Mutator(std::uint64_t seed) : rng_(seed) {}
  std::uint64_t below(std::uint64_t n) { return rng_() % n; }

 private:
  std::mt19937_64 rng_;
};

TEST(TfliteMutationTest, TruncatedCopies) {
  for (const auto& path : bundled_models()) {
    const Bytes original = file_bytes(path);
    ASSERT_GT(original.size(), 1024u) << path;
    Outcome outcome;
    std::vector<std::size_t> cuts;
    for (std::size_t n = 0; n < 64; ++n) cuts.push_back(n);                        // the header
    for (std::size_t i = 1; i < 64; ++i) cuts.push_back(original.size() * i / 64);  // everywhere
    for (std::size_t n = 1; n <= 64; ++n) cuts.push_back(original.size() - n);      // the tail
    for (std::size_t cut : cuts) {
      const Bytes copy(original.begin(), original.begin() + static_cast<std::ptrdiff_t>(cut));
      try_read(copy, path.filename().string() + " cut at " + std::to_string(cut), outcome);
    }
    // A truncated flatbuffer never verifies.
    EXPECT_EQ(outcome.read, 0) << path;
    EXPECT_EQ(outcome.rejected, static_cast<int>(cuts.size())) << path;
  }
}

TEST(TfliteMutationTest, ByteMutatedCopies) {
  constexpr int kCopiesPerModel = 300;
  constexpr std::uint32_t kInteresting[] = {0, 1, 0x7f, 0x80, 0xff, 0xffff, 0x7fffffff, 0x80000000,
                                            0xffffffff};
  int total_read = 0, total_rejected = 0;
  std::uint64_t seed = 20260801;
  for (const auto& path : bundled_models()) {
    const Bytes original = file_bytes(path);
    Mutator m(seed++);
    Outcome outcome;
    for (int copy_index = 0; copy_index < kCopiesPerModel; ++copy_index) {
      Bytes copy = original;
      // Metadata (tables, vtables, vectors of indices) sits at both ends of a converter-written
      // file and constant data in the middle: half the edits aim at the first or last 4 KiB.
      const std::size_t edits = 1 + m.below(8);
      for (std::size_t e = 0; e < edits; ++e) {
        std::size_t at = 0;
        switch (m.below(3)) {
          case 0: at = m.below(copy.size()); break;
          case 1: at = m.below(std::min<std::size_t>(4096, copy.size())); break;
          default: at = copy.size() - 1 - m.below(std::min<std::size_t>(4096, copy.size())); break;
        }
        if (m.below(2) == 0) {
          copy[at] ^= static_cast<std::uint8_t>(1u << m.below(8));  // one bit
        } else {
          // An aligned 32-bit word set to a boundary value (offsets, counts, indices).
          at &= ~std::size_t{3};
          if (at + 4 > copy.size()) continue;
          const std::uint32_t v = kInteresting[m.below(std::size(kInteresting))];
          for (int i = 0; i < 4; ++i) copy[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
        }
      }
      try_read(copy, path.filename().string() + " mutant " + std::to_string(copy_index), outcome);
    }
    EXPECT_EQ(outcome.read + outcome.rejected, kCopiesPerModel) << path;
    total_read += outcome.read;
    total_rejected += outcome.rejected;
  }
  // The set exercises both paths: some edits land in weights (still valid), some break the file.
  EXPECT_GT(total_read, 0);
  EXPECT_GT(total_rejected, 0);
}

}  // namespace
}  // namespace pietune::tuner
