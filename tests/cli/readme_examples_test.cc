// Issue 12: the README must say what the tool does. Every shell example of README.md whose output
// is shown (a fenced block starting with a `$ ` line) is run with the built `pietune` from a
// sandbox of the repository root (readme_sandbox_helpers.h: nothing is written into the
// repository), and its output compared line by line with the README's (rules and the placeholders
// for date, duration, commit and temp-path dependent text in readme_output_match_helpers.h).
// The commands of one block run in order in one sandbox, so a later command sees what an earlier
// one wrote (a database, an output file). A drift fails with the README line and both texts.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "readme_example_parse_helpers.h"
#include "readme_output_match_helpers.h"
#include "readme_sandbox_helpers.h"

namespace pietune::testing {
namespace {

const std::string kReadme = PIETUNE_SOURCE_DIR "/README.md";

// Examples not run, each with why. A command is skipped when it starts with `command`. Empty today:
// every shown example runs in the sandbox. Add one only for an example that cannot run here (it
// needs a device, the network, or minutes of work), never to hide a drift.
struct Skip {
  std::string command;
  std::string reason;
};
const std::vector<Skip> kSkipped = {};

std::string readme_text() {
  std::ifstream in(kReadme);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

const Skip* skip_for(const std::string& command) {
  for (const Skip& skip : kSkipped)
    if (command.starts_with(skip.command)) return &skip;
  return nullptr;
}

TEST(ReadmeExamples, FindsTheShellExamplesWithOutput) {
  const std::vector<ShellExampleBlock> blocks = shell_example_blocks(readme_text());
  std::size_t commands = 0;
  std::set<std::string> subcommands;
  for (const ShellExampleBlock& block : blocks)
    for (const ShellExample& example : block.commands) {
      ++commands;
      EXPECT_FALSE(example.output.empty()) << "README.md:" << example.line << ": an example without output";
      const std::size_t at = example.command.find("pietune ");
      ASSERT_NE(at, std::string::npos) << "README.md:" << example.line << ": an example that does not run pietune";
      std::istringstream words(example.command.substr(at + 8));
      std::string subcommand;
      words >> subcommand;
      subcommands.insert(subcommand);
    }
  // The README shows inspect, emu, time, run, variants, verify, query and serve at work.
  EXPECT_GE(commands, 12u);
  for (const char* name : {"inspect", "emu", "time", "run", "variants", "verify", "query", "serve"})
    EXPECT_TRUE(subcommands.count(name)) << "no README example of pietune " << name;
}

TEST(ReadmeExamples, EverySkipNamesAnExampleStillInTheReadme) {
  const std::vector<ShellExampleBlock> blocks = shell_example_blocks(readme_text());
  for (const Skip& skip : kSkipped) {
    bool found = false;
    for (const ShellExampleBlock& block : blocks)
      for (const ShellExample& example : block.commands) found = found || example.command.starts_with(skip.command);
    EXPECT_TRUE(found) << "skip list names an example the README no longer has: " << skip.command;
  }
}

TEST(ReadmeExamples, EveryShownOutputIsWhatTheToolPrints) {
  for (const ShellExampleBlock& block : shell_example_blocks(readme_text())) {
    const ReadmeSandbox sandbox;
    for (const ShellExample& example : block.commands) {
      if (const Skip* skip = skip_for(example.command)) {
        std::printf("[ skipped  ] README.md:%d: %s (%s)\n", example.line, example.command.c_str(), skip->reason.c_str());
        continue;
      }
      const CliResult result = sandbox.run(example.command);
      // pietune exits 0, 1 or 2; anything else is a crash (sh reports a signal as 128 + n).
      EXPECT_LE(result.exit_code, 2) << "README.md:" << example.line << ": $ " << example.command << "\n" << result.out;
      const std::string drift = output_drift("README.md", example.output, result.out);
      EXPECT_TRUE(drift.empty()) << "README.md:" << example.line << ": $ " << example.command << "\n" << drift;
    }
  }
}

// The comparison itself: it must catch a drifted line and name it, and must not flag what is
// allowed to differ.
std::vector<ShownLine> shown(const std::vector<std::string>& lines) {
  std::vector<ShownLine> result;
  for (std::size_t i = 0; i < lines.size(); ++i) result.push_back(ShownLine{static_cast<int>(100 + i), lines[i]});
  return result;
}

TEST(ReadmeOutputMatch, ADriftedCountFailsNamingTheReadmeLine) {
  const std::string drift = output_drift("README.md", shown({"layer 8", "  estimates  14 computed, 0 reused"}),
                                         "layer 8\n  estimates  17 computed, 0 reused\n");
  EXPECT_NE(drift.find("README.md:101"), std::string::npos) << drift;
  EXPECT_NE(drift.find("- README:   estimates  14 computed"), std::string::npos) << drift;
  EXPECT_NE(drift.find("+ actual:   estimates  17 computed"), std::string::npos) << drift;
}

TEST(ReadmeOutputMatch, MissingAndExtraLinesFail) {
  EXPECT_NE(output_drift("README.md", shown({"a", "b"}), "a\n"), "");
  EXPECT_NE(output_drift("README.md", shown({"a"}), "a\nb\n"), "");
  EXPECT_NE(output_drift("README.md", shown({"a", "...", "z"}), "a\nb\nz\nextra\n"), "");
}

TEST(ReadmeOutputMatch, AnEllipsisStandsForAnyLines) {
  EXPECT_EQ(output_drift("README.md", shown({"a", "...", "d", "  ...", "z"}), "a\nb\nc\nd\ne\nz\n"), "");
  EXPECT_EQ(output_drift("README.md", shown({"a", "..."}), "a\n"), "");
  EXPECT_EQ(output_drift("README.md", shown({"...", "z"}), "x\ny\nz\n"), "");
  EXPECT_NE(output_drift("README.md", shown({"a", "...", "q", "..."}), "a\nb\nc\n"), "");
}

TEST(ReadmeOutputMatch, DateTimingCommitAndTempPathsAreNotCompared) {
  EXPECT_EQ(output_drift("README.md", shown({"run 3 started 2024-05-01T10:00:00.123Z, done in 0.41s  "}),
                         "run 3 started 2026-01-02T03:04:05.678Z, done in 12.5s\n"),
            "");
  EXPECT_EQ(output_drift("README.md", shown({"git commit d3627ab, wrote /tmp/x/report.json (234 ms)"}),
                         "git commit 5f70f9f-dirty, wrote /tmp/pietune_y/report.json (9 ms)\n"),
            "");
  // Machine-description hashes and cycle counts are compared.
  EXPECT_NE(output_drift("README.md", shown({"(machine c6ed4a1f323e0172) 606 cycles"}),
                         "(machine c6ed4a1f323e0173) 606 cycles\n"),
            "");
}

}  // namespace
}  // namespace pietune::testing
