#include "sim/cleanup.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <exception>
#include <thread>
#include <time.h>
#include <unistd.h>
#include <utility>
#include <vector>

namespace fs = std::filesystem;

namespace rs {
namespace {

struct Entry {
  fs::path path;
  bool only_if_empty;
};

std::recursive_timed_mutex g_output_mutex;
std::timed_mutex g_paths_mutex;
std::vector<Entry> g_paths;
int g_pipe[2] = {-1, -1};
pid_t g_owner = 0;
std::vector<int> g_handled;  // the signals given to on_signal

// A signal handler may only use async-signal-safe calls: write one byte, nothing else.
void on_signal(int sig) {
  if (::getpid() != g_owner) {  // a forked child: default behaviour, the parent cleans up
    std::signal(sig, SIG_DFL);
    std::raise(sig);
    return;
  }
  const int saved = errno;
  const auto b = static_cast<unsigned char>(sig);
  if (::write(g_pipe[1], &b, 1) < 0) {
  }
  errno = saved;
  if (sig == SIGABRT) {  // returning would let abort() kill the process before the watcher cleans up
    struct timespec ten_s {10, 0};
    while (::nanosleep(&ten_s, &ten_s) != 0 && errno == EINTR) {
    }
    ::_exit(70);  // the watcher could not finish (it may be the thread that aborted): never hang
  }
}

void write_stderr(const std::string& s) {
  std::size_t done = 0;
  while (done < s.size()) {
    ssize_t n = ::write(STDERR_FILENO, s.data() + done, s.size() - done);
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

// Removes the registered paths. Waits a bounded time for a write in progress:
// after abort() the thread holding the lock may never release it.
void remove_registered() {
  if (::getpid() != g_owner) return;
  const bool locked = g_output_mutex.try_lock_for(std::chrono::seconds(2));
  std::vector<Entry> paths;
  if (g_paths_mutex.try_lock_for(std::chrono::seconds(1))) {
    paths = g_paths;
    g_paths_mutex.unlock();
  }
  for (auto it = paths.rbegin(); it != paths.rend(); ++it) {  // staging folders before the parents created for them
    std::error_code ec;
    if (it->only_if_empty)
      fs::remove(it->path, ec);  // fails, harmlessly, on a folder that is not empty
    else
      fs::remove_all(it->path, ec);
  }
  if (locked) g_output_mutex.unlock();
}

std::string line_start() { return ::isatty(STDERR_FILENO) ? "\n" : ""; }  // ends a progress line

void watch() {
  unsigned char b = 0;
  while (::read(g_pipe[0], &b, 1) < 0 && errno == EINTR) {
  }
  const int sig = b;
  remove_registered();
  if (sig == SIGABRT) {
    write_stderr(line_start() +
                 "internal error: aborted (see the lines above; a resource limit such as vm.max_map_count can cause "
                 "this); unfinished outputs removed\n");
    ::_exit(70);
  }
  write_stderr(line_start() + "error: interrupted by " + (sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "SIGHUP") +
               "; unfinished outputs removed\n");
  std::signal(sig, SIG_DFL);  // end by the same signal, so that a calling shell sees it (exit status 128 + sig)
  ::kill(::getpid(), sig);
  ::_exit(128 + sig);
}

void on_terminate() {
  std::string what = "terminate called";
  if (auto e = std::current_exception()) {
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& x) {
      what = std::string("uncaught exception: ") + x.what();
    } catch (...) {
      what = "uncaught exception of unknown type";
    }
  }
  die_internal(what);
}

}  // namespace

std::recursive_timed_mutex& output_mutex() { return g_output_mutex; }

void install_cleanup_handlers() {
  if (g_owner) return;
  g_owner = ::getpid();
  if (::pipe(g_pipe) != 0) return;  // no watcher: signals keep their default effect
  std::thread(watch).detach();
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGABRT}) {
    struct sigaction old {};
    ::sigaction(sig, nullptr, &old);
    if (sig != SIGABRT && old.sa_handler == SIG_IGN) continue;  // e.g. `rackscale run &` in a script: keep ignoring
    g_handled.push_back(sig);
  }
  rearm_cleanup_handlers();
  std::set_terminate(on_terminate);
}

void rearm_cleanup_handlers() {
  for (int sig : g_handled) {
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    ::sigaction(sig, &sa, nullptr);
  }
}

void register_cleanup(const fs::path& p, bool only_if_empty) {
  std::lock_guard lock(g_paths_mutex);
  g_paths.push_back({p, only_if_empty});
}

void unregister_cleanup(const fs::path& p) {
  std::lock_guard lock(g_paths_mutex);
  g_paths.erase(std::remove_if(g_paths.begin(), g_paths.end(), [&](const Entry& e) { return e.path == p; }),
                g_paths.end());
}

void die_internal(const std::string& what) {
  remove_registered();
  std::string line = what;
  std::replace(line.begin(), line.end(), '\n', ' ');
  write_stderr("internal error: " + line + "\n");
  ::_exit(70);
}

}  // namespace rs
