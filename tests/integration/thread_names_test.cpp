// The server's threads carry names (core::name_thread), so that `top -H`, `ps -L`
// and perf tell the writer, the checkpoint thread and the network threads apart.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <string>
#include <thread>

#include "server/core/thread_name.hpp"
#include "support/test_server.hpp"

using namespace gadehold;

namespace {

// How many of this process's threads carry each name.
std::map<std::string, int> thread_names() {
  std::map<std::string, int> names;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream comm(task.path() / "comm");
    std::string name;
    if (std::getline(comm, name)) ++names[name];
  }
  return names;
}

}  // namespace

TEST_CASE("the server's writer, checkpoint, reader and network threads are named") {
  test::TestServer server;  // 2 network threads
  auto names = thread_names();
  // start() runs every network thread on a thread of its own (serve keeps one on the
  // main thread, which keeps the process's name).
  CHECK(names["gadehold-net"] >= 2);
  CHECK(names["gadehold-writer"] >= 1);
  CHECK(names["gadehold-ckpt"] >= 1);
  CHECK(names["gadehold-read"] == static_cast<int>(server.runtime().config().reader_pool_size));
}

TEST_CASE("a thread name longer than Linux keeps is cut to 15 characters") {
  std::promise<std::string> seen;
  std::promise<void> named;
  std::thread t([&] {
    named.get_future().wait();
    std::ifstream comm("/proc/thread-self/comm");
    std::string name;
    std::getline(comm, name);
    seen.set_value(name);
  });
  core::name_thread(t, "gadehold-a-very-long-name");
  named.set_value();
  t.join();
  CHECK(seen.get_future().get() == "gadehold-a-very");
}
