#include "sim/output.hpp"

#include <cmath>
#include <fmt/format.h>
#include <fstream>
#include <unistd.h>

#include "sim/error.hpp"

namespace fs = std::filesystem;

namespace rs {

void write_file_atomic(const fs::path& path, std::string_view content) {
  fs::path tmp = path;
  tmp += fmt::format(".tmp.{}", ::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write " + tmp.string());
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    if (!out) throw std::runtime_error("write failed: " + tmp.string());
  }
  fs::rename(tmp, path);
}

OutputDir::OutputDir(fs::path final_dir, bool force) : final_(std::move(final_dir)), force_(force) {
  std::error_code ec;
  if (fs::exists(final_, ec) && !(fs::is_directory(final_, ec) && fs::is_empty(final_, ec)) && !force_)
    fail(final_.string(), "output directory exists and is not empty (use --force to replace it, or another --out)");
  fs::path parent = final_.parent_path().empty() ? fs::path(".") : final_.parent_path();
  fs::create_directories(parent);
  staging_ = parent / fmt::format(".{}.staging.{}", final_.filename().string(), ::getpid());
  fs::remove_all(staging_, ec);
  fs::create_directories(staging_);
}

OutputDir::~OutputDir() {
  if (!committed_) {
    std::error_code ec;
    fs::remove_all(staging_, ec);
  }
}

void OutputDir::commit() {
  std::error_code ec;
  if (fs::exists(final_, ec)) fs::remove_all(final_);
  fs::rename(staging_, final_);
  committed_ = true;
}

CsvWriter::CsvWriter(std::vector<std::string> columns) : ncols_(columns.size()) {
  for (const auto& c : columns) cell(std::string_view(c));
  end_row();
}

void CsvWriter::sep() {
  if (col_++) buf_ += ',';
}

CsvWriter& CsvWriter::cell(double v) {
  sep();
  if (!std::isnan(v)) fmt::format_to(std::back_inserter(buf_), "{:.9g}", v);
  return *this;
}
CsvWriter& CsvWriter::cell(int64_t v) {
  sep();
  fmt::format_to(std::back_inserter(buf_), "{}", v);
  return *this;
}
CsvWriter& CsvWriter::cell(std::string_view s) {
  sep();
  buf_ += s;
  return *this;
}
CsvWriter& CsvWriter::empty() {
  sep();
  return *this;
}
void CsvWriter::end_row() {
  if (col_ != ncols_) throw std::logic_error(fmt::format("CSV row has {} cells, expected {}", col_, ncols_));
  buf_ += '\n';
  col_ = 0;
}
void CsvWriter::save(const fs::path& path) const { write_file_atomic(path, buf_); }

}  // namespace rs
