#pragma once
// Runs the real `gadehold` binary as a child process, for tests of the CLI and of
// signal handling.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace gadehold::test {

class Process {
 public:
  // Starts GADEHOLD_BINARY with `args`; stdout and stderr are captured.
  explicit Process(const std::vector<std::string>& args) : Process(GADEHOLD_BINARY, args) {}
  // Starts `program` (a path) with `args`, likewise: a test's peer, such as a push service.
  Process(const std::string& program, const std::vector<std::string>& args) {
    int out[2];
    int err[2];
    if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err[1], 2);
    std::vector<std::string> argv_store{program};
    argv_store.insert(argv_store.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_store) argv.push_back(a.data());
    argv.push_back(nullptr);
    int rc = ::posix_spawn(&pid_, program.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    ::close(err[1]);
    out_ = out[0];
    err_ = err[0];
    if (rc != 0) throw std::runtime_error("posix_spawn failed");
  }

  ~Process() {
    if (pid_ > 0 && !status_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    ::close(out_);
    ::close(err_);
  }

  // Reads stderr until a line containing `needle` appears; returns that line.
  std::string wait_for_stderr(const std::string& needle, std::chrono::seconds timeout = std::chrono::seconds(20)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      auto pos = err_text_.find(needle);
      if (pos != std::string::npos) {
        auto start = err_text_.rfind('\n', pos);
        auto end = err_text_.find('\n', pos);
        if (end != std::string::npos) {
          return err_text_.substr(start == std::string::npos ? 0 : start + 1,
                                  end - (start == std::string::npos ? 0 : start + 1));
        }
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) throw std::runtime_error("timed out waiting for '" + needle + "' in: " + err_text_);
      if (!read_some(err_, err_text_, left)) throw std::runtime_error("stderr closed before '" + needle + "': " + err_text_);
    }
  }

  // Waits for exit and returns the exit status; nullopt if it was killed by a signal.
  std::optional<int> wait(std::chrono::seconds timeout = std::chrono::seconds(30)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!status_) {
      int status = 0;
      pid_t r = ::waitpid(pid_, &status, WNOHANG);
      if (r == pid_) {
        status_ = status;
        break;
      }
      if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("process did not exit");
      // Keep the pipes flowing so a chatty child cannot block on a full pipe.
      read_some(out_, out_text_, std::chrono::milliseconds(0));
      read_some(err_, err_text_, std::chrono::milliseconds(20));
    }
    drain();
    if (WIFEXITED(*status_)) return WEXITSTATUS(*status_);
    return std::nullopt;
  }

  void signal(int sig) { ::kill(pid_, sig); }
  const std::string& out() const { return out_text_; }
  const std::string& err() const { return err_text_; }

 private:
  static bool read_some(int fd, std::string& into, std::chrono::milliseconds timeout) {
    pollfd p{fd, POLLIN, 0};
    int r = ::poll(&p, 1, static_cast<int>(timeout.count()));
    if (r <= 0) return true;
    char buf[4096];
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) return false;
    into.append(buf, static_cast<std::size_t>(n));
    return true;
  }

  void drain() {
    while (read_some(out_, out_text_, std::chrono::milliseconds(100))) {
      pollfd p{out_, POLLIN, 0};
      if (::poll(&p, 1, 0) <= 0) break;
    }
    while (read_some(err_, err_text_, std::chrono::milliseconds(100))) {
      pollfd p{err_, POLLIN, 0};
      if (::poll(&p, 1, 0) <= 0) break;
    }
  }

  pid_t pid_ = -1;
  int out_ = -1;
  int err_ = -1;
  std::optional<int> status_;
  std::string out_text_;
  std::string err_text_;
};

// Runs the binary to completion and returns its exit code.
struct RunResult {
  int exit_code;
  std::string out;
  std::string err;
};

inline RunResult run_gadehold(const std::vector<std::string>& args) {
  Process p(args);
  auto code = p.wait();
  return {code.value_or(-1), p.out(), p.err()};
}

// "listening on 127.0.0.1:43121 (ws)" -> 43121
inline unsigned short port_from_listening_line(const std::string& line) {
  auto colon = line.rfind(':');
  return static_cast<unsigned short>(std::stoi(line.substr(colon + 1)));
}

}  // namespace gadehold::test
