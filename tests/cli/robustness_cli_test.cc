// Issue 12 (a reliability probe of the tool), the items about tuning runs and their outputs:
// layer files whose indexes are not positions (item 3), stored verifications that covered fewer
// cases than asked (item 2), output files written as one set (item 5), a full disk under the cost
// database (item 4), killed runs marked interrupted and `tune --json` (item 8).
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/cli/cli_run_helpers.h"

namespace pietune {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::read_file;
using testing::run_pietune;

const std::string kModel = PIETUNE_SOURCE_DIR "/examples/models/person_detect.tflite";
const std::string kCapiLayer = PIETUNE_SOURCE_DIR "/examples/capi/person_detect_layer.json";  // "index": 8

class RobustnessCli : public ::testing::Test {
 protected:
  std::string path(const std::string& name) const { return scratch_.path(name); }

  testing::CliResult tune(const std::string& model, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"tune", model, "--out", path("out"), "--db", path("db.sqlite"), "--jobs", "2"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_pietune(args);
  }

  nlohmann::json runs() {
    const testing::CliResult r = run_pietune({"db", "runs", "--db", path("db.sqlite"), "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out);
  }

  // Writes `layers` (a JSON array) as a layer file.
  std::string layer_file(const std::string& name, const nlohmann::json& layers) {
    std::ofstream(path(name)) << layers.dump(1);
    return path(name);
  }

  testing::ScratchDir scratch_{"pietune_robust"};
};

nlohmann::json read_json(const std::string& p) { return nlohmann::json::parse(read_file(p)); }

// The layers of `inspect --json` (the same layer format tune reads).
nlohmann::json inspected_layers() {
  const testing::CliResult r = run_pietune({"inspect", kModel, "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json doc = nlohmann::json::parse(r.out);
  return doc.is_array() ? doc : doc.at("layers");
}

TEST_F(RobustnessCli, LayerFilesWhoseIndexesAreNotPositionsAreTunedAndQueried) {
  // The bundled C API example: one layer, index 8.
  testing::CliResult r = tune(kCapiLayer);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string header = read_file(path("out/person_detect_layer_pietune.h"));
  EXPECT_THAT(header, HasSubstr("_L8_CYCLES "));
  EXPECT_EQ(read_json(path("out/report.json")).at("layers").at(0).at("index"), 8);
  EXPECT_EQ(runs().back().at("status"), "done");

  // A slice of a model: layers 15 and 3, in that order, with gaps.
  const nlohmann::json all = inspected_layers();
  const std::string slice = layer_file("slice.json", nlohmann::json::array({all.at(15), all.at(3)}));
  r = tune(slice);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json report = read_json(path("out/report.json"));
  EXPECT_EQ(report.at("layers").at(0).at("index"), 15);
  EXPECT_EQ(report.at("layers").at(1).at("index"), 3);
  // --layer and --index name a layer by its index, not by its position.
  r = run_pietune({"explain", slice, "--layer", "3", "--no-db"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("layer 3 "));
  r = run_pietune({"query", "--layer", slice, "--index", "15"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = run_pietune({"query", "--layer", slice, "--index", "1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--index 1: no such layer (indexes 15, 3)"));
}

// Item 1: person_detect's layers 13 and 15 share a timing signature; rqvec's code differs between
// them. Whatever the database holds, the header, query and explain give layer 15 its own number.
TEST_F(RobustnessCli, EveryCommandGivesPersonDetectLayer15ItsOwnCycles) {
  const std::string variant = "dwconv_qs16_qacc_1p8c_u1__pie_vwiden_rqvec";
  testing::CliResult r = run_pietune({"query", "--layer", kModel, "--index", "15", "--variant", variant, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const double own = nlohmann::json::parse(r.out).at("cycles").get<double>();
  r = run_pietune({"query", "--layer", kModel, "--index", "13", "--variant", variant, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_NE(nlohmann::json::parse(r.out).at("cycles").get<double>(), own);

  ASSERT_EQ(run_pietune({"tune", kModel, "--out", path("out"), "--db", path("db.sqlite"), "--quiet"}).exit_code, 0);
  // The same variant through the database the tune filled: layer 15's own number, not layer 13's.
  r = run_pietune({"query", "--layer", kModel, "--index", "15", "--variant", variant, "--json", "--db", path("db.sqlite")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out).at("cycles").get<double>(), own);
  EXPECT_EQ(nlohmann::json::parse(r.out).at("source"), "reused");
  // explain answers the same with and without the database, and as the header says.
  const auto best = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"explain", kModel, "--layer", "15", "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    const testing::CliResult e = run_pietune(args);
    EXPECT_EQ(e.exit_code, 0) << e.err;
    return nlohmann::json::parse(e.out).at("top").at(0);
  };
  const nlohmann::json with_db = best({"--db", path("db.sqlite")});
  EXPECT_EQ(with_db, best({"--no-db"}));
  const nlohmann::json layer15 = read_json(path("out/report.json")).at("layers").at(15);
  EXPECT_EQ(layer15.at("chosen").at("variant"), with_db.at("variant"));
  EXPECT_EQ(layer15.at("chosen").at("cycles"), with_db.at("cycles"));
}

TEST_F(RobustnessCli, NegativeOrRepeatedIndexesAreRefusedBeforeAnyRun) {
  nlohmann::json layer = read_json(kCapiLayer);
  layer["index"] = -1;
  testing::CliResult r = tune(layer_file("negative.json", nlohmann::json::array({layer})));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("negative.json: layer 0: index -1: must be 0 or more"));
  layer["index"] = 7;
  r = tune(layer_file("twice.json", nlohmann::json::array({layer, layer})));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("twice.json: layer 1: index 7: already the index of layer 0"));
  layer["index"] = 2147483647;
  r = tune(layer_file("huge.json", nlohmann::json::array({layer})));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(read_file(path("out/huge_pietune.h")), HasSubstr("_L2147483647_CYCLES "));
}

TEST_F(RobustnessCli, AStoredVerificationStandsInOnlyForAsManyCases) {
  ASSERT_EQ(tune(kCapiLayer, {"--verify-cases", "1"}).exit_code, 0);
  testing::CliResult r = tune(kCapiLayer, {"--verify-cases", "4", "--seed", "9"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, Not(HasSubstr(" 0 verifications run")));
  nlohmann::json verification = read_json(path("out/report.json")).at("layers").at(0).at("verification").back();
  EXPECT_EQ(verification.at("cases"), 4);
  EXPECT_EQ(verification.at("seed"), 9);
  EXPECT_EQ(verification.at("reused"), false);
  EXPECT_THAT(read_file(path("out/person_detect_layer_pietune.h")), HasSubstr("verified on 4 random cases (seed 9)"));

  // Fewer cases than stored: the stored verification stands in, and the outputs say what it ran.
  r = tune(kCapiLayer, {"--verify-cases", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr(" 0 verifications run"));
  verification = read_json(path("out/report.json")).at("layers").at(0).at("verification").back();
  EXPECT_EQ(verification.at("cases"), 4);
  EXPECT_EQ(verification.at("reused"), true);
  EXPECT_THAT(read_file(path("out/person_detect_layer_pietune.h")),
              HasSubstr("verified on 4 random cases (seed 9, stored)"));
}

TEST_F(RobustnessCli, OutputsAreWrittenAsOneSetOrNotAtAll) {
  ASSERT_EQ(tune(kCapiLayer).exit_code, 0);
  const std::string header = path("out/person_detect_layer_pietune.h");
  const std::string before_header = read_file(header);
  const std::string before_report = read_file(path("out/report.json"));
  // report.html cannot be replaced (a folder is in the way): the other three must not change.
  fs::remove(path("out/report.html"));
  fs::create_directories(path("out/report.html/keep"));
  const testing::CliResult r = tune(kCapiLayer, {"--verify-cases", "3"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("report.html: cannot write: is a directory"));
  EXPECT_EQ(read_file(header), before_header);
  EXPECT_EQ(read_file(path("out/report.json")), before_report);
  for (const auto& entry : fs::directory_iterator(path("out")))
    EXPECT_THAT(entry.path().filename().string(), Not(HasSubstr(".tmp"))) << "temporary file left behind";
  EXPECT_EQ(runs().back().at("status"), "failed");
}

TEST_F(RobustnessCli, AnUnwritableOutputFolderIsRefusedBeforeTuning) {
  std::ofstream(path("plain_file")) << "x";
  const testing::CliResult r =
      run_pietune({"tune", kCapiLayer, "--out", path("plain_file/sub"), "--db", path("db.sqlite")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--out: " + path("plain_file/sub") + ": cannot create"));
  EXPECT_FALSE(fs::exists(path("db.sqlite")));  // refused before the database was even opened
}

TEST_F(RobustnessCli, AFullDiskUnderTheDatabaseIsAnErrorAndTheRunIsNotLeftRunning) {
  // The smallest "disk" (file size limit) that holds the new database and the start of the run,
  // found by growing it: the run then fails storing its estimates.
  testing::CliResult r;
  std::uint64_t kb = 40;
  for (; kb <= 160; kb += 8) {
    scratch_.clear();
    testing::ChildLimits full_disk;
    full_disk.max_file_bytes = kb * 1024;
    r = run_pietune({"tune", kCapiLayer, "--out", path("out"), "--db", path("db.sqlite"), "--jobs", "2"}, full_disk);
    ASSERT_EQ(r.exit_code, 2) << kb << " KB: " << r.err;
    EXPECT_THAT(r.err, HasSubstr("pietune: " + path("db.sqlite") + ": "));
    EXPECT_THAT(r.err, ::testing::ContainsRegex("disk I/O error \\((File too large|writing the file failed: is the "
                                                "disk full\\?)\\)"));  // why, beside SQLite's message
    EXPECT_THAT(r.err, Not(HasSubstr("terminate")));
    EXPECT_FALSE(fs::exists(path("out/report.json")));
    const testing::CliResult listed = run_pietune({"db", "runs", "--db", path("db.sqlite"), "--json"});
    if (listed.exit_code == 0 && !nlohmann::json::parse(listed.out).empty()) break;
  }
  ASSERT_LE(kb, 160u) << "no limit let the run start";
  // With room again: the run that hit the full disk is failed (or, when it could not even write
  // that, interrupted once its process is gone), never "running".
  ASSERT_EQ(tune(kCapiLayer).exit_code, 0);
  const nlohmann::json all = runs();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_THAT(all.at(0).at("status").get<std::string>(), ::testing::AnyOf("failed", "interrupted"));
  EXPECT_EQ(all.at(1).at("status"), "done");
}

// Item 4: a tensor name that is not UTF-8 (a byte 0xff in the flatbuffer's string).
TEST_F(RobustnessCli, TensorNamesThatAreNotUtf8AreTunedAndVerified) {
  std::string bytes = read_file(kModel);
  const std::size_t at = bytes.find("MobilenetV1/Conv2d_4_pointwise");
  ASSERT_NE(at, std::string::npos);
  bytes[at + 3] = '\xff';
  bytes[at + 4] = '\xc0';
  const std::string model = path("bad_names.tflite");
  std::ofstream(model, std::ios::binary) << bytes;
  testing::CliResult r = run_pietune({"inspect", model, "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(nlohmann::json::accept(r.out));
  r = run_pietune({"tune", model, "--out", path("out"), "--db", path("db.sqlite"), "--quiet"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NO_THROW((void)read_json(path("out/report.json")));
  r = run_pietune({"verify", model, "--db", path("db.sqlite"), "--cases", "1"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(RobustnessCli, TuneJsonNamesTheRunAndItsOutputs) {
  const testing::CliResult r = tune(kCapiLayer, {"--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc.at("run_id"), runs().back().at("id"));
  EXPECT_EQ(doc.at("outputs").at("header"), path("out") + "/person_detect_layer_pietune.h");
  EXPECT_TRUE(fs::exists(doc.at("outputs").at("report_json").get<std::string>()));
  EXPECT_EQ(doc.at("layers_tuned"), 1);
  EXPECT_GT(doc.at("totals").at("cycles").get<double>(), 0);
}

TEST_F(RobustnessCli, NoTunableLayerExits1AndWritesNothing) {
  nlohmann::json layers = inspected_layers();
  nlohmann::json uncovered = nlohmann::json::array();
  for (const auto& l : layers)
    if (l.at("op") == "RESHAPE" || l.at("op") == "SOFTMAX") uncovered.push_back(l);
  ASSERT_FALSE(uncovered.empty());
  const testing::CliResult r = tune(layer_file("glue.json", uncovered));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.err, HasSubstr("no layer could be tuned"));
  EXPECT_FALSE(fs::exists(path("out/report.json")));
}

TEST_F(RobustnessCli, RegressRefusesRunsThatAreNotComparable) {
  ASSERT_EQ(tune(kCapiLayer).exit_code, 0);                          // run 1
  ASSERT_EQ(tune(kCapiLayer, {"--weights", "sram"}).exit_code, 0);   // run 2: another placement
  nlohmann::json other = read_json(kCapiLayer);
  other["options"]["stride"] = {2, 2};
  other["outputs"][0]["shape"] = {1, 6, 6, 64};
  ASSERT_EQ(tune(layer_file("other.json", other)).exit_code, 0);    // run 3: another model
  const auto regress = [&](std::string baseline, std::string candidate, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"regress", "--db", path("db.sqlite"), "--baseline", baseline, "--candidate",
                                     candidate};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_pietune(args);
  };
  testing::CliResult r = regress("1", "2");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("runs 1 and 2 used different placements (act=sram,w=flash; act=sram,w=sram)"));
  r = regress("1", "3");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("runs 1 and 3 tuned different models (person_detect_layer.json"));
  for (const std::string bad : {"nan", "inf", "-1"}) {
    r = regress("1", "1", {"--threshold", bad});
    EXPECT_EQ(r.exit_code, 2) << bad;
    EXPECT_THAT(r.err, HasSubstr("--threshold: ")) << bad;
  }
  EXPECT_EQ(regress("1", "1").exit_code, 0);
}

TEST_F(RobustnessCli, ADbInAMissingFolderIsRefusedNotCreated) {
  const testing::CliResult r = run_pietune({"tune", kCapiLayer, "--out", path("out"), "--db", path("nope/db.sqlite")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("directory '" + path("nope") + "' does not exist"));
  EXPECT_FALSE(fs::exists(path("nope")));
}

TEST_F(RobustnessCli, AReadOnlyDatabaseIsStillRead) {
  ASSERT_EQ(tune(kCapiLayer).exit_code, 0);
  ::chmod(path("db.sqlite").c_str(), 0444);
  ::chmod(scratch_.dir().c_str(), 0555);
  const auto as_reader = [&](std::vector<std::string> args) {
    testing::ChildLimits reader;
    reader.unprivileged = true;
    return testing::run_pietune(args, reader);
  };
  testing::CliResult r = as_reader({"db", "runs", "--db", path("db.sqlite"), "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = as_reader({"db", "show", "1", "--db", path("db.sqlite")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = as_reader({"regress", "--db", path("db.sqlite"), "--baseline", "1", "--candidate", "1"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = as_reader({"query", "--layer", kCapiLayer, "--db", path("db.sqlite"), "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json answer = nlohmann::json::parse(r.out);
  EXPECT_EQ(answer.at("stored"), false);
  EXPECT_EQ(answer.at("estimates").at("computed"), 0);  // everything came from the read-only file
  ::chmod(scratch_.dir().c_str(), 0755);
}

}  // namespace
}  // namespace pietune
