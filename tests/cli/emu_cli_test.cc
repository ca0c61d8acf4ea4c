// `pietune emu` run as a child process: a dot-product kernel with a state file, checked against a dot
// product computed here; the dumped state and the trace; bad inputs exit 2 with one stderr line.
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace {

namespace fs = std::filesystem;

constexpr std::uint32_t kX = 0x3FC90000;    // SRAM
constexpr std::uint32_t kW = 0x3D000000;    // PSRAM
constexpr std::uint32_t kOut = 0x3FC90400;  // SRAM
constexpr int kBytes = 64;
const std::string kDot = PIETUNE_SOURCE_DIR "/tests/data/asm/dot_s8.S";

struct CliRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

std::string hex(const std::vector<std::int8_t>& bytes) {
  std::string out;
  for (std::int8_t b : bytes) out += fmt::format("{:02x}", static_cast<std::uint8_t>(b));
  return out;
}

class EmuCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           fmt::format("pietune_emu_cli_{}_{}", ::testing::UnitTest::GetInstance()->current_test_info()->name(), getpid());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs `pietune <args>` (arguments are single-quoted for the shell).
  CliRun pietune(const std::vector<std::string>& args) const {
    std::string command = fmt::format("'{}'", PIETUNE_CLI);
    for (const std::string& arg : args) command += fmt::format(" '{}'", arg);
    const fs::path out = dir_ / "stdout.txt";
    const fs::path err = dir_ / "stderr.txt";
    command += fmt::format(" >'{}' 2>'{}'", out.string(), err.string());
    const int status = std::system(command.c_str());
    CliRun run;
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    run.out = read_file(out);
    run.err = read_file(err);
    return run;
  }

  fs::path path(const std::string& name) const { return dir_ / name; }

  fs::path dir_;
};

TEST_F(EmuCli, RunsTheDotProductKernelWithAStateFile) {
  std::mt19937 rng(12345);
  std::uniform_int_distribution<int> byte(-128, 127);
  std::vector<std::int8_t> x(kBytes), w(kBytes);
  for (auto& v : x) v = static_cast<std::int8_t>(byte(rng));
  for (auto& v : w) v = static_cast<std::int8_t>(byte(rng));
  std::int32_t expected = 0;
  for (int i = 0; i < kBytes; ++i) expected += x[static_cast<std::size_t>(i)] * w[static_cast<std::size_t>(i)];

  write_file(path("w.bin"), std::string(reinterpret_cast<const char*>(w.data()), w.size()));
  write_file(path("in.json"),
             fmt::format(R"({{"ar": {{"a2": {}, "a3": "0x{:08x}", "a4": {}, "a5": {}}},
                             "memory": [{{"addr": {}, "hex": "{}"}}, {{"addr": {}, "file": "w.bin"}},
                                        {{"addr": {}, "hex": "00000000"}}]}})",
                         kX, kW, kBytes, kOut, kX, hex(x), kW, kOut));
  const CliRun run = pietune({"emu", kDot, "--entry", "dot_s8", "--state", path("in.json").string(), "--dump-state",
                           path("out.json").string(), "--trace", path("t.jsonl").string()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.err, "");
  // entry, ee.zero.accx, srli, loopgtz, 4 x (2 loads + 1 MAC), rur.accx_0, s32i, retw.n
  constexpr int kInstructions = 19;
  const auto result = static_cast<std::uint32_t>(expected);
  EXPECT_EQ(run.out, fmt::format("dot_s8: {} instructions, a2 = {} (0x{:08x})\ntrace: {} ({} lines)\nstate: {}\n",
                                 kInstructions, expected, result, path("t.jsonl").string(), kInstructions,
                                 path("out.json").string()));

  const nlohmann::json dump = nlohmann::json::parse(read_file(path("out.json")));
  EXPECT_EQ(dump["ar"]["a2"].get<std::uint32_t>(), result);
  EXPECT_EQ(dump["ar"]["a3"].get<std::uint32_t>(), kW + kBytes);  // post-incremented pointer
  EXPECT_EQ(dump["accx"].get<std::int64_t>(), expected);
  EXPECT_EQ(dump["instructions"].get<int>(), kInstructions);
  ASSERT_EQ(dump["memory"].size(), 3u);
  EXPECT_EQ(dump["memory"][0]["hex"], hex(x));
  EXPECT_EQ(dump["memory"][1]["hex"], hex(w));  // the file block, read back as hex
  const std::vector<std::int8_t> out_bytes = {static_cast<std::int8_t>(result), static_cast<std::int8_t>(result >> 8),
                                              static_cast<std::int8_t>(result >> 16),
                                              static_cast<std::int8_t>(result >> 24)};
  EXPECT_EQ(dump["memory"][2]["hex"], hex(out_bytes));

  std::istringstream trace(read_file(path("t.jsonl")));
  int lines = 0;
  int psram_loads = 0;
  int loop_backs = 0;
  for (std::string line; std::getline(trace, line); ++lines) {
    const nlohmann::json event = nlohmann::json::parse(line);
    EXPECT_EQ(event["index"], lines);
    for (const auto& access : event["accesses"])
      if (access["region"] == "psram" && access["kind"] == "load") ++psram_loads;
    if (event["loop_back"].get<bool>()) ++loop_backs;
  }
  EXPECT_EQ(lines, kInstructions);
  EXPECT_EQ(psram_loads, kBytes / 16);
  EXPECT_EQ(loop_backs, kBytes / 16 - 1);
}

// The example state file the README shows runs and gives the dot product of its two vectors.
TEST_F(EmuCli, RunsTheReadmeExample) {
  const std::string state = PIETUNE_SOURCE_DIR "/tests/data/asm/dot_s8_state.json";
  const nlohmann::json in = nlohmann::json::parse(read_file(state));
  std::vector<std::int8_t> vectors[2];
  for (int v = 0; v < 2; ++v) {
    const std::string text = in["memory"][static_cast<std::size_t>(v)]["hex"];
    for (std::size_t i = 0; i < text.size(); i += 2)
      vectors[v].push_back(static_cast<std::int8_t>(std::stoi(text.substr(i, 2), nullptr, 16)));
  }
  ASSERT_EQ(vectors[0].size(), vectors[1].size());
  std::int32_t expected = 0;
  for (std::size_t i = 0; i < vectors[0].size(); ++i) expected += vectors[0][i] * vectors[1][i];
  const CliRun run = pietune({"emu", kDot, "--entry", "dot_s8", "--state", state});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find(fmt::format(", a2 = {} (0x{:08x})", expected, static_cast<std::uint32_t>(expected))), std::string::npos) << run.out;
}

struct BadRun {
  const char* name;
  const char* assembly;  // written to bad.S when set, else the dot kernel is used
  const char* state;     // written to s.json when set
  std::vector<std::string> extra;
  const char* stderr_line;  // {S}: the assembly path, {J}: the state path
};

TEST_F(EmuCli, BadInputsExitWithCode2AndOneLine) {
  const std::vector<BadRun> cases = {
      {"wrong register kind", "f:\n    ee.vld.128.ip a3, a2, 16\n", nullptr, {"--entry", "f"},
       "pietune: {S}:2:19: expected a q register (q0-q7), got 'a3'"},
      {"immediate out of range", "f:\n    entry a1, 32\n    ee.vld.128.ip q0, a2, 2040\n", nullptr, {"--entry", "f"},
       "pietune: {S}:3:27: operand 3 (imm16): 2040 out of range -2048..2032 step 16"},
      {"unknown instruction", "f:\n    ee.vld.128.iq q0, a2, 16\n", nullptr, {"--entry", "f"},
       "pietune: {S}:2:5: unknown instruction 'ee.vld.128.iq'"},
      {"unknown entry", nullptr, nullptr, {"--entry", "nope"},
       "pietune: {S}: --entry: no function 'nope' (functions: dot_s8)"},
      {"bad state key", nullptr, R"({"ar": {"a2": 1}, "qac": 1})", {"--entry", "dot_s8"},
       "pietune: {J}: unknown key 'qac' (expected ar, q, accx, qacc_l, qacc_h, sar, sar_byte, memory)"},
      {"bad state hex", nullptr, R"({"q": {"q1": "00"}})", {"--entry", "dot_s8"},
       "pietune: {J}: q.q1: expected 32 hex digits (16 bytes), got 2"},
      {"unmapped state block", nullptr, R"({"memory": [{"addr": 16, "hex": "00"}]})", {"--entry", "dot_s8"},
       "pietune: {J}: memory[0]: block 0x00000010..0x00000010 (1 bytes) is not inside one mapped region (flash "
       "0x3c000000..0x3cffffff, psram 0x3d000000..0x3dffffff, sram 0x3fc88000..0x3fcfffff)"},
      {"fault", nullptr, R"({"ar": {"a2": 4096, "a4": 16}})", {"--entry", "dot_s8"},
       "pietune: {S}:13: pc 0x4037800c (ee.vld.128.ip q0, a2, 16): load of 16 bytes at 0x00001000: outside mapped "
       "memory"},
      {"instruction limit", nullptr, R"({"ar": {"a2": 1070137344, "a3": 1070137344, "a4": 64}})",
       {"--entry", "dot_s8", "--max-instr", "5"},
       "pietune: {S}:14: instruction limit 5 reached at pc 0x4037800f (ee.vld.128.ip q1, a3, 16)"},
  };
  for (const BadRun& c : cases) {
    SCOPED_TRACE(c.name);
    std::string assembly = kDot;
    if (c.assembly) {
      assembly = path("bad.S").string();
      write_file(assembly, c.assembly);
    }
    std::vector<std::string> args = {"emu", assembly};
    if (c.state) {
      write_file(path("s.json"), c.state);
      args.push_back("--state");
      args.push_back(path("s.json").string());
    }
    args.insert(args.end(), c.extra.begin(), c.extra.end());
    args.push_back("--dump-state");
    args.push_back(path("dump.json").string());
    const CliRun run = pietune(args);
    std::string want = c.stderr_line;
    for (std::size_t at; (at = want.find("{S}")) != std::string::npos;) want.replace(at, 3, assembly);
    for (std::size_t at; (at = want.find("{J}")) != std::string::npos;) want.replace(at, 3, path("s.json").string());
    EXPECT_EQ(run.exit_code, 2);
    EXPECT_EQ(run.err, want + "\n");
    EXPECT_EQ(run.out, "");
    EXPECT_FALSE(fs::exists(path("dump.json"))) << "a failed run leaves no dump";
  }
}

TEST_F(EmuCli, UsageErrorsExitWithCode2) {
  CliRun run = pietune({"emu", kDot});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(run.err.starts_with("pietune emu: --entry is required")) << run.err;
  run = pietune({"emu", kDot, "--entry", "dot_s8", "--max-instr", "0"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(run.err.starts_with("pietune emu: --max-instr")) << run.err;
  run = pietune({"emu", "/nonexistent/k.S", "--entry", "f"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err, "pietune: /nonexistent/k.S: cannot open assembly file\n");
  run = pietune({"emu", kDot, "--entry", "dot_s8", "--trace", "/nonexistent/dir/t.jsonl"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err, "pietune: /nonexistent/dir/t.jsonl: cannot write trace file\n");
  run = pietune({"emu", "--help"});
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_NE(run.out.find("--dump-state"), std::string::npos);
}

}  // namespace
