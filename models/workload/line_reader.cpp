#include "models/workload/line_reader.hpp"

#include <cerrno>
#include <cstring>

#include "sim/error.hpp"

namespace rs {

LineReader::LineReader(const std::string& path) : path_(path) {
  f_ = gzopen(path.c_str(), "rb");
  if (!f_) fail(path, std::string("cannot open trace file: ") + std::strerror(errno));  // the reason, e.g. Permission denied
  gzbuffer(f_, 1 << 17);
}

LineReader::~LineReader() {
  if (f_) gzclose(f_);
}

bool LineReader::next(std::string& line) {
  line.clear();
  for (;;) {
    if (!gzgets(f_, buf_, sizeof buf_)) {
      int err = 0;
      const char* msg = gzerror(f_, &err);
      if (err != Z_OK && err != Z_STREAM_END) fail(where(), std::string("read error: ") + msg);
      if (line.empty()) return false;
      break;
    }
    const std::size_t got = std::strlen(buf_);
    // gzgets stops at a newline, a full buffer or the end; anything shorter hit a NUL byte.
    if (got + 1 < sizeof buf_ && buf_[got - (got > 0)] != '\n' && !gzeof(f_))
      fail(path_ + ":" + std::to_string(line_no_ + 1), "NUL byte in a text line (not a text trace?)");
    line.append(buf_, got);
    if (!line.empty() && line.back() == '\n') break;
  }
  ++line_no_;
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  return true;
}

}  // namespace rs
