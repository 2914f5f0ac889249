#include "server/core/thread_name.hpp"

#include <pthread.h>

#include <string>

namespace gadehold::core {

void name_thread(std::thread& thread, std::string_view name) {
  const std::string cut(name.substr(0, 15));
  // The result is ignored: a name only helps diagnosis. It fails for a name over 15
  // characters, which the cut rules out, or for a thread that has already ended.
  pthread_setname_np(thread.native_handle(), cut.c_str());
}

}  // namespace gadehold::core
