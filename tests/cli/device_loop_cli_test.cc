// The board loop without a board (issue 16 items 3-7): `device-bench` writes a complete ESP-IDF
// project and records it; a synthetic board (the timing model under a perturbed machine, with noise
// and console chatter) prints the log; `import` stores it, surviving noise, repeats and a cut line,
// refusing a log of another database; `calibrate --db` recovers the perturbed parameters; the
// firmware's input generator and hash, compiled here, agree with the host's.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "costdb/costdb.h"
#include "tests/cli/cli_run_helpers.h"
#include "tests/cli/device_loop_helpers.h"
#include "tuner/bench/bench_input.h"

namespace pietune {
namespace {

using testing::run_pietune;

const std::string kLayers = PIETUNE_SOURCE_DIR "/tests/data/layers/conv_dw_fc.json";

struct Bench {
  std::string id;
  nlohmann::json manifest;
};

Bench make_bench(const testing::ScratchDir& scratch, const std::string& variants = "top-3") {
  const testing::CliResult r = run_pietune({"device-bench", kLayers, "--out", scratch.path("project"), "--db",
                                            scratch.path("db.sqlite"), "--variants", variants, "--verify-cases", "1"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  Bench b;
  b.manifest = nlohmann::json::parse(testing::read_file(scratch.path("project/pietune_bench.json")));
  b.id = b.manifest.at("bench").get<std::string>();
  return b;
}

void write(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

// `text` with every `from` replaced by `to`.
std::string replaced(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

TEST(DeviceLoopCli, ProjectHasEveryKernelBufferAndConfigurationLine) {
  const testing::ScratchDir scratch("pietune_bench_project");
  const Bench bench = make_bench(scratch);
  const std::string main_c = testing::read_file(scratch.path("project/main/pietune_bench_main.c"));
  const std::string main_cmake = testing::read_file(scratch.path("project/main/CMakeLists.txt"));
  ASSERT_GE(bench.manifest.at("instances").size(), 4u);
  for (const nlohmann::json& i : bench.manifest.at("instances")) {
    const std::string component = i.at("component").get<std::string>();
    const std::string function = i.at("function").get<std::string>();
    // The kernel is defined in its component's .S (the file tune writes), and the firmware calls it.
    std::string assembly;
    for (const auto& f : std::filesystem::directory_iterator(scratch.path("project/components/" + component)))
      if (f.path().extension() == ".S") assembly = testing::read_file(f.path().string());
    EXPECT_NE(assembly.find("\n" + function + ":"), std::string::npos) << function;
    EXPECT_NE(main_c.find("(bench_kernel_fn)" + function), std::string::npos) << function;
    EXPECT_NE(main_cmake.find(component), std::string::npos) << component;
    EXPECT_NE(main_c.find(i.at("variant").get<std::string>()), std::string::npos);
  }
  for (const char* needle : {"BENCH_RUNS 101", "BENCH_WARMUP 8", "XTOS_SET_INTLEVEL(XCHAL_EXCM_LEVEL)",
                             "rsr.ccount", "heap_caps_aligned_alloc(16, BENCH_INPUT_BYTES", "_set_scratch(scratch);",
                             "pietune-bench measure", "pietune-bench begin", "pietune-bench end"})
    EXPECT_NE(main_c.find(needle), std::string::npos) << needle;
  const std::string sdkconfig = testing::read_file(scratch.path("project/sdkconfig.defaults"));
  for (const char* line : {"configuration machine esp32s3 (", "CONFIG_IDF_TARGET=\"esp32s3\"", "CONFIG_ESP_DEFAULT_CPU_FREQ_MHZ_240=y",
                           "CONFIG_ESP32S3_DATA_CACHE_32KB=y", "CONFIG_ESP32S3_DATA_CACHE_8WAYS=y",
                           "CONFIG_ESP32S3_DATA_CACHE_LINE_32B=y", "CONFIG_ESP32S3_INSTRUCTION_CACHE_16KB=y",
                           "CONFIG_ESPTOOLPY_FLASHMODE_QIO=y"})
    EXPECT_NE(sdkconfig.find(line), std::string::npos) << line;
  EXPECT_EQ(sdkconfig.find("CONFIG_SPIRAM"), std::string::npos);  // nothing in PSRAM
  EXPECT_NE(testing::read_file(scratch.path("project/CMakeLists.txt")).find("project.cmake"), std::string::npos);

  // The database has the bench and every instance the manifest lists.
  const costdb::Database db = costdb::Database::open(scratch.path("db.sqlite"), costdb::Access::kReadOnly);
  ASSERT_TRUE(db.bench(bench.id));
  EXPECT_EQ(db.bench_instances(bench.id).size(), bench.manifest.at("instances").size());

  // PSRAM activations: the sdkconfig turns PSRAM on and the buffers come from it.
  const testing::CliResult psram =
      run_pietune({"device-bench", kLayers, "--out", scratch.path("psram"), "--db", scratch.path("db.sqlite"),
                   "--activations", "psram", "--verify-cases", "1"});
  ASSERT_EQ(psram.exit_code, 0) << psram.err;
  EXPECT_NE(testing::read_file(scratch.path("psram/sdkconfig.defaults")).find("CONFIG_SPIRAM=y"), std::string::npos);
  EXPECT_NE(testing::read_file(scratch.path("psram/sdkconfig.defaults")).find("CONFIG_SPIRAM_MODE_OCT=y"),
            std::string::npos);
  // esp-nn's test app: 64 KB data cache with 64-byte lines and quad PSRAM, as its preset describes.
  const testing::CliResult espnn =
      run_pietune({"device-bench", kLayers, "--out", scratch.path("espnn"), "--db", scratch.path("db.sqlite"),
                   "--activations", "psram", "--machine", "espnn-test-app", "--verify-cases", "1"});
  ASSERT_EQ(espnn.exit_code, 0) << espnn.err;
  const std::string espnn_config = testing::read_file(scratch.path("espnn/sdkconfig.defaults"));
  for (const char* line : {"CONFIG_ESP32S3_DATA_CACHE_64KB=y", "CONFIG_ESP32S3_DATA_CACHE_LINE_64B=y",
                           "CONFIG_SPIRAM_MODE_QUAD=y"})
    EXPECT_NE(espnn_config.find(line), std::string::npos) << line << "\n" << espnn_config;
  EXPECT_NE(testing::read_file(scratch.path("psram/main/pietune_bench_main.c"))
                .find("BENCH_ACTIVATION_CAPS (MALLOC_CAP_SPIRAM"),
            std::string::npos);
}

// The firmware's C, checked by the host's C compiler (-fsyntax-only: the PIE kernels and the
// rsr.ccount instruction need the Xtensa toolchain) against stand-ins of the few ESP-IDF
// declarations it uses, with the components' real headers.
TEST(DeviceLoopCli, FirmwareSourceIsValidC99) {
  if (std::system("command -v cc >/dev/null 2>&1") != 0) GTEST_SKIP() << "no C compiler";
  const testing::ScratchDir scratch("pietune_bench_c");
  const Bench bench = make_bench(scratch, "top-2");
  const std::string stubs = scratch.path("stubs");
  std::filesystem::create_directories(stubs + "/freertos");
  std::filesystem::create_directories(stubs + "/xtensa/config");
  write(stubs + "/esp_heap_caps.h",
        "#include <stddef.h>\n#include <stdint.h>\n#define MALLOC_CAP_INTERNAL (1 << 11)\n"
        "#define MALLOC_CAP_SPIRAM (1 << 10)\n#define MALLOC_CAP_8BIT (1 << 2)\n"
        "void* heap_caps_aligned_alloc(size_t alignment, size_t size, uint32_t caps);\n");
  write(stubs + "/freertos/FreeRTOS.h", "#include <stdint.h>\n");
  write(stubs + "/freertos/task.h", "void vTaskDelay(uint32_t ticks);\n");
  write(stubs + "/sdkconfig.h", "#define CONFIG_ESP_DEFAULT_CPU_FREQ_MHZ 240\n");
  write(stubs + "/xtensa/config/core.h", "#define XCHAL_EXCM_LEVEL 3\n");
  write(stubs + "/xtensa/xtruntime.h",
        "unsigned xtos_set_intlevel(int level);\nvoid xtos_restore_intlevel(unsigned level);\n"
        "#define XTOS_SET_INTLEVEL(l) xtos_set_intlevel(l)\n#define XTOS_RESTORE_INTLEVEL(l) xtos_restore_intlevel(l)\n");
  std::string includes = " -I" + stubs;
  for (const nlohmann::json& c : bench.manifest.at("components"))
    includes += " -I" + scratch.path("project/components/" + c.get<std::string>());
  const std::string command = "cc -std=c99 -fsyntax-only -Wall -Wextra -Werror" + includes + " " +
                              scratch.path("project/main/pietune_bench_main.c") + " 2>" + scratch.path("cc.txt");
  EXPECT_EQ(std::system(command.c_str()), 0) << testing::read_file(scratch.path("cc.txt"));
}

TEST(DeviceLoopCli, AllVariantsGiveEveryVerifiedRankOfEveryLayer) {
  const testing::ScratchDir scratch("pietune_bench_all");
  const testing::CliResult r =
      run_pietune({"device-bench", PIETUNE_SOURCE_DIR "/examples/models/hello_world_int8.tflite", "--out",
                   scratch.path("p"), "--db", scratch.path("db.sqlite"), "--variants", "all", "--verify-cases", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json manifest = nlohmann::json::parse(testing::read_file(scratch.path("p/pietune_bench.json")));
  std::map<int, std::vector<int>> ranks;  // layer -> ranks in order
  std::map<int, std::set<std::string>> hashes;
  for (const nlohmann::json& i : manifest.at("instances")) {
    ranks[i.at("layer").get<int>()].push_back(i.at("rank").get<int>());
    hashes[i.at("layer").get<int>()].insert(i.at("expected_hash").get<std::string>());
  }
  ASSERT_EQ(ranks.size(), 3u);
  for (const auto& [layer, r] : ranks) {
    EXPECT_GT(r.size(), 2u) << layer;
    for (std::size_t k = 0; k < r.size(); ++k) EXPECT_EQ(r[k], static_cast<int>(k)) << layer;
    // Every variant is exact and sees the layer's one input: one output hash per layer.
    EXPECT_EQ(hashes[layer].size(), 1u) << layer;
  }
  EXPECT_EQ(manifest.at("components").size(), std::max_element(ranks.begin(), ranks.end(), [](const auto& a, const auto& b) {
                                                 return a.second.size() < b.second.size();
                                               })->second.size());
}

// A second bench into the same project with fewer ranks removes the components only the first had
// (ESP-IDF would still build them), unless a folder holds a file pietune did not write.
TEST(DeviceLoopCli, ASmallerBenchRemovesStaleComponents) {
  const testing::ScratchDir scratch("pietune_bench_stale");
  const std::string model = PIETUNE_SOURCE_DIR "/examples/models/hello_world_int8.tflite";
  const auto bench = [&](const std::string& variants) {
    const testing::CliResult r = run_pietune({"device-bench", model, "--out", scratch.path("p"), "--db",
                                              scratch.path("db.sqlite"), "--variants", variants, "--verify-cases", "1"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r;
  };
  const auto folders = [&] {
    std::set<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(scratch.path("p/components")))
      names.insert(e.path().filename().string());
    return names;
  };
  bench("top-3");
  const std::set<std::string> three = folders();
  ASSERT_EQ(three.size(), 3u);
  ASSERT_TRUE(three.contains("pietune_hello_world_int8_r2"));
  std::ofstream(scratch.path("p/components/pietune_hello_world_int8_r2/notes.txt")) << "mine\n";
  const testing::CliResult r = bench("chosen");
  EXPECT_EQ(folders(), (std::set<std::string>{"pietune_hello_world_int8", "pietune_hello_world_int8_r2"}));
  EXPECT_NE(r.err.find("left components/pietune_hello_world_int8_r2"), std::string::npos) << r.err;
  EXPECT_EQ(testing::read_file(scratch.path("p/components/pietune_hello_world_int8_r2/notes.txt")), "mine\n");
}

TEST(DeviceLoopCli, BadOptionsAreExit2) {
  const testing::ScratchDir scratch("pietune_bench_options");
  for (const std::vector<std::string>& extra :
       {std::vector<std::string>{"--variants", "top-0"}, {"--variants", "best"}, {"--runs", "50"}}) {
    std::vector<std::string> args = {"device-bench", kLayers, "--out", scratch.path("p"), "--db",
                                     scratch.path("db.sqlite")};
    args.insert(args.end(), extra.begin(), extra.end());
    const testing::CliResult r = run_pietune(args);
    EXPECT_EQ(r.exit_code, 2) << extra[1] << r.err;
    EXPECT_NE(r.err.find(extra[0]), std::string::npos) << r.err;
  }
}

TEST(DeviceLoopCli, ImportSurvivesANoisyLogAndLinksEveryMeasurement) {
  const testing::ScratchDir scratch("pietune_bench_import");
  const Bench bench = make_bench(scratch);
  testing::SyntheticBoard board;
  board.repeat_measurements = true;
  board.cut_last_measurement = true;
  board.wrong_hash_instances = {1};
  write(scratch.path("bench.log"), testing::synthesize_bench_log(scratch.path("db.sqlite"), bench.id, board));
  const testing::CliResult r = run_pietune({"import", scratch.path("bench.log"), "--db", scratch.path("db.sqlite")});
  EXPECT_EQ(r.exit_code, 1) << r.err;  // a wrong output hash is a failed check
  const std::size_t n = bench.manifest.at("instances").size();
  EXPECT_NE(r.err.find(fmt::format("imported {} measurements", n - 1)), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("1 correctness failures"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("the log ends before bench"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(fmt::format("{} repeated lines dropped", n - 1)), std::string::npos) << r.err;

  const costdb::Database db = costdb::Database::open(scratch.path("db.sqlite"), costdb::Access::kReadOnly);
  const std::vector<costdb::MeasurementRecord> stored = db.all_measurements();
  ASSERT_EQ(stored.size(), n - 1);
  int wrong = 0;
  for (const costdb::MeasurementRecord& m : stored) {
    EXPECT_EQ(m.bench_id, bench.id);
    EXPECT_FALSE(m.layer_signature.empty());
    EXPECT_EQ(m.runs, 101);
    EXPECT_LE(m.q1, m.cycles);
    EXPECT_LE(m.cycles, m.q3);
    wrong += m.correct() ? 0 : 1;
  }
  EXPECT_EQ(wrong, 1);

  // The same log again adds nothing.
  const testing::CliResult again = run_pietune({"import", scratch.path("bench.log"), "--db", scratch.path("db.sqlite")});
  EXPECT_NE(again.err.find("imported 0 measurements"), std::string::npos) << again.err;
  EXPECT_EQ(costdb::Database::open(scratch.path("db.sqlite"), costdb::Access::kReadOnly).all_measurements().size(), n - 1);

  // The db command and the report show the failure.
  const testing::CliResult listed = run_pietune({"db", "measurements", "--db", scratch.path("db.sqlite")});
  EXPECT_EQ(listed.exit_code, 1);
  EXPECT_NE(listed.out.find("WRONG"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find(fmt::format("{} measurements, 1 correctness failures", n - 1)), std::string::npos)
      << listed.out;
  const testing::CliResult report =
      run_pietune({"report", "--db", scratch.path("db.sqlite"), "--out", scratch.path("report.html")});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  EXPECT_NE(testing::read_file(scratch.path("report.html")).find(stored[1].output_hash), std::string::npos);
}

TEST(DeviceLoopCli, ALogThatDoesNotBelongIsRefusedWhole) {
  const testing::ScratchDir scratch("pietune_bench_refuse");
  const Bench bench = make_bench(scratch);
  const std::string log = testing::synthesize_bench_log(scratch.path("db.sqlite"), bench.id, {});
  // Another database never saw this bench.
  write(scratch.path("bench.log"), log);
  testing::CliResult r = run_pietune({"import", scratch.path("bench.log"), "--db", scratch.path("other.sqlite")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("is not in"), std::string::npos) << r.err;
  // A line naming another variant at an instance: nothing is stored.
  const std::string first_variant = bench.manifest.at("instances")[0].at("variant").get<std::string>();
  write(scratch.path("bad.log"), replaced(log, first_variant, "fc_qs8_accx_1p1c_u4__pie_direct_rqscalar"));
  r = run_pietune({"import", scratch.path("bad.log"), "--db", scratch.path("db.sqlite")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("do not belong together"), std::string::npos) << r.err;
  EXPECT_TRUE(costdb::Database::open(scratch.path("db.sqlite"), costdb::Access::kReadOnly).all_measurements().empty());
  // Nothing to calibrate to yet.
  r = run_pietune({"calibrate", "--db", scratch.path("db.sqlite"), "--out", scratch.path("m.json")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no device measurements"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(scratch.path("m.json")));
  // A log with no measurement line at all, and one from a board at another clock.
  write(scratch.path("boot.log"), "ESP-ROM:esp32s3-20210327\r\nI (27) boot: ESP-IDF v5.2.1\r\npietune-bench measure {\"ben");
  r = run_pietune({"import", scratch.path("boot.log"), "--db", scratch.path("db.sqlite")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no pietune-bench measurement lines"), std::string::npos) << r.err;
  write(scratch.path("clock.log"), replaced(log, "\"cpu_mhz\":240", "\"cpu_mhz\":160"));
  r = run_pietune({"import", scratch.path("clock.log"), "--db", scratch.path("db.sqlite")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("160 MHz"), std::string::npos) << r.err;
  write(scratch.path("model.log"), replaced(log, "\"model\":\"conv_dw_fc.json\"", "\"model\":\"person_detect.tflite\""));
  r = run_pietune({"import", scratch.path("model.log"), "--db", scratch.path("db.sqlite")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("of model person_detect.tflite"), std::string::npos) << r.err;
  r = run_pietune({"import", scratch.path("missing.log"), "--db", scratch.path("db.sqlite")});
  EXPECT_EQ(r.exit_code, 2);
}

TEST(DeviceLoopCli, CalibrationRecoversThePerturbedParameters) {
  const testing::ScratchDir scratch("pietune_bench_calibrate");
  const Bench bench = make_bench(scratch, "top-4");
  testing::SyntheticBoard board;
  board.parameters = {{"taken_branch_penalty", 3}, {"store_extra_cycles", 0.4}};
  write(scratch.path("bench.log"), testing::synthesize_bench_log(scratch.path("db.sqlite"), bench.id, board));
  ASSERT_EQ(run_pietune({"import", scratch.path("bench.log"), "--db", scratch.path("db.sqlite")}).exit_code, 0);
  const testing::CliResult r = run_pietune({"calibrate", "--db", scratch.path("db.sqlite"), "--out",
                                            scratch.path("calibrated.json"), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json summary = nlohmann::json::parse(r.out);
  std::map<std::string, double> fitted;
  for (const nlohmann::json& f : summary.at("fitted")) {
    fitted[f.at("key")] = f.at("after").get<double>();
    // What the board did not change stays where it was.
    if (!board.parameters.contains(f.at("key"))) {
      EXPECT_NEAR(f.at("after").get<double>(), f.at("before").get<double>(),
                  0.15 * std::max(1.0, std::abs(f.at("before").get<double>())))
          << f;
    }
  }
  ASSERT_TRUE(fitted.contains("taken_branch_penalty")) << r.out;
  ASSERT_TRUE(fitted.contains("store_extra_cycles")) << r.out;
  EXPECT_EQ(fitted["taken_branch_penalty"], 3) << r.out;
  EXPECT_NEAR(fitted["store_extra_cycles"], 0.4, 0.08);
  // Re-timed from the stored layer and variant, the unperturbed machine gives the bench's own predictions.
  for (const nlohmann::json& p : summary.at("points"))
    EXPECT_NEAR(p.at("before").get<double>(), p.at("stored_prediction").get<double>(), 0.5) << p;
  EXPECT_GT(summary.at("before").at("all").at("mape_percent").get<double>(), 3.0);
  EXPECT_LT(summary.at("after").at("all").at("mape_percent").get<double>(), 1.0);
  EXPECT_FALSE(summary.at("unidentified").empty());  // e.g. the fill costs of a bench whose data stays in cache
  // The new machine file loads, and the calibration is in the database's history.
  const testing::CliResult timed = run_pietune({"calibrate", "--machine", scratch.path("calibrated.json"), "--json"});
  EXPECT_EQ(timed.exit_code, 0) << timed.err;
  EXPECT_EQ(costdb::Database::open(scratch.path("db.sqlite"), costdb::Access::kReadOnly).calibrations().size(), 1u);
}

TEST(DeviceLoopCli, FirmwareInputsAndHashAgreeWithTheHost) {
  if (std::system("command -v cc >/dev/null 2>&1") != 0) GTEST_SKIP() << "no C compiler";
  const testing::ScratchDir scratch("pietune_bench_input");
  write(scratch.path("fill.c"), "#include <stdint.h>\n#include <stdio.h>\n" + tuner::bench_input_c_source() +
                                    "int main(void) {\n  static int8_t buf[1000];\n"
                                    "  pietune_bench_fill(buf, 1000, 65537u);\n"
                                    "  printf(\"%016llx\", (unsigned long long)pietune_bench_hash(buf, 1000));\n"
                                    "  return 0;\n}\n");
  ASSERT_EQ(std::system(("cc -std=c99 -Wall -Werror -o " + scratch.path("fill") + " " + scratch.path("fill.c")).c_str()), 0);
  ASSERT_EQ(std::system((scratch.path("fill") + " > " + scratch.path("out.txt")).c_str()), 0);
  EXPECT_EQ(testing::read_file(scratch.path("out.txt")), tuner::bench_output_hash(tuner::bench_input_bytes(65537u, 1000)));
}

}  // namespace
}  // namespace pietune
