#pragma once
// Output files and folders, written so that rackscale never loses a user's
// files: a file goes to a temp name then is renamed; a run writes into a
// staging folder renamed at the end, so a failed run leaves no partial
// results. Every output folder carries a marker file (kOutputMarker) naming
// the files rackscale wrote; --force replaces only such a folder.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rs {

// The rackscale version (CMake project VERSION) and this process's command
// line, shell-quoted; both are written in every marker.
std::string_view rackscale_version();
void set_command_line(int argc, const char* const* argv);
const std::string& command_line();
std::string shell_quote(std::string_view arg);

// ---- Marker --------------------------------------------------------------

inline constexpr const char* kOutputMarker = ".rackscale-output";

// staging: being written by a live process (pid, host); partial: a study that
// is written in place and continued by --resume; complete: finished.
enum class OutputState { Staging, Partial, Complete };
std::string_view to_string(OutputState s);

struct OutputMarker {
  std::string version, command;
  OutputState state = OutputState::Complete;
  std::vector<std::string> files;  // top-level entries rackscale wrote (the marker excluded)
  int64_t pid = 0;                 // the writing process (staging only)
  std::string host;
};

// The marker of `dir`; nullopt if there is none or it is not a valid marker.
std::optional<OutputMarker> read_output_marker(const std::filesystem::path& dir);
// Writes dir's marker for this process: version, command line, `state`, and
// the entries now in `dir` as its files. For a study folder: mark it Partial
// when it starts and after each point, Complete at the end.
void mark_output(const std::filesystem::path& dir, OutputState state);

// Why rackscale must not write over `dir` (empty string: it may). Refused
// always: "/", the current folder or one above it, $HOME or one above it,
// something that is not a folder, a folder holding .git. A non-empty folder
// may be replaced only with `force` and only if its marker lists every entry
// in it. Symlinks are followed: the checks apply to what they point to.
std::string why_not_replaceable(const std::filesystem::path& dir, bool force);

// ---- Writing -------------------------------------------------------------

// Writes `content` to `path` through a temp file + rename. An I/O failure is an
// InputError "path: cannot write: <reason>" and leaves no temp file behind.
void write_file_atomic(const std::filesystem::path& path, std::string_view content);

// For commands whose output is one file (calibrate --out, plots, trace JSON):
// refuses (InputError, naming `option`) to replace an existing file unless
// `force`, and never replaces or removes a folder. Missing parent folders are
// created, and removed again if the write fails.
void write_new_file(const std::filesystem::path& path, std::string_view content, bool force,
                    std::string_view option = "--out");
// The same checks without writing (to fail before a long job).
void check_new_file(const std::filesystem::path& path, bool force, std::string_view option = "--out");

// Staging folder for a run's outputs.
class OutputDir {
 public:
  // Fails (InputError) unless `final_dir` is new, empty, or (with `force`) a
  // folder rackscale wrote (why_not_replaceable). Missing parents are created
  // (like mkdir -p) and removed again if the run fails. Stale staging folders
  // that dead rackscale processes (kill -9) left beside it are removed.
  OutputDir(std::filesystem::path final_dir, bool force);
  ~OutputDir();  // removes the staging folder (and parents it created) unless committed
  OutputDir(const OutputDir&) = delete;
  OutputDir& operator=(const OutputDir&) = delete;

  std::filesystem::path file(std::string_view name) const { return staging_ / name; }
  const std::filesystem::path& final_dir() const { return final_; }
  // Marks the staged outputs complete and puts them at final_dir (an atomic
  // swap with an existing folder, whose old contents are then removed).
  void commit();

 private:
  void open();
  void discard() noexcept;
  std::filesystem::path final_, target_, staging_;
  std::vector<std::filesystem::path> created_parents_;  // outermost first
  bool force_ = false, committed_ = false;
};

// A study folder (sweeps): partial by design while it runs, written in place
// point by point, continued by --resume. open_study_dir starts it (New: the
// folder is created, or replaced with `force` if rackscale wrote it) or, with
// `resume`, continues a folder whose marker says partial (Resumed); anything
// else is an InputError naming `option`. The marker then says partial: call
// mark_output(dir, Partial) after each point and mark_output(dir, Complete)
// at the end.
enum class StudyStart { New, Resumed };
StudyStart open_study_dir(const std::filesystem::path& dir, bool force, bool resume, std::string_view option = "--out");

// ---- CSV -----------------------------------------------------------------

// A CSV file built in memory and written atomically. Numbers are formatted
// deterministically; NaN is written as an empty cell ("undefined"). Text
// cells holding a comma, a quote or a line break are quoted (RFC 4180).
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

// RFC 4180 reading: the cells of one record (quotes removed, "" -> "), and
// all records of a text (a quoted cell may hold line breaks). An unterminated
// quote is an InputError naming `where`.
std::vector<std::string> split_csv_row(std::string_view record, std::string_view where = "CSV");
std::vector<std::vector<std::string>> parse_csv(std::string_view text, std::string_view where = "CSV");

}  // namespace rs
