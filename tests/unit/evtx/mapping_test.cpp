// detail::Mapping: a mapped file that shrinks reads zeros past its new end instead of faulting.
#include "evtx/mapping.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace cmdsentry::evtx::detail {
namespace {

constexpr std::size_t kSize = 4 * 65536;

std::filesystem::path make_file() {
  const auto path = std::filesystem::temp_directory_path() /
                    ("cmdsentry_mapping_" + std::to_string(::getpid()) + "_" +
                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
  const std::vector<char> bytes(kSize, '\xAB');
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(kSize));
  return path;
}

TEST(EvtxMapping, file_cut_under_the_mapping_reads_zeros_and_is_flagged) {
  const auto path = make_file();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  {
    Mapping m;
    ASSERT_TRUE(m.map(fd, 0, kSize));
    EXPECT_EQ(m.data()[kSize - 1], 0xAB);
    EXPECT_FALSE(m.faulted());
    std::filesystem::resize_file(path, 65536);  // a live log rotated under the reader
    EXPECT_EQ(m.data()[100], 0xAB);             // still in the file
    EXPECT_EQ(m.data()[3 * 65536 + 5], 0);      // past its end: zeros, no SIGBUS
    EXPECT_TRUE(m.faulted());
    EXPECT_EQ(m.data()[kSize - 1], 0);
  }
  {
    Mapping fresh;  // the slot is reused with a clean flag
    ASSERT_TRUE(fresh.map(fd, 0, 65536));
    EXPECT_FALSE(fresh.faulted());
    EXPECT_EQ(fresh.data()[65535], 0xAB);
  }
  ::close(fd);
  std::filesystem::remove(path);
}

TEST(EvtxMapping, many_mappings_at_once_fall_back_instead_of_failing_hard) {
  const auto path = make_file();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  std::vector<std::unique_ptr<Mapping>> maps;
  std::size_t mapped = 0;
  for (int i = 0; i < 300; ++i) {
    maps.push_back(std::make_unique<Mapping>());
    if (maps.back()->map(fd, 0, 4096)) ++mapped;
  }
  EXPECT_GT(mapped, 0u);
  EXPECT_LT(mapped, 300u);  // the table is full: map() says so, the reader reads instead
  maps.clear();
  Mapping again;
  EXPECT_TRUE(again.map(fd, 0, 4096));
  ::close(fd);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace cmdsentry::evtx::detail
