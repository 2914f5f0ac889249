#pragma once
// Every Error the tests receive is checked against the list in reasons.tsv: it has a
// reason, the reason's code, and only the reason's params. So every test that provokes
// an error also tests its reason.
#include <stdexcept>
#include <string>

#include "gadehold/v1/envelope.pb.h"
#include "server/core/status.hpp"

namespace gadehold::test {

inline void check_error_contract(const v1::ServerMessage& msg) {
  if (!msg.has_error()) return;
  const auto& e = msg.error();
  auto fail = [&](const std::string& why) {
    throw std::runtime_error("Error breaks the reason contract (" + why + "): " + e.ShortDebugString());
  };
  for (auto r = static_cast<int>(core::Reason::none) + 1;; ++r) {
    const auto reason = static_cast<core::Reason>(r);
    const auto name = core::reason_name(reason);
    if (name.empty()) fail("reason not in reasons.tsv");
    if (name != e.reason()) continue;
    if (static_cast<int>(core::reason_code(reason)) != static_cast<int>(e.code())) fail("code differs");
    std::string listed(1, ',');
    listed.append(core::reason_params(reason)).push_back(',');
    for (const auto& param : e.params()) {
      std::string key(1, ',');
      key.append(param.first).push_back(',');
      if (listed.find(key) == std::string::npos) fail("param not listed: " + param.first);
    }
    return;
  }
}

}  // namespace gadehold::test
