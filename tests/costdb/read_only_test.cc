// read_only_test: a cost database that may not be written (a CI artifact, a read-only mount, a
// file of another user) is still read: Access::kReadOnly and kReadWriteIfPossible open it without
// writing anything, writes are refused with a clear error, and a missing file is never created.
// Root may write any file, so the checks on permissions run in a child process as user nobody.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>

#include "costdb/costdb.h"
#include "costdb_test_support.h"

namespace pietune::costdb {
namespace {

using testing::read_bytes;
using testing::ScratchDir;

constexpr uid_t kNobody = 65534;

// Runs `check` in a child process without write permission on files it does not own (as user
// nobody when the tests run as root); returns its exit code, or -1 when it died from a signal.
int in_unprivileged_child(const std::function<int()>& check) {
  const pid_t pid = fork();
  if (pid == 0) {
    if (geteuid() == 0 && (setgid(kNobody) != 0 || setuid(kNobody) != 0)) _exit(100);
    int code = 101;
    try {
      code = check();
    } catch (...) {
      code = 102;
    }
    _exit(code);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// A database with one finished run, then its file and folder made read-only for everybody.
std::string read_only_database(const ScratchDir& scratch) {
  const std::string path = scratch.file("artifact.sqlite");
  {
    Database db = Database::open(path);
    RunRecord run;
    run.model = "m.tflite";
    db.end_run(db.begin_run(run), "done");
  }
  chmod(path.c_str(), 0444);
  chmod(scratch.dir().c_str(), 0555);
  return path;
}

int expect_write_refused(Database& db) {
  try {
    db.put_layer("sig", "{}");
  } catch (const Error& e) {
    return std::string(e.what()).find("opened read-only") != std::string::npos ? 0 : 12;
  }
  return 11;
}

TEST(ReadOnlyTest, ReadOnlyOpenReadsAFileAndFolderItMayNotWrite) {
  ScratchDir scratch;
  const std::string path = read_only_database(scratch);
  const std::string before = read_bytes(path);
  const int code = in_unprivileged_child([&] {
    Database db = Database::open(path, Access::kReadOnly);
    if (!db.read_only()) return 1;
    if (db.runs().size() != 1 || db.runs()[0].status != "done") return 2;
    return expect_write_refused(db);
  });
  chmod(scratch.dir().c_str(), 0755);
  EXPECT_EQ(code, 0);
  EXPECT_EQ(read_bytes(path), before);
  EXPECT_FALSE(std::filesystem::exists(path + "-wal"));
}

TEST(ReadOnlyTest, ReadWriteIfPossibleFallsBackToReadingAndReadWriteRefuses) {
  ScratchDir scratch;
  const std::string path = read_only_database(scratch);
  const int code = in_unprivileged_child([&] {
    Database db = Database::open(path, Access::kReadWriteIfPossible);
    if (!db.read_only() || db.runs().size() != 1) return 1;
    if (expect_write_refused(db) != 0) return 2;
    try {
      Database::open(path, Access::kReadWrite);
    } catch (const Error&) {
      return 0;
    }
    return 3;
  });
  chmod(scratch.dir().c_str(), 0755);
  EXPECT_EQ(code, 0);
}

TEST(ReadOnlyTest, ReadWriteIfPossibleWritesAWritableFile) {
  ScratchDir scratch;
  Database db = Database::open(scratch.file("w.sqlite"), Access::kReadWriteIfPossible);
  EXPECT_FALSE(db.read_only());
  db.put_layer("sig", "{}");
  EXPECT_EQ(db.layer_json("sig"), "{}");
}

TEST(ReadOnlyTest, ReadOnlyOpenOfAMissingFileIsRefusedAndCreatesNothing) {
  ScratchDir scratch;
  const std::string path = scratch.file("missing.sqlite");
  try {
    Database::open(path, Access::kReadOnly);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), path + ": no such cost database (missing or empty file)");
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

}  // namespace
}  // namespace pietune::costdb
