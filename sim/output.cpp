#include "sim/output.hpp"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <mutex>
#include <signal.h>
#include <unistd.h>
#include <utility>
#include <yaml-cpp/yaml.h>

#include "sim/cleanup.hpp"
#include "sim/error.hpp"

#ifndef RACKSCALE_VERSION
#define RACKSCALE_VERSION "unknown"
#endif

namespace fs = std::filesystem;

namespace rs {
namespace {

std::string g_command_line = "rackscale";
std::vector<std::pair<fs::path, fs::path>> g_staging_to_final;  // live OutputDirs, for error messages

// The path a user knows: a file in a staging folder is named by its final place.
std::string shown(const fs::path& p) {
  for (const auto& [staging, final_dir] : g_staging_to_final)
    if (p.parent_path() == staging) return (final_dir / p.filename()).string();
  return p.string();
}

std::string errno_text(int e) { return std::strerror(e); }

std::string host_name() {
  char buf[HOST_NAME_MAX + 1] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0 || !buf[0]) return "localhost";
  std::string h = buf;
  std::replace(h.begin(), h.end(), '/', '_');
  return h;
}

bool process_alive(int64_t pid) {
  if (pid <= 0 || pid > INT_MAX) return false;
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

// `inner` is `outer` or inside it (both absolute and normalised).
bool is_within(const fs::path& inner, const fs::path& outer) {
  auto [o, i] = std::mismatch(outer.begin(), outer.end(), inner.begin(), inner.end());
  (void)i;
  return o == outer.end();
}

// Absolute, symlinks resolved as far as the path exists, no trailing slash.
fs::path resolved(const fs::path& p) {
  std::error_code ec;
  fs::path r = fs::weakly_canonical(fs::absolute(p, ec), ec);
  if (ec) r = fs::absolute(p).lexically_normal();
  if (r.filename().empty() && r.has_parent_path() && r != r.root_path()) r = r.parent_path();
  return r;
}

void remove_created(const std::vector<fs::path>& created) noexcept {
  std::error_code ec;
  for (auto it = created.rbegin(); it != created.rend(); ++it) {
    fs::remove(*it, ec);  // only while empty
    unregister_cleanup(*it);
  }
}

// Creates the missing folders above `path`, outermost first, and returns them
// (registered for cleanup, removed again by remove_created()).
std::vector<fs::path> create_parents(const fs::path& path, const std::string& where) {
  std::vector<fs::path> missing;
  std::error_code ec;
  for (fs::path p = path.parent_path(); !p.empty() && !fs::exists(fs::symlink_status(p, ec)); p = p.parent_path()) {
    missing.push_back(p);
    if (p == p.root_path()) break;
  }
  std::reverse(missing.begin(), missing.end());
  std::vector<fs::path> created;
  for (const auto& p : missing) {
    if (!fs::create_directory(p, ec) && ec) {
      const std::string reason = ec.message();
      remove_created(created);
      fail(where, fmt::format("cannot create folder {}: {}", p.string(), reason));
    }
    created.push_back(p);
    register_cleanup(p, /*only_if_empty=*/true);
  }
  fs::path parent = path.parent_path();
  if (!fs::is_directory(parent, ec)) fail(where, fmt::format("{} is not a folder", parent.string()));
  return created;
}

// Removes staging folders beside `target` left by dead rackscale processes of
// this host (kill -9, power loss): named .<name>.staging.<host>.<pid>[...] and
// carrying a marker.
void remove_stale_staging(const fs::path& parent, const std::string& prefix) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(parent, ec)) {
    const std::string n = e.path().filename().string();
    if (n.rfind(prefix, 0) != 0) continue;
    const char* digits = n.c_str() + prefix.size();
    char* end = nullptr;
    long long pid = std::strtoll(digits, &end, 10);
    if (end == digits || pid == ::getpid() || process_alive(pid)) continue;
    if (!fs::is_directory(fs::symlink_status(e.path(), ec)) || !read_output_marker(e.path())) continue;
    fs::remove_all(e.path(), ec);
  }
}

void forget_staging(const fs::path& staging) {
  std::erase_if(g_staging_to_final, [&](const auto& e) { return e.first == staging; });
}

}  // namespace

// ---- Identity ------------------------------------------------------------

std::string_view rackscale_version() { return RACKSCALE_VERSION; }

std::string shell_quote(std::string_view arg) {
  if (!arg.empty() && std::all_of(arg.begin(), arg.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || std::strchr("_./=:,+@%-", c);
      }))
    return std::string(arg);
  std::string q = "'";
  for (char c : arg) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

void set_command_line(int argc, const char* const* argv) {
  std::string s;
  for (int i = 0; i < argc; ++i) s += (i ? " " : "") + shell_quote(i == 0 ? "rackscale" : argv[i]);
  g_command_line = s;
}

const std::string& command_line() { return g_command_line; }

// ---- Marker --------------------------------------------------------------

std::string_view to_string(OutputState s) {
  switch (s) {
    case OutputState::Staging: return "staging";
    case OutputState::Partial: return "partial";
    case OutputState::Complete: return "complete";
  }
  return "complete";
}

std::optional<OutputMarker> read_output_marker(const fs::path& dir) {
  std::error_code ec;
  const fs::path f = dir / kOutputMarker;
  if (!fs::is_regular_file(fs::symlink_status(f, ec)) || fs::file_size(f, ec) > (1u << 20)) return std::nullopt;
  try {
    YAML::Node n = YAML::LoadFile(f.string());
    if (!n.IsMap() || !n["format"] || n["format"].as<std::string>() != "rackscale-output 1") return std::nullopt;
    OutputMarker m;
    m.version = n["version"].as<std::string>("");
    m.command = n["command"].as<std::string>("");
    const std::string st = n["state"].as<std::string>("");
    if (st == "staging") m.state = OutputState::Staging;
    else if (st == "partial") m.state = OutputState::Partial;
    else if (st == "complete") m.state = OutputState::Complete;
    else return std::nullopt;
    if (!n["files"] || !n["files"].IsSequence()) return std::nullopt;
    for (const auto& x : n["files"]) m.files.push_back(x.as<std::string>());
    m.pid = n["pid"].as<int64_t>(0);
    m.host = n["host"].as<std::string>("");
    return m;
  } catch (const std::exception&) {
    return std::nullopt;  // not ours, or damaged: treated as foreign
  }
}

void mark_output(const fs::path& dir, OutputState state) {
  std::lock_guard lock(output_mutex());
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string n = e.path().filename().string();
    if (n != kOutputMarker) files.push_back(n);
  }
  if (ec) fail(dir.string(), "cannot list folder: " + ec.message());
  std::sort(files.begin(), files.end());
  YAML::Emitter y;
  y << YAML::BeginMap;
  y << YAML::Key << "format" << YAML::Value << "rackscale-output 1";
  y << YAML::Key << "version" << YAML::Value << std::string(rackscale_version());
  y << YAML::Key << "state" << YAML::Value << std::string(to_string(state));
  y << YAML::Key << "command" << YAML::Value << YAML::DoubleQuoted << command_line();
  y << YAML::Key << "files" << YAML::Value << YAML::Flow << files;
  if (state == OutputState::Staging) {
    y << YAML::Key << "pid" << YAML::Value << static_cast<int64_t>(::getpid());
    y << YAML::Key << "host" << YAML::Value << host_name();
  }
  y << YAML::EndMap;
  write_file_atomic(dir / kOutputMarker,
                    "# Written by rackscale. `--force` may replace this folder only because this file lists\n"
                    "# everything in it; delete this file to protect the folder.\n" +
                        std::string(y.c_str()) + "\n");
}

std::string why_not_replaceable(const fs::path& dir, bool force) {
  std::error_code ec;
  const fs::file_status ls = fs::symlink_status(dir, ec);
  if (!fs::exists(ls)) return "";
  if (fs::is_symlink(ls) && !fs::exists(dir, ec)) return "is a symlink to a missing place; choose another folder";
  const fs::path real = fs::canonical(dir, ec);
  if (ec) return "cannot be resolved: " + ec.message();
  const std::string never = "; rackscale never writes over it: choose a new folder";
  if (real == real.root_path()) return "is the root folder" + never;
  if (fs::path cwd = fs::current_path(ec); !ec && is_within(cwd, real))
    return "is the current folder or one above it" + never;
  if (const char* home = std::getenv("HOME"); home && *home) {
    fs::path h = fs::weakly_canonical(home, ec);
    if (!ec && is_within(h, real)) return "is the home folder ($HOME) or one above it" + never;
  }
  if (!fs::is_directory(real, ec)) return "exists and is not a folder" + never;
  if (fs::exists(fs::symlink_status(real / ".git", ec))) return "holds .git (a source checkout)" + never;
  std::vector<std::string> entries;
  for (const auto& e : fs::directory_iterator(real, ec)) entries.push_back(e.path().filename().string());
  if (ec) return "cannot be listed: " + ec.message();
  if (entries.empty()) return "";
  auto m = read_output_marker(real);
  const std::string foreign =
      "; --force replaces only folders rackscale wrote: move them away yourself or choose another folder";
  if (!m) return fmt::format("holds files rackscale did not write (no {} marker){}", kOutputMarker, foreign);
  for (const auto& e : entries)
    if (e != kOutputMarker && std::find(m->files.begin(), m->files.end(), e) == m->files.end())
      return fmt::format("holds '{}', which rackscale did not write{}", e, foreign);
  if (!force) return "exists (use --force to replace it, or choose another folder)";
  return "";
}

// ---- Writing -------------------------------------------------------------

void write_file_atomic(const fs::path& path, std::string_view content) {
  std::lock_guard lock(output_mutex());
  fs::path tmp = path;
  tmp += fmt::format(".tmp.{}", ::getpid());
  auto give_up = [&](int e, int fd) {
    if (fd >= 0) ::close(fd);
    ::unlink(tmp.c_str());
    fail(shown(path), "cannot write: " + errno_text(e));
  };
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) fail(shown(path), "cannot write: " + errno_text(errno));
  for (std::size_t done = 0; done < content.size();) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) give_up(n < 0 ? errno : EIO, fd);
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) give_up(errno, -1);
  if (::rename(tmp.c_str(), path.c_str()) != 0) give_up(errno, -1);
}

void check_new_file(const fs::path& path, bool force, std::string_view option) {
  const std::string where = fmt::format("{} {}", option, path.string());
  if (path.empty() || path.filename().empty()) fail(where, "expected a file name");
  std::error_code ec;
  const fs::file_status ls = fs::symlink_status(path, ec);
  if (!fs::exists(ls)) return;
  if (fs::is_symlink(ls) && !fs::exists(path, ec)) fail(where, "is a symlink to a missing file");
  if (fs::is_directory(path, ec)) fail(where, "is a folder; rackscale writes a file here and never replaces a folder");
  if (!fs::is_regular_file(path, ec)) fail(where, "exists and is not a regular file");
  if (!force) fail(where, "file exists (use --force to replace it)");
}

void write_new_file(const fs::path& path, std::string_view content, bool force, std::string_view option) {
  std::lock_guard lock(output_mutex());
  check_new_file(path, force, option);
  const fs::path target = resolved(path);
  auto created = create_parents(target, fmt::format("{} {}", option, path.string()));
  try {
    write_file_atomic(target, content);
  } catch (...) {
    remove_created(created);
    throw;
  }
  for (const auto& p : created) unregister_cleanup(p);
}

// ---- OutputDir -----------------------------------------------------------

OutputDir::OutputDir(fs::path final_dir, bool force) : final_(std::move(final_dir)), force_(force) {
  std::lock_guard lock(output_mutex());
  try {
    open();
  } catch (...) {
    discard();
    throw;
  }
}

void OutputDir::open() {
  const std::string where = final_.string();
  if (final_.empty()) fail("--out", "expected a folder name");
  if (auto why = why_not_replaceable(final_, force_); !why.empty()) fail(where, why);
  target_ = resolved(final_);
  if (auto why = why_not_replaceable(target_, force_); !why.empty()) fail(where, why);  // "a/.." and the like
  if (target_ == target_.root_path()) fail(where, "is the root folder; choose a new folder");
  created_parents_ = create_parents(target_, where);
  const fs::path parent = target_.parent_path();
  const std::string base = fmt::format(".{}.staging.{}.", target_.filename().string(), host_name());
  remove_stale_staging(parent, base);
  std::error_code ec;
  for (int n = 0;; ++n) {
    staging_ = parent / (base + std::to_string(::getpid()) + (n ? "." + std::to_string(n) : ""));
    if (fs::create_directory(staging_, ec)) break;
    if (ec && ec != std::errc::file_exists) {
      staging_.clear();
      fail(where, fmt::format("cannot create a folder in {}: {}", parent.string(), ec.message()));
    }
    if (n == 100) {
      staging_.clear();
      fail(where, "cannot find a free staging folder name in " + parent.string());
    }
  }
  register_cleanup(staging_);
  g_staging_to_final.emplace_back(staging_, final_);
  mark_output(staging_, OutputState::Staging);
}

void OutputDir::discard() noexcept {
  try {
    std::lock_guard lock(output_mutex());
    std::error_code ec;
    if (!staging_.empty()) {
      fs::remove_all(staging_, ec);
      unregister_cleanup(staging_);
      forget_staging(staging_);
    }
    remove_created(created_parents_);
    created_parents_.clear();
  } catch (...) {
  }
}

OutputDir::~OutputDir() {
  if (!committed_) discard();
}

void OutputDir::commit() {
  std::lock_guard lock(output_mutex());
  const std::string where = final_.string();
  mark_output(staging_, OutputState::Complete);
  // Checked again: something may have been written there while the run went on.
  if (auto why = why_not_replaceable(target_, force_); !why.empty()) fail(where, why);
  std::error_code ec;
  const bool replace = fs::exists(fs::symlink_status(target_, ec)) && !fs::is_empty(target_, ec);
  auto cannot = [&](int e) { fail(where, "cannot move the outputs into place: " + errno_text(e)); };
  if (!replace) {
    if (::rename(staging_.c_str(), target_.c_str()) != 0) cannot(errno);
  } else if (::renameat2(AT_FDCWD, staging_.c_str(), AT_FDCWD, target_.c_str(), RENAME_EXCHANGE) != 0) {
    if (errno != EINVAL && errno != ENOSYS) cannot(errno);
    // No atomic exchange on this file system: move the old folder aside, then the new one in.
    fs::path old = staging_;
    old += ".old";
    register_cleanup(old);
    if (::rename(target_.c_str(), old.c_str()) != 0) cannot(errno);
    if (::rename(staging_.c_str(), target_.c_str()) != 0) {
      const int e = errno;
      ::rename(old.c_str(), target_.c_str());
      unregister_cleanup(old);
      cannot(e);
    }
    unregister_cleanup(staging_);
    forget_staging(staging_);
    staging_ = old;
  }
  // staging_ now holds the replaced outputs (checked above to be rackscale's own), or nothing.
  fs::remove_all(staging_, ec);
  unregister_cleanup(staging_);
  forget_staging(staging_);
  for (const auto& p : created_parents_) unregister_cleanup(p);
  created_parents_.clear();
  committed_ = true;
}

// ---- Study folders -------------------------------------------------------

StudyStart open_study_dir(const fs::path& dir, bool force, bool resume, std::string_view option) {
  std::lock_guard lock(output_mutex());
  const std::string where = fmt::format("{} {}", option, dir.string());
  std::error_code ec;
  const bool exists = fs::exists(fs::symlink_status(dir, ec));
  if (resume) {
    if (!exists) fail(where, "nothing to resume: the folder does not exist (run without --resume to start the study)");
    if (auto why = why_not_replaceable(dir, true); !why.empty()) fail(where, why);
    auto m = read_output_marker(dir);
    if (!m || m->state != OutputState::Partial)
      fail(where, fmt::format("nothing to resume: the study is {}", m ? to_string(m->state) : "not one rackscale wrote"));
    return StudyStart::Resumed;
  }
  if (auto why = why_not_replaceable(dir, force); !why.empty()) fail(where, why);
  const fs::path target = resolved(dir);
  if (exists && !fs::is_empty(target, ec)) {  // checked above: rackscale wrote all of it, and --force was given
    std::error_code rm;
    for (const auto& e : fs::directory_iterator(target, rm))
      if (fs::remove_all(e.path(), rm); rm) break;
    if (rm) fail(where, "cannot clear the old study: " + rm.message());
  }
  auto created = create_parents(target, where);
  for (const auto& p : created) unregister_cleanup(p);  // a study is partial by design: its folders stay
  if (std::error_code mk; !fs::create_directory(target, mk) && mk) fail(where, "cannot create folder: " + mk.message());
  mark_output(target, OutputState::Partial);
  return StudyStart::New;
}

// ---- CSV -----------------------------------------------------------------

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
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) {
    buf_ += s;
    return *this;
  }
  buf_ += '"';  // RFC 4180: quoted, with inner quotes doubled
  for (char c : s) {
    if (c == '"') buf_ += '"';
    buf_ += c;
  }
  buf_ += '"';
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

std::vector<std::vector<std::string>> parse_csv(std::string_view text, std::string_view where) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string cell;
  bool quoted = false, cell_started = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c != '"') {
        cell += c;
      } else if (i + 1 < text.size() && text[i + 1] == '"') {
        cell += '"';
        ++i;
      } else {
        quoted = false;
      }
    } else if (c == '"' && !cell_started) {
      quoted = cell_started = true;
    } else if (c == ',') {
      row.push_back(std::exchange(cell, {}));
      cell_started = false;
    } else if (c == '\n' || (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) {
      if (c == '\r') ++i;
      row.push_back(std::exchange(cell, {}));
      rows.push_back(std::exchange(row, {}));
      cell_started = false;
    } else {
      cell += c;
      cell_started = true;
    }
  }
  if (quoted) fail(std::string(where), "unterminated quoted cell (RFC 4180)");
  if (cell_started || !row.empty()) {
    row.push_back(std::move(cell));
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<std::string> split_csv_row(std::string_view record, std::string_view where) {
  auto rows = parse_csv(record, where);
  if (rows.empty()) return {""};
  if (rows.size() > 1) fail(std::string(where), "expected one CSV record, found a line break outside quotes");
  return rows[0];
}

}  // namespace rs
