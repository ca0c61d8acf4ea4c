// state_file: decoding every key, rejecting bad files with exact messages, apply before a call and the dump.
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "emu_bridge/asm/asm_parser.h"
#include "emu_bridge/emulator.h"
#include "emu_bridge/state_file.h"
#include "emu_bridge/state_file_hex.h"
#include "model/support/error.h"

namespace pietune::emu {
namespace {

StateFile parse(const std::string& json) { return parse_state(json, "in.json", ""); }

TEST(StateFile, DecodesEveryKey) {
  const StateFile s = parse(R"({
    "ar": {"a2": 1070137344, "a3": "0x3FC90100", "a7": -1, "a15": 4294967295},
    "q": {"q0": "000102030405060708090a0b0c0d0e0f", "q7": "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"},
    "accx": 1099511627775,
    "qacc_l": "0102030405060708090a0b0c0d0e0f1011121314",
    "qacc_h": "ffffffffffffffffffffffffffffffffffffffff",
    "sar": 63, "sar_byte": 15,
    "memory": [{"addr": 1070137344, "hex": "01ff"}, {"hex": "80", "addr": "0x3d000000"}],
    "instructions": 12})");
  EXPECT_EQ(s.ar[2], 0x3FC90000u);
  EXPECT_EQ(s.ar[3], 0x3FC90100u);
  EXPECT_EQ(s.ar[7], 0xFFFFFFFFu);
  EXPECT_EQ(s.ar[15], 0xFFFFFFFFu);
  EXPECT_FALSE(s.ar[4].has_value());
  EXPECT_EQ((s.args()), (std::array<std::uint32_t, 6>{0x3FC90000u, 0x3FC90100u, 0, 0, 0, 0xFFFFFFFFu}));
  ASSERT_TRUE(s.q[0].has_value());
  EXPECT_EQ((*s.q[0])[0], 0x00);  // lane 0 first
  EXPECT_EQ((*s.q[0])[15], 0x0f);
  EXPECT_EQ((*s.q[7])[3], 0xff);
  EXPECT_FALSE(s.q[1].has_value());
  EXPECT_EQ(s.accx, -1);  // 2^40 - 1 is the raw 40-bit form of -1
  EXPECT_EQ((*s.qacc_l)[19], 0x14);
  EXPECT_EQ(s.sar, 63u);
  EXPECT_EQ(s.sar_byte, 15u);
  ASSERT_EQ(s.memory.size(), 2u);
  EXPECT_EQ(s.memory[0].bytes, (std::vector<std::uint8_t>{0x01, 0xff}));
  EXPECT_EQ(s.memory[1].addr, 0x3D000000u);
}

TEST(StateFile, ReadsMemoryFilesRelativeToTheStateFile) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "pietune_state_file_test";
  std::filesystem::create_directories(dir);
  {
    std::ofstream bin(dir / "w.bin", std::ios::binary);
    bin.write("\x01\x02\x03", 3);
    std::ofstream json(dir / "s.json");
    json << R"({"memory": [{"addr": 1070137344, "file": "w.bin"}], "accx": -549755813888})";
  }
  const StateFile s = load_state_file((dir / "s.json").string());
  ASSERT_EQ(s.memory.size(), 1u);
  EXPECT_EQ(s.memory[0].bytes, (std::vector<std::uint8_t>{1, 2, 3}));
  EXPECT_EQ(s.memory[0].file, "w.bin");
  EXPECT_EQ(s.accx, -(std::int64_t{1} << 39));
  std::filesystem::remove_all(dir);
}

struct BadState {
  const char* json;
  const char* message;
};

const BadState kBadStates[] = {
    {"[1]", "in.json: expected a JSON object, got array [1]"},
    {R"({"ar": {"a2": 1}, "qac": 5})", "in.json: unknown key 'qac' (expected ar, q, accx, qacc_l, qacc_h, sar, sar_byte, memory)"},
    {R"({"sar": 1, "sar": 2})", "in.json: key 'sar' given twice"},
    {R"({"ar": {"a16": 1}})", "in.json: ar: unknown register 'a16' (a2..a15)"},
    {R"({"ar": {"A2": 1}})", "in.json: ar: unknown register 'A2' (a2..a15)"},
    {R"({"ar": {"q2": 1}})", "in.json: ar: unknown register 'q2' (a2..a15)"},
    {R"({"ar": {"a1": 1}})", "in.json: ar.a1: set by the emulator (a0 is the return address, a1 the stack pointer); give a2..a15"},
    {R"({"ar": {"a2": 4294967296}})", "in.json: ar.a2: 4294967296 out of range -2147483648..4294967295"},
    {R"({"ar": {"a2": -2147483649}})", "in.json: ar.a2: -2147483649 out of range -2147483648..4294967295"},
    {R"({"ar": {"a2": 1.5}})", "in.json: ar.a2: expected an integer, got number 1.5"},
    {R"({"ar": {"a2": "12"}})", "in.json: ar.a2: expected an integer, got string \"12\""},
    {R"({"ar": {"a2": "0x1g"}})", "in.json: ar.a2: bad hex integer '0x1g'"},
    {R"({"ar": [1, 2]})", "in.json: ar: expected an object, got array [1,2]"},
    {R"({"q": {"q8": "00"}})", "in.json: q: unknown register 'q8' (q0..q7)"},
    {R"({"q": {"q3": "000102030405060708090a0b0c0d0e"}})", "in.json: q.q3: expected 32 hex digits (16 bytes), got 30"},
    {R"({"q": {"q3": "000102030405060708090a0b0c0d0e0g"}})", "in.json: q.q3: bad hex digit 'g' at offset 31"},
    {R"({"q": {"q3": 5}})", "in.json: q.q3: expected a hex string, got number 5"},
    {R"({"qacc_h": "00"})", "in.json: qacc_h: expected 40 hex digits (20 bytes), got 2"},
    {R"({"accx": 1099511627776})", "in.json: accx: 1099511627776 out of range -549755813888..1099511627775"},
    {R"({"sar": 64})", "in.json: sar: 64 out of range 0..63"},
    {R"({"sar_byte": -1})", "in.json: sar_byte: -1 out of range 0..15"},
    {R"({"memory": {"addr": 1}})", "in.json: memory: expected an array, got object {\"addr\":1}"},
    {R"({"memory": [{"hex": "00"}]})", "in.json: memory[0]: missing \"addr\""},
    {R"({"memory": [{"addr": 1070137344}]})", "in.json: memory[0]: missing \"hex\" or \"file\""},
    {R"({"memory": [{"addr": 1070137344, "hex": ""}]})", "in.json: memory[0]: empty block"},
    {R"({"memory": [{"addr": 1070137344, "hex": "123"}]})", "in.json: memory[0].hex: odd number of hex digits (3)"},
    {R"({"memory": [{"addr": 1070137344, "hex": "12", "file": "x"}]})",
     "in.json: memory[0]: give either \"hex\" or \"file\", not both"},
    {R"({"memory": [{"addr": 1070137344, "hex": "12", "size": 1}]})",
     "in.json: memory[0]: unknown key 'size' (expected addr and hex or file)"},
    {R"({"memory": [{"addr": 1070137344, "file": "no_such.bin"}]})",
     "in.json: memory[0].file: cannot read 'no_such.bin': No such file or directory"},
    {R"({"memory": [{"addr": 4096, "hex": "00"}]})",
     "in.json: memory[0]: block 0x00001000..0x00001000 (1 bytes) is not inside one mapped region (flash "
     "0x3c000000..0x3cffffff, psram 0x3d000000..0x3dffffff, sram 0x3fc88000..0x3fcfffff)"},
    {R"({"memory": [{"addr": "0x3fcffffe", "hex": "000000"}]})",
     "in.json: memory[0]: block 0x3fcffffe..0x3fd00000 (3 bytes) is not inside one mapped region (flash "
     "0x3c000000..0x3cffffff, psram 0x3d000000..0x3dffffff, sram 0x3fc88000..0x3fcfffff)"},
    {R"({"memory": [{"addr": 4294967295, "hex": "0000"}]})",
     "in.json: memory[0]: block 0xffffffff..0x100000000 (2 bytes) is not inside one mapped region (flash "
     "0x3c000000..0x3cffffff, psram 0x3d000000..0x3dffffff, sram 0x3fc88000..0x3fcfffff)"},
    {R"({"instructions": -1})", "in.json: instructions: -1 out of range 0..9223372036854775807"},
    // Numbers a double cannot hold and nesting past the limit: nlohmann throws other than parse_error.
    {R"({"ar": {"a2": 1e999}})", "in.json: invalid JSON: number overflow parsing '1e999'"},
    {R"({"accx": -1e999})", "in.json: invalid JSON: number overflow parsing '-1e999'"},
    {R"({"ar": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]})",
     "in.json: invalid JSON: nested deeper than 128 levels"},
    {R"({"memory": [{"addr": 1070137344, "file": "/dev/zero"}]})",
     "in.json: memory[0].file: cannot read '/dev/zero': not a regular file or pipe"},
    {R"({"ar": {"a2": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}})",
     "in.json: ar.a2: expected an integer, got array [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[..."},
};

TEST(StateFile, RejectsBadFilesWithExactMessages) {
  for (const BadState& c : kBadStates) {
    try {
      parse(c.json);
      ADD_FAILURE() << "accepted: " << c.json;
    } catch (const InputError& e) {
      EXPECT_EQ(std::string(e.what()), c.message) << "for: " << c.json;
    }
  }
}

TEST(StateFile, RejectsInvalidJsonAndMissingFiles) {
  try {
    parse(R"({"ar": {"a2": }})");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_TRUE(std::string(e.what()).starts_with("in.json: invalid JSON: parse error at line 1, column 15"))
        << e.what();
  }
  try {
    load_state_file("/nonexistent/s.json");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "/nonexistent/s.json: cannot open state file: No such file or directory");
  }
}

// A block's file is checked by its size before it is read: at most the bytes from its address to
// the end of its region, and all blocks together at most the mapped memory.
TEST(StateFile, BlockFilesAreBoundedByTheirRegionBeforeReading) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "pietune_state_file_bounds_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const auto sparse = [&](const std::string& name, std::uintmax_t bytes) {
    std::ofstream(dir / name).close();
    std::filesystem::resize_file(dir / name, bytes);
  };
  sparse("huge.bin", std::uintmax_t{1} << 30);  // never read: refused by its size
  sparse("psram.bin", 16u << 20);
  sparse("three.bin", 3);
  const auto error_of = [&](const std::string& json) -> std::string {
    try {
      parse_state(json, "in.json", dir);
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_EQ(error_of(R"({"memory": [{"addr": "0x3d000000", "file": "huge.bin"}]})"),
            "in.json: memory[0].file: '" + (dir / "huge.bin").string() +
                "': 1073741824 bytes, more than 16777216 (the bytes from 0x3d000000 to the end of its region)");
  EXPECT_EQ(error_of(R"({"memory": [{"addr": "0x3fcffffe", "file": "three.bin"}]})"),
            "in.json: memory[0].file: '" + (dir / "three.bin").string() +
                "': 3 bytes, more than 2 (the bytes from 0x3fcffffe to the end of its region)");
  // An unmapped address: read up to the largest region, then refused as unmapped.
  EXPECT_EQ(error_of(R"({"memory": [{"addr": 4096, "file": "three.bin"}]})"),
            "in.json: memory[0]: block 0x00001000..0x00001002 (3 bytes) is not inside one mapped region (flash "
            "0x3c000000..0x3cffffff, psram 0x3d000000..0x3dffffff, sram 0x3fc88000..0x3fcfffff)");
  // A whole region fits; three of them add up to more than all mapped memory.
  EXPECT_EQ(error_of(R"({"memory": [{"addr": "0x3d000000", "file": "psram.bin"}]})"), "");
  EXPECT_EQ(error_of(R"({"memory": [{"addr": "0x3d000000", "file": "psram.bin"}, {"addr": "0x3c000000", "file": "psram.bin"},
                                    {"addr": "0x3d000000", "file": "psram.bin"}]})"),
            "in.json: memory: blocks total more than the 34045952 bytes of mapped memory");
  std::filesystem::remove_all(dir);
}

TEST(StateFile, StateFilesThemselvesAreBounded) {
  try {
    load_state_file("/dev/zero");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "/dev/zero: cannot open state file: not a regular file or pipe");
  }
  const std::filesystem::path huge = std::filesystem::temp_directory_path() / "pietune_state_file_huge.json";
  std::ofstream(huge).close();
  std::filesystem::resize_file(huge, std::uintmax_t{1} << 30);
  try {
    load_state_file(huge.string());
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), huge.string() + ": 1073741824 bytes, more than 134217728: too large for a state file");
  }
  std::filesystem::remove(huge);
}

// Applies a state, runs a function that only enters and returns, and dumps: the dump gives back what
// went in (a2..a15 of the callee, the PIE state, the memory blocks) and loads again.
TEST(StateFile, AppliesBeforeACallAndDumpsAfter) {
  const model::Program program = parse_assembly(
      "    .global f\nf:\n    entry a1, 32\n    addi a2, a2, 1\n    s8i a2, a3, 1\n    retw.n\n", "f.S");
  Emulator emulator(program);
  const StateFile in = parse(R"({
    "ar": {"a2": 41, "a3": "0x3fc90000", "a8": 8, "a15": 15},
    "q": {"q5": "000102030405060708090a0b0c0d0e0f"},
    "accx": -3, "sar": 7, "sar_byte": 9,
    "qacc_l": "0102030405060708090a0b0c0d0e0f1011121314",
    "memory": [{"addr": "0x3fc90000", "hex": "aabbcc"}, {"addr": "0x3c000000", "hex": "55"}]})");
  apply_state(in, emulator);
  const RunResult run = emulator.call("f", in.args());
  EXPECT_EQ(run.return_value, 42u);
  const nlohmann::ordered_json dump = dump_state(emulator, in, run.instructions);
  EXPECT_EQ(dump["ar"]["a2"], 42);
  EXPECT_EQ(dump["ar"]["a3"], 0x3fc90000u);
  EXPECT_EQ(dump["ar"]["a8"], 8);
  EXPECT_EQ(dump["ar"]["a15"], 15);
  EXPECT_EQ(dump["q"]["q5"], "000102030405060708090a0b0c0d0e0f");
  EXPECT_EQ(dump["q"]["q0"], "00000000000000000000000000000000");
  EXPECT_EQ(dump["accx"], -3);
  EXPECT_EQ(dump["sar"], 7);
  EXPECT_EQ(dump["sar_byte"], 9);
  EXPECT_EQ(dump["qacc_l"], "0102030405060708090a0b0c0d0e0f1011121314");
  EXPECT_EQ(dump["qacc_h"], "0000000000000000000000000000000000000000");
  EXPECT_EQ(dump["memory"][0]["hex"], "aa2acc");
  EXPECT_EQ(dump["memory"][1]["addr"], 0x3c000000u);
  EXPECT_EQ(dump["memory"][1]["hex"], "55");
  EXPECT_EQ(dump["instructions"], 4);
  std::vector<std::string> keys;
  for (const auto& [key, value] : dump.items()) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"ar", "q", "accx", "qacc_l", "qacc_h", "sar", "sar_byte", "memory",
                                             "instructions"}));
  // The dump is a valid state file.
  const StateFile again = parse(dump.dump());
  EXPECT_EQ(again.ar[2], 42u);
  EXPECT_EQ(again.memory[0].bytes, (std::vector<std::uint8_t>{0xaa, 0x2a, 0xcc}));
}

TEST(StateFileHex, EncodesLowerCaseInMemoryOrder) {
  const std::vector<std::uint8_t> bytes = {0x00, 0xAB, 0x7f};
  EXPECT_EQ(to_hex(bytes), "00ab7f");
  EXPECT_EQ(from_hex("00AB7f").bytes, bytes);
  EXPECT_EQ(from_hex("0 1").error, "bad hex digit ' ' at offset 1");
  EXPECT_EQ(from_hex("\x01").error, "bad hex digit (byte 0x01) at offset 0");
}

}  // namespace
}  // namespace pietune::emu
