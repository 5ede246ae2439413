#pragma once
// Runs `fn` in a child process and returns the numbers it produced: SimGrid
// allows one engine per process, and each simulation test needs its own.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <exception>
#include <functional>
#include <iostream>
#include <stdexcept>
#include <vector>

namespace rs {

inline std::vector<double> in_child(const std::function<std::vector<double>()>& fn) {
  int fd[2];
  if (pipe(fd) != 0) throw std::runtime_error("pipe failed");
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);  // else the child would write the parent's buffered output again
  pid_t pid = fork();
  if (pid == 0) {
    close(fd[0]);
    int rc = 0;
    try {
      std::vector<double> v = fn();
      const char* p = reinterpret_cast<const char*>(v.data());
      size_t left = v.size() * sizeof(double);
      while (left > 0) {
        ssize_t w = write(fd[1], p, left);
        if (w <= 0) break;
        p += w, left -= static_cast<size_t>(w);
      }
    } catch (const std::exception& e) {
      std::fprintf(stderr, "child simulation: %s\n", e.what());
      rc = 3;
    } catch (...) {
      rc = 3;
    }
    close(fd[1]);
    _exit(rc);
  }
  close(fd[1]);
  std::vector<double> out;
  double x = 0;
  while (read(fd[0], &x, sizeof x) == static_cast<ssize_t>(sizeof x)) out.push_back(x);
  close(fd[0]);
  int st = 0;
  waitpid(pid, &st, 0);
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) throw std::runtime_error("child simulation failed");
  return out;
}

}  // namespace rs
