#pragma once
// A temporary directory per test, removed afterwards, with helpers that write plain and
// gzip-compressed files into it.

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace nmt::data::testing {

class TempDir {
 public:
  TempDir() {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    // ctest runs tests as parallel processes: the process id keeps directories apart.
    path_ = std::filesystem::temp_directory_path() /
            ("nmt-data-" + std::string(test->test_suite_name()) + "-" + test->name() + "-" + std::to_string(getpid()));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

  std::filesystem::path write(const std::string& name, std::string_view content) const {
    const auto file = path_ / name;
    std::ofstream out(file, std::ios::binary);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    EXPECT_TRUE(out.good()) << file;
    return file;
  }

  std::filesystem::path write_gz(const std::string& name, std::string_view content) const {
    const auto file = path_ / name;
    gzFile out = gzopen(file.c_str(), "wb");
    EXPECT_NE(out, nullptr) << file;
    if (out == nullptr) return file;
    if (!content.empty()) {
      EXPECT_EQ(gzwrite(out, content.data(), static_cast<unsigned>(content.size())), static_cast<int>(content.size()));
    }
    EXPECT_EQ(gzclose(out), Z_OK);
    return file;
  }

 private:
  std::filesystem::path path_;
};

}  // namespace nmt::data::testing
