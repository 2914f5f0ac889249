#include "server/core/status.hpp"

namespace gadehold::core {

std::string_view code_name(Code code) {
  switch (code) {
    case Code::ok: return "OK";
    case Code::invalid_argument: return "INVALID_ARGUMENT";
    case Code::unauthenticated: return "UNAUTHENTICATED";
    case Code::permission_denied: return "PERMISSION_DENIED";
    case Code::not_found: return "NOT_FOUND";
    case Code::conflict: return "CONFLICT";
    case Code::failed_precondition: return "FAILED_PRECONDITION";
    case Code::resource_exhausted: return "RESOURCE_EXHAUSTED";
    case Code::unavailable: return "UNAVAILABLE";
    case Code::internal: return "INTERNAL";
  }
  return "UNKNOWN";
}

}  // namespace gadehold::core
