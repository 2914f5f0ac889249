#pragma once
// Runs a write in the writer's next group commit and replies only after the commit.
#include <functional>
#include <memory>

#include "server/app/dispatcher.hpp"
#include "server/store/engine/writer.hpp"

namespace gadehold::app {

// `apply` runs on the writer thread inside the batch transaction and fills a T;
// `on_commit` runs after the commit with that T and must reply. A refusal or a storage
// failure is replied with as an Error instead.
template <class T>
void commit_then(store::Writer& writer, RequestPtr request, std::function<T(store::Connection&)> apply,
                 std::function<void(Request&, T&)> on_commit) {
  auto result = std::make_shared<T>();
  writer.submit([apply = std::move(apply), result](store::Connection& conn) { *result = apply(conn); },
                [request, result, on_commit = std::move(on_commit)](const core::Status& status) {
                  if (!status.ok()) {
                    request->fail(status);
                    return;
                  }
                  on_commit(*request, *result);
                });
}

}  // namespace gadehold::app
