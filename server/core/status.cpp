#include "server/core/status.hpp"

namespace gadehold::core {

namespace {

struct ReasonInfo {
  std::string_view name;
  Code code;
  std::string_view params;
};

constexpr ReasonInfo kReasons[] = {
    {"", Code::ok, ""},
#define GADEHOLD_REASON(name, code, params) {#name, Code::code, params},
#include "gadehold/reasons.inc"
#undef GADEHOLD_REASON
};

const ReasonInfo& info(Reason reason) {
  const auto index = static_cast<std::size_t>(reason);
  return index < std::size(kReasons) ? kReasons[index] : kReasons[0];
}

}  // namespace

std::string_view code_name(Code code) {
  switch (code) {
    case Code::ok:
      return "OK";
    case Code::invalid_argument:
      return "INVALID_ARGUMENT";
    case Code::unauthenticated:
      return "UNAUTHENTICATED";
    case Code::permission_denied:
      return "PERMISSION_DENIED";
    case Code::not_found:
      return "NOT_FOUND";
    case Code::conflict:
      return "CONFLICT";
    case Code::failed_precondition:
      return "FAILED_PRECONDITION";
    case Code::resource_exhausted:
      return "RESOURCE_EXHAUSTED";
    case Code::unavailable:
      return "UNAVAILABLE";
    case Code::internal:
      return "INTERNAL";
  }
  return "UNKNOWN";
}

std::string_view reason_name(Reason reason) { return info(reason).name; }
Code reason_code(Reason reason) { return info(reason).code; }
std::string_view reason_params(Reason reason) { return info(reason).params; }

}  // namespace gadehold::core
