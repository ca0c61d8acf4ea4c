// refusal_test: files open() refuses, each with its message, and without changing a byte of them (nor
// leaving -wal / -shm files behind).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <set>

#include "costdb/costdb.h"
#include "costdb_test_support.h"

namespace pietune::costdb {
namespace {

using testing::RawDb;
using testing::ScratchDir;

std::set<std::string> listing(const std::filesystem::path& dir) {
  std::set<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) names.insert(entry.path().filename().string());
  return names;
}

// Opens `path`, expects costdb::Error, returns its message; fails the test if the directory changed.
std::string refusal(const std::string& path) {
  const std::filesystem::path dir = std::filesystem::path(path).parent_path();
  const std::set<std::string> files_before = listing(dir);
  const std::string bytes_before = testing::read_bytes(path);
  std::string message = "(no error)";
  try {
    Database::open(path);
  } catch (const Error& e) {
    message = e.what();
  }
  EXPECT_EQ(listing(dir), files_before);
  EXPECT_TRUE(testing::read_bytes(path) == bytes_before) << "the refused file was modified";
  return message;
}

// A real database of ours with enough rows to span many pages, closed (WAL checkpointed and removed).
void write_full_database(const std::string& path) {
  Database db = Database::open(path);
  for (int i = 0; i < 2000; ++i) {
    db.put_estimate({{"layer" + std::to_string(i % 50), "variant" + std::to_string(i), 1, "machine42", "fast",
                      "act=sram,w=flash"},
                     100.0 + i,
                     R"({"issue":100,"data_stall":3,"branch":1})"});
  }
}

TEST(RefusalTest, RandomBytes) {
  ScratchDir scratch;
  const std::string path = scratch.file("random.sqlite");
  std::mt19937 rng(7);
  std::string bytes(8192, '\0');
  for (char& c : bytes) c = static_cast<char>(rng() & 0xff);
  testing::write_bytes(path, bytes);
  EXPECT_EQ(refusal(path), path + ": not a SQLite database (no \"SQLite format 3\" header)");
}

TEST(RefusalTest, TextFile) {
  ScratchDir scratch;
  const std::string path = scratch.file("notes.txt");
  testing::write_bytes(path, "estimates:\n  conv 1234 cycles\n");
  EXPECT_EQ(refusal(path), path + ": not a SQLite database (no \"SQLite format 3\" header)");
}

TEST(RefusalTest, FileCutInsideTheHeader) {
  ScratchDir scratch;
  const std::string full = scratch.file("full.sqlite");
  write_full_database(full);
  const std::string path = scratch.file("cut.sqlite");
  testing::write_bytes(path, testing::read_bytes(full).substr(0, 60));
  EXPECT_EQ(refusal(path), path + ": truncated or corrupt database (60 bytes, shorter than its header)");
}

TEST(RefusalTest, TruncatedDatabase) {
  ScratchDir scratch;
  const std::string path = scratch.file("cost.sqlite");
  write_full_database(path);
  const std::string bytes = testing::read_bytes(path);
  ASSERT_GT(bytes.size(), 16u * 4096u);
  testing::write_bytes(path, bytes.substr(0, bytes.size() / 2 / 4096 * 4096));  // whole pages, half of them gone
  EXPECT_EQ(refusal(path), path + ": corrupt database (database disk image is malformed)");
}

TEST(RefusalTest, DamagedPage) {
  ScratchDir scratch;
  const std::string path = scratch.file("cost.sqlite");
  write_full_database(path);
  std::string bytes = testing::read_bytes(path);
  const std::size_t page_size = 4096;
  ASSERT_EQ(bytes.size() % page_size, 0u);
  // The last page is a leaf of the estimates b-tree; garbage there leaves the header and schema readable.
  std::fill(bytes.end() - static_cast<std::ptrdiff_t>(page_size), bytes.end(), '\xa5');
  testing::write_bytes(path, bytes);
  const std::string message = refusal(path);
  // SQLite's own words follow, e.g. "Page 80: btreeInitPage() returns error code 11".
  EXPECT_THAT(message, ::testing::StartsWith(path + ": corrupt database (quick_check: Page "));
  EXPECT_THAT(message, ::testing::EndsWith(")"));
  EXPECT_EQ(message.find('\n'), std::string::npos);  // one line
}

TEST(RefusalTest, ForeignSqliteDatabase) {
  ScratchDir scratch;
  const std::string path = scratch.file("other.sqlite");
  {
    RawDb raw(path);
    raw.exec("CREATE TABLE foo (a INTEGER); CREATE TABLE zeta (b TEXT); INSERT INTO foo VALUES (1)");
  }
  EXPECT_EQ(refusal(path), path + ": not a pietune cost database (table 'foo' found, no 'runs')");
}

TEST(RefusalTest, ForeignDatabaseWithARunsTable) {
  ScratchDir scratch;
  const std::string path = scratch.file("other.sqlite");
  {
    RawDb raw(path);
    raw.exec("CREATE TABLE runs (id INTEGER PRIMARY KEY, name TEXT); PRAGMA user_version = 1");
  }
  EXPECT_EQ(refusal(path), path + ": not a pietune cost database (no pietune_meta application marker)");
}

TEST(RefusalTest, AnotherApplicationsMarker) {
  ScratchDir scratch;
  const std::string path = scratch.file("other.sqlite");
  {
    RawDb raw(path);
    raw.exec("CREATE TABLE runs (id INTEGER PRIMARY KEY); CREATE TABLE pietune_meta (key TEXT, value TEXT);"
             "INSERT INTO pietune_meta VALUES ('application', 'other-tool'); PRAGMA user_version = 2");
  }
  EXPECT_EQ(refusal(path), path + ": not a pietune cost database (pietune_meta application is 'other-tool')");
}

TEST(RefusalTest, VersionWithoutTables) {
  ScratchDir scratch;
  const std::string path = scratch.file("other.sqlite");
  {
    RawDb raw(path);
    raw.exec("PRAGMA user_version = 5");
  }
  EXPECT_EQ(refusal(path), path + ": not a pietune cost database (user_version 5, no tables)");
}

TEST(RefusalTest, NewerSchema) {
  ScratchDir scratch;
  const std::string path = scratch.file("cost.sqlite");
  {
    Database db = Database::open(path);
    db.put_estimate({{"sig", "v", 1, "m", "fast", "p"}, 1, "{}"});
  }
  {
    RawDb raw(path);
    raw.exec("PRAGMA user_version = 99");
  }
  EXPECT_EQ(refusal(path), path + ": schema version 99 is newer than this pietune supports (" + std::to_string(kSchemaVersion) + ")");
}

TEST(RefusalTest, MissingDirectory) {
  ScratchDir scratch;
  const std::string path = scratch.file("no/such/dir/cost.sqlite");
  try {
    Database::open(path);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), path + ": directory '" + scratch.file("no/such/dir") + "' does not exist");
  }
  EXPECT_FALSE(std::filesystem::exists(scratch.dir() / "no"));
}

TEST(RefusalTest, PathIsADirectory) {
  ScratchDir scratch;
  const std::string path = scratch.file("sub");
  std::filesystem::create_directory(path);
  try {
    Database::open(path);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), path + ": is a directory, not a database file");
  }
}

TEST(RefusalTest, RefusedFileStillRefusedAfterwards) {
  // A refusal must not "repair" the file into something the next open accepts.
  ScratchDir scratch;
  const std::string path = scratch.file("other.sqlite");
  {
    RawDb raw(path);
    raw.exec("CREATE TABLE foo (a INTEGER)");
  }
  const std::string first = refusal(path);
  EXPECT_EQ(refusal(path), first);
}

}  // namespace
}  // namespace pietune::costdb
