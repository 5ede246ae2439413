#pragma once
// Unfinished outputs are removed when the process is stopped: by SIGINT
// (Ctrl-C), SIGTERM or SIGHUP, by abort() (SimGrid dies with abort on some
// resource limits) and by std::terminate. A failed run then leaves nothing
// behind, whichever way it fails.
//
// How: the signal handler only writes one byte to a pipe (async-signal-safe).
// A watcher thread, started by install_cleanup_handlers(), reads it, takes
// output_mutex() (so that a file being written or a folder being renamed is
// finished first), removes every registered path, prints one line and ends
// the process with the same signal (the shell sees 130 for SIGINT, 143 for
// SIGTERM). The simulation itself runs in SimGrid coroutines on the main
// thread and never needs to poll a flag. After abort()/terminate the exit
// code is 70 (internal error).
#include <filesystem>
#include <mutex>
#include <string>

namespace rs {

// Installs the handlers and starts the watcher; call once, early in main().
// A signal ignored when the process started (a background job of a script)
// stays ignored.
void install_cleanup_handlers();
// Takes the signals back after a library replaced their handlers (SimGrid's
// engine installs a SIGINT handler that calls exit(1)). No-op before install.
void rearm_cleanup_handlers();

// Held while output files are written, renamed or removed.
std::recursive_timed_mutex& output_mutex();

// Paths removed if the process is stopped before unregistering them: recursively,
// or, with only_if_empty, only while empty (a parent folder rackscale created).
void register_cleanup(const std::filesystem::path& p, bool only_if_empty = false);
void unregister_cleanup(const std::filesystem::path& p);

// Removes the registered paths, prints "internal error: <what>" and exits 70.
// For std::terminate and other fatal paths; never returns.
[[noreturn]] void die_internal(const std::string& what);

}  // namespace rs
