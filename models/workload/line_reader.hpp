#pragma once
// Reads a text file line by line, gzip-compressed or not (zlib reads plain
// files transparently), keeping the line number for error messages.
#include <string>
#include <zlib.h>

namespace rs {

class LineReader {
 public:
  explicit LineReader(const std::string& path);  // InputError if it cannot be opened
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  bool next(std::string& line);  // false at end of file
  int64_t line_no() const { return line_no_; }
  const std::string& path() const { return path_; }
  std::string where() const { return path_ + ":" + std::to_string(line_no_); }

 private:
  std::string path_;
  gzFile f_ = nullptr;
  int64_t line_no_ = 0;
  char buf_[1 << 16];
};

}  // namespace rs
