// Seeded mutators for the CLI fuzz suite (fuzz_cli_test.cc): the same seed gives the same inputs
// on every run, so a failing case is reproduced by its name alone.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace pietune::testing {

using FuzzRng = std::mt19937_64;

// Uniform in [0, n) (n > 0); spelled out so the sequence does not depend on the standard library's
// distributions.
std::uint64_t pick(FuzzRng& rng, std::uint64_t n);

// Byte-level damage of any file: flipped bits, overwritten bytes and 32-bit words (offsets and
// counts in a flatbuffer), truncation, inserted or deleted runs, a splice from one of `donors`.
std::string mutate_bytes(const std::string& input, FuzzRng& rng, const std::vector<std::string>& donors);

// JSON-aware damage of a valid JSON document: 1-2 of: a value replaced by a plausible one (sizes
// around powers of two, int8 edges, far scales, another op or padding) or by an edge (1e999, -1,
// 2^64, "nan", a wrong type, a deep nest, a string that is not UTF-8), a member or element removed
// or repeated, a key given twice, an unknown key, a layer "index" that is not 0..n-1. The result
// is text (an overflowing number or broken UTF-8 cannot be built as a JSON value).
std::string mutate_json(const std::string& json_text, FuzzRng& rng);

// Line-level damage of assembly: lines deleted, repeated, swapped; numbers and registers replaced
// by edge values; odd directives inserted.
std::string mutate_assembly(const std::string& text, FuzzRng& rng);

// One of the three above at random for JSON inputs (mostly JSON-aware, some bytes).
std::string mutate_json_or_bytes(const std::string& json_text, FuzzRng& rng);

}  // namespace pietune::testing
