#pragma once
// Output files and directories written atomically: a file goes to a temp name
// then is renamed; a run writes into a staging directory renamed at the end,
// so a failed run leaves no partial results.
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace rs {

// Writes `content` to `path` through a temp file + rename.
void write_file_atomic(const std::filesystem::path& path, std::string_view content);

// Staging directory for a run's outputs.
class OutputDir {
 public:
  // Fails (InputError) if `final_dir` exists and is not empty, unless `force`.
  OutputDir(std::filesystem::path final_dir, bool force);
  ~OutputDir();  // removes the staging directory unless committed
  OutputDir(const OutputDir&) = delete;
  OutputDir& operator=(const OutputDir&) = delete;

  std::filesystem::path file(std::string_view name) const { return staging_ / name; }
  const std::filesystem::path& final_dir() const { return final_; }
  void commit();  // replaces final_dir with the staged outputs

 private:
  std::filesystem::path final_, staging_;
  bool force_ = false, committed_ = false;
};

// A CSV file built in memory and written atomically. Numbers are formatted
// deterministically; NaN is written as an empty cell ("undefined").
class CsvWriter {
 public:
  explicit CsvWriter(std::vector<std::string> columns);
  CsvWriter& cell(double v);
  CsvWriter& cell(int64_t v);
  CsvWriter& cell(std::string_view s);
  CsvWriter& empty();
  void end_row();
  void save(const std::filesystem::path& path) const;
  const std::string& text() const { return buf_; }
  std::size_t columns() const { return ncols_; }

 private:
  void sep();
  std::string buf_;
  std::size_t ncols_ = 0, col_ = 0;
};

}  // namespace rs
