// read_bounded: a file is read whole only within its limit; a regular file over it is refused by
// its size without reading, a pipe when it passes the limit, devices and folders at once.
#include "model/support/bounded_read.h"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

namespace pietune {
namespace {

namespace fs = std::filesystem;
using Outcome = BoundedRead::Outcome;

class BoundedReadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("pietune_bounded_read_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(BoundedReadTest, ReadsFilesWithinTheLimit) {
  std::ofstream(dir_ / "f.bin", std::ios::binary) << std::string("abc\0def", 7);
  const BoundedRead r = read_bounded(dir_ / "f.bin", 7);
  ASSERT_TRUE(r.ok()) << r.reason;
  EXPECT_EQ(r.bytes, std::string("abc\0def", 7));
  std::ofstream(dir_ / "empty.bin").close();
  EXPECT_TRUE(read_bounded(dir_ / "empty.bin", 0).ok());
}

TEST_F(BoundedReadTest, RefusesLargeFilesByTheirSize) {
  std::ofstream(dir_ / "huge.bin").close();
  fs::resize_file(dir_ / "huge.bin", std::uintmax_t{8} << 30);  // sparse: reading it would take 8 GB
  const BoundedRead r = read_bounded(dir_ / "huge.bin", 1000);
  EXPECT_EQ(r.outcome, Outcome::kTooLarge);
  EXPECT_EQ(r.reason, "8589934592 bytes, more than 1000");
  EXPECT_TRUE(r.bytes.empty());
}

TEST_F(BoundedReadTest, RefusesDevicesFoldersAndMissingFiles) {
  EXPECT_EQ(read_bounded("/dev/zero", 1 << 20).outcome, Outcome::kNotAFile);
  EXPECT_EQ(read_bounded("/dev/zero", 1 << 20).reason, "not a regular file or pipe");
  EXPECT_EQ(read_bounded(dir_, 100).outcome, Outcome::kIsDirectory);
  const BoundedRead missing = read_bounded(dir_ / "nope", 100);
  EXPECT_EQ(missing.outcome, Outcome::kCannotOpen);
  EXPECT_EQ(missing.reason, "No such file or directory");
}

TEST_F(BoundedReadTest, ReadsPipesUpToTheLimit) {
  const fs::path fifo = dir_ / "fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  std::thread writer([&] { std::ofstream(fifo, std::ios::binary) << std::string(5000, 'p'); });
  const BoundedRead over = read_bounded(fifo, 4096);
  writer.join();
  EXPECT_EQ(over.outcome, Outcome::kTooLarge);
  EXPECT_EQ(over.reason, "more than 4096 bytes");
  std::thread again([&] { std::ofstream(fifo, std::ios::binary) << std::string(5000, 'p'); });
  const BoundedRead within = read_bounded(fifo, 5000);
  again.join();
  ASSERT_TRUE(within.ok()) << within.reason;
  EXPECT_EQ(within.bytes.size(), 5000u);
}

}  // namespace
}  // namespace pietune
