#pragma once
// Names a thread, so that `top -H`, `ps -L`, perf and gdb tell the server's
// threads apart: gadehold-net (the network threads the server starts besides its main
// thread), gadehold-writer and gadehold-ckpt. The main thread keeps the process's name.
#include <string_view>
#include <thread>

namespace gadehold::core {

// Named by the thread that started it, so the name is there as soon as this returns.
// Linux keeps at most 15 characters; a longer name is cut.
void name_thread(std::thread& thread, std::string_view name);

}  // namespace gadehold::core
