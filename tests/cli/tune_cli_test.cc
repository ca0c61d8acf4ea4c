// `pietune tune` as a child process on the bundled person-detection model: the four outputs, a
// header that compiles as C and C++, a warm second run that computes nothing and chooses the same,
// resume after kill -9 at several moments, local search under a small budget, bad input, and a
// corrupt database refused without being touched.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/cli/cli_run_helpers.h"

extern char** environ;

namespace pietune {
namespace {

namespace fs = std::filesystem;
using testing::read_file;
using testing::run_pietune;

const std::string kModel = PIETUNE_SOURCE_DIR "/examples/models/person_detect.tflite";

class TuneCli : public ::testing::Test {
 protected:
  std::string path(const std::string& name) const { return scratch_.path(name); }

  testing::CliResult tune(const std::string& out, const std::string& db, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"tune", kModel, "--out", path(out), "--db", path(db), "--jobs", "2"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_pietune(args);
  }

  nlohmann::json report(const std::string& out) const {
    std::ifstream in(path(out) + "/report.json");
    return nlohmann::json::parse(in);
  }

  testing::ScratchDir scratch_{"pietune_tune"};
};

// The per-layer choices of a report: what must not depend on interruptions or reuse.
std::vector<std::string> choices(const nlohmann::json& report) {
  std::vector<std::string> out;
  for (const auto& l : report.at("layers"))
    out.push_back(l.at("chosen").is_null() ? "-" : l.at("chosen").at("variant").get<std::string>() + " " +
                                                       l.at("chosen").at("cycles").dump());
  return out;
}

TEST_F(TuneCli, WritesHeaderAssemblyAndReports) {
  const testing::CliResult r = tune("out", "db.sqlite");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* f : {"person_detect_pietune.h", "person_detect_pietune.S", "report.json", "report.html"})
    EXPECT_TRUE(fs::exists(path("out") + "/" + f)) << f;
  const nlohmann::json rep = report("out");
  ASSERT_EQ(rep.at("layers").size(), 31u);
  int kernels = 0;
  for (const auto& l : rep.at("layers")) {
    if (l.at("covered").get<bool>()) {
      ASSERT_FALSE(l.at("chosen").is_null()) << l.dump();
      ++kernels;
      ASSERT_FALSE(l.at("verification").empty());
      EXPECT_TRUE(l.at("verification").back().at("passed").get<bool>()) << l.dump();
      EXPECT_GT(l.at("chosen").at("cycles").get<double>(), 0);
    }
    if (l.at("op") == "CONV_2D") {
      EXPECT_FALSE(l.at("baseline").is_null()) << l.dump();
    }
  }
  EXPECT_EQ(kernels, 29);  // all but RESHAPE and SOFTMAX
  EXPECT_NE(r.out.find("chosen variant"), std::string::npos);
  EXPECT_NE(r.out.find("not conv_pw: [weight_registers]"), std::string::npos) << r.out;
  const std::string header = read_file(path("out") + "/person_detect_pietune.h");
  EXPECT_NE(header.find("#define PIETUNE_PERSON_DETECT_LAYER_COUNT 31"), std::string::npos);
  EXPECT_NE(header.find("void pietune_person_detect_l2(const int8_t* input"), std::string::npos);
  const std::string assembly = read_file(path("out") + "/person_detect_pietune.S");
  EXPECT_NE(assembly.find("pietune_person_detect_l2_call_block:"), std::string::npos);
  EXPECT_NE(assembly.find("ee.vmulas"), std::string::npos);
  const std::string html = read_file(path("out") + "/report.html");
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("http://"), html.find("http://www.w3.org/2000/svg"));  // nothing fetched
}

TEST_F(TuneCli, HeaderCompilesAsCAndCxx) {
  ASSERT_EQ(tune("out", "db.sqlite").exit_code, 0);
  const std::string header = path("out") + "/person_detect_pietune.h";
  if (std::system("command -v cc >/dev/null 2>&1") != 0) GTEST_SKIP() << "no C compiler";
  EXPECT_EQ(std::system(("cc -std=c99 -Wall -Wextra -Werror -fsyntax-only -x c " + header).c_str()), 0);
  EXPECT_EQ(std::system(("c++ -std=c++17 -Wall -Wextra -Werror -fsyntax-only -x c++ " + header).c_str()), 0);
}

TEST_F(TuneCli, WarmRunComputesNothingAndChoosesTheSame) {
  ASSERT_EQ(tune("cold", "db.sqlite").exit_code, 0);
  const testing::CliResult warm = tune("warm", "db.sqlite");
  ASSERT_EQ(warm.exit_code, 0) << warm.err;
  const nlohmann::json a = report("cold"), b = report("warm");
  EXPECT_GT(a.at("totals").at("estimates_computed").get<int>(), 0);
  EXPECT_EQ(b.at("totals").at("estimates_computed").get<int>(), 0);
  EXPECT_EQ(choices(a), choices(b));
  EXPECT_NE(warm.err.find("0 verifications run"), std::string::npos) << warm.err;
  const testing::CliResult runs = run_pietune({"db", "runs", "--db", path("db.sqlite"), "--json"});
  ASSERT_EQ(runs.exit_code, 0) << runs.err;
  const nlohmann::json list = nlohmann::json::parse(runs.out);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[1].at("status"), "done");
  EXPECT_EQ(list[0].at("cycles"), list[1].at("cycles"));
}

// Starts `pietune tune`, kills it with SIGKILL after `delay`, and reports whether it was still running.
bool tune_and_kill(const std::vector<std::string>& args, std::chrono::milliseconds delay) {
  std::vector<std::string> all = {PIETUNE_CLI};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) return false;
  std::this_thread::sleep_for(delay);
  const bool running = ::kill(pid, SIGKILL) == 0;
  int status = 0;
  ::waitpid(pid, &status, 0);
  return running && WIFSIGNALED(status);
}

TEST_F(TuneCli, ResumesAfterKill9WithTheSameResult) {
  ASSERT_EQ(tune("reference", "reference.sqlite").exit_code, 0);
  const std::vector<std::string> expected = choices(report("reference"));
  const int total = report("reference").at("totals").at("estimates_computed").get<int>();
  int killed = 0;
  for (int delay_ms : {20, 80, 200, 500}) {
    SCOPED_TRACE(delay_ms);
    const std::string db = "killed" + std::to_string(delay_ms) + ".sqlite";
    killed += tune_and_kill({"tune", kModel, "--out", path("partial"), "--db", path(db), "--jobs", "2"},
                            std::chrono::milliseconds(delay_ms));
    const testing::CliResult resumed = tune("resumed", db);
    ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
    const nlohmann::json rep = report("resumed");
    EXPECT_EQ(choices(rep), expected);
    // Nothing computed twice: what the killed run stored is reused, the rest computed once.
    const int computed = rep.at("totals").at("estimates_computed").get<int>();
    EXPECT_LE(computed, total);
    const testing::CliResult runs = run_pietune({"db", "runs", "--db", path(db), "--json"});
    ASSERT_EQ(runs.exit_code, 0) << runs.err;
    EXPECT_EQ(nlohmann::json::parse(runs.out).back().at("status"), "done");
    // The killed run, left "running", was marked by the resumed one: its process is gone.
    for (const auto& run : nlohmann::json::parse(runs.out)) EXPECT_NE(run.at("status"), "running") << run.dump();
  }
  EXPECT_GT(killed, 0) << "no run was still going when killed: the test did not exercise resume";
}

TEST_F(TuneCli, LocalSearchUnderASmallBudgetIsDeterministic) {
  ASSERT_EQ(tune("a", "a.sqlite", {"--budget", "3", "--seed", "7"}).exit_code, 0);
  ASSERT_EQ(run_pietune({"tune", kModel, "--out", path("b"), "--db", path("b.sqlite"), "--budget", "3", "--seed", "7",
                         "--jobs", "1"})
                .exit_code,
            0);
  const nlohmann::json a = report("a");
  EXPECT_EQ(choices(a), choices(report("b")));
  int local = 0;
  for (const auto& l : a.at("layers")) {
    local += l.at("strategy") == "local";
    if (l.at("covered").get<bool>()) {
      EXPECT_LE(l.at("estimated").get<int>(), 3) << l.dump();
    }
  }
  EXPECT_GT(local, 0);
}

TEST_F(TuneCli, SramLimitRejectsLargeScratch) {
  ASSERT_EQ(tune("out", "db.sqlite", {"--sram-limit", "0"}).exit_code, 0);
  const nlohmann::json rep = report("out");  // kept alive: the loop walks into it
  for (const auto& l : rep.at("layers"))
    if (!l.at("chosen").is_null()) {
      EXPECT_EQ(l.at("chosen").at("breakdown").at("scratch_bytes").get<int>(), 0) << l.dump();
    }
}

TEST_F(TuneCli, BadInputExits2) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--activations", "flash"}, "--activations: flash: expected one of sram, psram"},
      {{"--sram-limit", "12Q"}, "--sram-limit: 12Q: expected a byte count"},
      {{"--budget", "0"}, "--budget: 0: must be at least 1"},
  };
  for (const auto& [extra, message] : cases) {
    const testing::CliResult r = tune("out", "db.sqlite", extra);
    EXPECT_EQ(r.exit_code, 2) << message;
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
  }
  const testing::CliResult missing = run_pietune({"tune", path("nope.tflite"), "--db", path("db.sqlite")});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("nope.tflite: cannot open"), std::string::npos) << missing.err;
}

TEST_F(TuneCli, CorruptDatabaseIsRefusedAndKept) {
  {
    std::ofstream f(path("bad.sqlite"), std::ios::binary);
    f << "this is not a database, it holds someone's notes\n";
  }
  const std::string before = read_file(path("bad.sqlite"));
  const testing::CliResult r = tune("out", "bad.sqlite");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("bad.sqlite"), std::string::npos) << r.err;
  EXPECT_EQ(read_file(path("bad.sqlite")), before);
}

TEST_F(TuneCli, VerifyModelRunsTheTunedKernelsThroughTheWholeModel) {
  const testing::CliResult r =
      run_pietune({"verify", kModel, "--db", path("db.sqlite"), "--cases", "2", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const nlohmann::json doc = nlohmann::json::parse(r.out);
  EXPECT_TRUE(doc.at("passed").get<bool>());
  int checked = 0;
  for (const auto& l : doc.at("layers")) {
    EXPECT_EQ(l.at("mismatches"), 0) << l.dump();
    if (!l.at("variant").get<std::string>().empty()) {
      ++checked;
      EXPECT_GT(l.at("outputs").get<int>(), 0);
    }
  }
  EXPECT_EQ(checked, 29);
  EXPECT_EQ(doc.at("output_differences"), 0);
  const testing::CliResult both =
      run_pietune({"verify", kModel, "--layer", kModel, "--db", path("db.sqlite")});
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_NE(both.err.find("give exactly one of MODEL and --layer FILE"), std::string::npos) << both.err;
  const testing::CliResult svdf = run_pietune(
      {"verify", PIETUNE_SOURCE_DIR "/examples/models/keyword_scrambled_8bit.tflite", "--db", path("db.sqlite")});
  EXPECT_EQ(svdf.exit_code, 2);
  EXPECT_NE(svdf.err.find("operator not supported by the reference ops: SVDF"), std::string::npos) << svdf.err;
}

}  // namespace
}  // namespace pietune
