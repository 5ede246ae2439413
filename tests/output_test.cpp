// Output safety: rackscale only ever replaces what it wrote; CSV quoting.
#include <doctest/doctest.h>

#include <csignal>
#include <fcntl.h>
#include <functional>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/cleanup.hpp"
#include "sim/error.hpp"
#include "sim/output.hpp"

using namespace rs;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path p;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "rs-output-test-XXXXXX").string();
    p = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(p, ec);
  }
};

void put(const fs::path& f, const std::string& text) { std::ofstream(f) << text; }
std::string get(const fs::path& f) {
  std::ifstream in(f);
  return {std::istreambuf_iterator<char>(in), {}};
}
int entries(const fs::path& d) {
  int n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(d)) ++n;
  return n;
}
// Writes one output folder the way a run does.
void write_run(const fs::path& dir, bool force, const std::string& content) {
  OutputDir out(dir, force);
  write_file_atomic(out.file("summary.csv"), content);
  out.commit();
}
std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("CSV text cells are quoted as RFC 4180 says") {
  CsvWriter w({"name", "note"});
  w.cell(std::string_view("plain")).cell(std::string_view("a,b")).end_row();
  w.cell(std::string_view("say \"hi\"")).cell(std::string_view("two\nlines")).end_row();
  CHECK(w.text() == "name,note\nplain,\"a,b\"\n\"say \"\"hi\"\"\",\"two\nlines\"\n");
}

TEST_CASE("CSV records are read back as RFC 4180 says") {
  auto rows = parse_csv("a,\"b,c\",\"d\"\"e\"\r\n1,,\"x\ny\"\n");
  REQUIRE(rows.size() == 2);
  CHECK(rows[0] == std::vector<std::string>{"a", "b,c", "d\"e"});
  CHECK(rows[1] == std::vector<std::string>{"1", "", "x\ny"});
  CHECK(split_csv_row("x,y,") == std::vector<std::string>{"x", "y", ""});
  CHECK(split_csv_row("\"\"") == std::vector<std::string>{""});
  CHECK_THROWS_AS(parse_csv("a,\"open\n", "f.csv"), InputError);
  CHECK_THROWS_AS(split_csv_row("a\nb"), InputError);
  // What the writer writes, the reader gives back.
  CsvWriter w({"k"});
  w.cell(std::string_view("a \"b\", c")).end_row();
  CHECK(parse_csv(w.text())[1][0] == "a \"b\", c");
}

TEST_CASE("command lines are shell-quoted") {
  CHECK(shell_quote("run") == "run");
  CHECK(shell_quote("--set=hardware.gpus=8") == "--set=hardware.gpus=8");
  CHECK(shell_quote("a b") == "'a b'");
  CHECK(shell_quote("it's") == "'it'\\''s'");
  CHECK(shell_quote("") == "''");
  const char* argv[] = {"/usr/bin/rackscale", "run", "--out", "my results"};
  set_command_line(4, argv);
  CHECK(command_line() == "rackscale run --out 'my results'");
}

TEST_CASE("an output folder is staged, marked and committed") {
  TempDir t;
  const fs::path out = t.p / "a" / "b" / "run";  // missing parents are created
  write_run(out, false, "x\n");
  CHECK(get(out / "summary.csv") == "x\n");
  auto m = read_output_marker(out);
  REQUIRE(m);
  CHECK(m->state == OutputState::Complete);
  CHECK(m->files == std::vector<std::string>{"summary.csv"});
  CHECK(m->version == std::string(rackscale_version()));
  CHECK(entries(out.parent_path()) == 1);  // no staging folder left beside it
}

TEST_CASE("a run that fails leaves nothing, not even the parents it created") {
  TempDir t;
  {
    OutputDir out(t.p / "a" / "b" / "run", false);
    write_file_atomic(out.file("summary.csv"), "x\n");
    CHECK(entries(t.p / "a" / "b") == 1);  // the staging folder
  }  // not committed
  CHECK(entries(t.p) == 0);
}

TEST_CASE("--force replaces a folder rackscale wrote, and only that") {
  TempDir t;
  const fs::path out = t.p / "run";
  write_run(out, false, "old\n");
  CHECK(error_of([&] { write_run(out, false, "new\n"); }).find("use --force") != std::string::npos);
  write_run(out, true, "new\n");
  CHECK(get(out / "summary.csv") == "new\n");
  CHECK(entries(t.p) == 1);

  put(out / "notes.txt", "mine");  // a user's file inside a marked folder
  CHECK(error_of([&] { write_run(out, true, "newer\n"); }).find("'notes.txt', which rackscale did not write") !=
        std::string::npos);
  CHECK(get(out / "notes.txt") == "mine");
  CHECK(get(out / "summary.csv") == "new\n");

  const fs::path foreign = t.p / "foreign";  // no marker at all
  fs::create_directory(foreign);
  put(foreign / "data", "keep");
  CHECK(error_of([&] { write_run(foreign, true, "x\n"); }).find("did not write") != std::string::npos);
  CHECK(get(foreign / "data") == "keep");

  const fs::path checkout = t.p / "checkout";  // .git: refused even if marked
  write_run(checkout, false, "x\n");
  fs::create_directory(checkout / ".git");
  CHECK(error_of([&] { write_run(checkout, true, "y\n"); }).find(".git") != std::string::npos);
  CHECK(fs::exists(checkout / ".git"));

  const fs::path empty = t.p / "empty";  // an empty folder needs no marker nor --force
  fs::create_directory(empty);
  write_run(empty, false, "e\n");
  CHECK(get(empty / "summary.csv") == "e\n");
}

TEST_CASE("symlinks are judged by what they point to") {
  TempDir t;
  const fs::path real = t.p / "real";
  write_run(real, false, "old\n");
  fs::create_directory_symlink(real, t.p / "link");
  write_run(t.p / "link", true, "new\n");
  CHECK(fs::is_symlink(t.p / "link"));
  CHECK(get(real / "summary.csv") == "new\n");

  fs::create_directory(t.p / "mine");
  put(t.p / "mine" / "f", "keep");
  fs::create_directory_symlink(t.p / "mine", t.p / "link2");
  CHECK_FALSE(error_of([&] { write_run(t.p / "link2", true, "x\n"); }).empty());
  CHECK(get(t.p / "mine" / "f") == "keep");
  fs::create_directory_symlink(t.p / "nowhere", t.p / "dangling");
  CHECK(error_of([&] { write_run(t.p / "dangling", true, "x\n"); }).find("symlink to a missing") != std::string::npos);
}

TEST_CASE("the root, the current folder and its parents, and $HOME are never replaced") {
  TempDir t;
  CHECK(why_not_replaceable("/", true).find("root folder") != std::string::npos);
  CHECK(why_not_replaceable(".", true).find("current folder") != std::string::npos);
  CHECK(why_not_replaceable("..", true).find("current folder") != std::string::npos);
  const char* old_home = std::getenv("HOME");
  std::string saved = old_home ? old_home : "";
  const fs::path home = t.p / "home";
  write_run(home, false, "x\n");  // even a folder rackscale wrote
  ::setenv("HOME", home.c_str(), 1);
  CHECK(why_not_replaceable(home, true).find("home folder") != std::string::npos);
  CHECK(why_not_replaceable(t.p, true).find("home folder") != std::string::npos);  // one above it
  if (old_home) ::setenv("HOME", saved.c_str(), 1);
  else ::unsetenv("HOME");
  CHECK(why_not_replaceable(home, true).empty());
}

TEST_CASE("staging folders of dead processes are removed, others kept") {
  TempDir t;
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  // pid 999999999 is above any Linux pid_max (at most 2^22): never alive.
  const fs::path stale = t.p / (std::string(".run.staging.") + host + ".999999999");
  fs::create_directory(stale);
  mark_output(stale, OutputState::Staging);
  const fs::path unmarked = t.p / (std::string(".run.staging.") + host + ".999999998");
  fs::create_directory(unmarked);
  const fs::path live = t.p / (std::string(".run.staging.") + host + ".1");  // pid 1 is alive
  fs::create_directory(live);
  mark_output(live, OutputState::Staging);
  write_run(t.p / "run", false, "x\n");
  CHECK_FALSE(fs::exists(stale));
  CHECK(fs::exists(unmarked));
  CHECK(fs::exists(live));
}

TEST_CASE("a study folder's marker records its state") {
  TempDir t;
  fs::create_directory(t.p / "study");
  put(t.p / "study" / "point-1.csv", "1\n");
  mark_output(t.p / "study", OutputState::Partial);
  auto m = read_output_marker(t.p / "study");
  REQUIRE(m);
  CHECK(m->state == OutputState::Partial);
  CHECK(m->files == std::vector<std::string>{"point-1.csv"});
  put(t.p / "study" / ".rackscale-output", "format: something else\n");
  CHECK_FALSE(read_output_marker(t.p / "study"));
}

TEST_CASE("a study folder starts, resumes while partial, and is replaced only with force") {
  TempDir t;
  const fs::path d = t.p / "sweeps" / "study";
  CHECK(error_of([&] { open_study_dir(d, false, true); }).find("nothing to resume") != std::string::npos);
  CHECK(open_study_dir(d, false, false) == StudyStart::New);
  REQUIRE(read_output_marker(d));
  CHECK(read_output_marker(d)->state == OutputState::Partial);
  put(d / "point-1.csv", "1\n");
  mark_output(d, OutputState::Partial);
  CHECK(open_study_dir(d, false, true) == StudyStart::Resumed);
  CHECK(get(d / "point-1.csv") == "1\n");  // resuming keeps the points done
  CHECK(error_of([&] { open_study_dir(d, false, false); }).find("use --force") != std::string::npos);
  put(d / "point-2.csv", "2\n");
  mark_output(d, OutputState::Complete);
  CHECK(error_of([&] { open_study_dir(d, false, true); }).find("the study is complete") != std::string::npos);
  CHECK(open_study_dir(d, true, false) == StudyStart::New);  // --force: a new study in its place
  CHECK(entries(d) == 1);                                     // only the marker
  put(d / "mine.txt", "x");
  CHECK(error_of([&] { open_study_dir(d, true, false); }).find("'mine.txt'") != std::string::npos);
  CHECK(error_of([&] { open_study_dir(d, false, true); }).find("'mine.txt'") != std::string::npos);
  CHECK(get(d / "mine.txt") == "x");
}

TEST_CASE("single files are never replaced without force, folders never") {
  TempDir t;
  const fs::path f = t.p / "profile.yaml";
  write_new_file(f, "one\n", false);
  CHECK(get(f) == "one\n");
  CHECK(error_of([&] { write_new_file(f, "two\n", false); }).find("--out " + f.string() + ": file exists") == 0);
  CHECK(get(f) == "one\n");
  write_new_file(f, "two\n", true);
  CHECK(get(f) == "two\n");
  fs::create_directory(t.p / "dir");
  put(t.p / "dir" / "x", "keep");
  CHECK(error_of([&] { write_new_file(t.p / "dir", "x", true); }).find("is a folder") != std::string::npos);
  CHECK(get(t.p / "dir" / "x") == "keep");
  write_new_file(t.p / "new" / "deep" / "p.yaml", "p\n", false);
  CHECK(get(t.p / "new" / "deep" / "p.yaml") == "p\n");
  CHECK(entries(t.p) == 3);  // no temp file left: profile.yaml, dir, new
}

TEST_CASE("I/O failures are input errors naming the path and the reason") {
  TempDir t;
  const std::string e = error_of([&] { write_file_atomic(t.p / "missing" / "x.csv", "x"); });
  CHECK(e == (t.p / "missing" / "x.csv").string() + ": cannot write: No such file or directory");
  put(t.p / "file", "x");
  CHECK(error_of([&] { OutputDir d(t.p / "file" / "run", false); }).find("file is not a folder") != std::string::npos);
  CHECK(error_of([&] { OutputDir d(t.p / "file" / "a" / "run", false); }).find("Not a directory") != std::string::npos);
  CHECK(entries(t.p) == 1);
}

namespace {
// Runs `fn` in a child process that installed the cleanup handlers; returns its wait status.
int child_status(const std::function<void()>& fn) {
  std::fflush(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    int devnull = ::open("/dev/null", O_WRONLY);  // the child's "internal error: ..." line is expected
    if (devnull >= 0) ::dup2(devnull, STDERR_FILENO);
    install_cleanup_handlers();
    fn();
    ::_exit(0);
  }
  int st = 0;
  ::waitpid(pid, &st, 0);
  return st;
}
}  // namespace

TEST_CASE("SIGTERM, abort() and terminate remove registered unfinished outputs") {
  TempDir t;
  const fs::path d = t.p / "staging";
  auto with_staging = [&](const std::function<void()>& stop) {
    return [&, stop] {
      fs::create_directories(d / "sub");
      put(d / "sub" / "f", "x");
      register_cleanup(d);
      stop();
      ::pause();
    };
  };
  int st = child_status(with_staging([] { ::kill(::getpid(), SIGTERM); }));
  CHECK((WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM));
  CHECK_FALSE(fs::exists(d));
  st = child_status(with_staging([] { std::abort(); }));
  CHECK((WIFEXITED(st) && WEXITSTATUS(st) == 70));
  CHECK_FALSE(fs::exists(d));
  st = child_status(with_staging([] { std::terminate(); }));
  CHECK((WIFEXITED(st) && WEXITSTATUS(st) == 70));
  CHECK_FALSE(fs::exists(d));
}
