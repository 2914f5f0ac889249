#pragma once
// The error vocabulary shared by every layer; app/ maps it onto gadehold.v1.ErrorCode.
#include <stdexcept>
#include <string>

namespace gadehold::core {

// Same numbers as gadehold.v1.ErrorCode, so the mapping is a cast.
enum class Code {
  ok = 0,
  invalid_argument = 1,
  unauthenticated = 2,
  permission_denied = 3,
  not_found = 4,
  conflict = 5,
  failed_precondition = 6,
  resource_exhausted = 7,
  unavailable = 8,
  internal = 9,
};

std::string_view code_name(Code code);  // "INVALID_ARGUMENT", ...

// The outcome of an operation: ok, or a code with a message safe to show and a field.
struct Status {
  Code code = Code::ok;
  std::string message;
  std::string field;

  bool ok() const { return code == Code::ok; }
  static Status success() { return {}; }
};

// Thrown by domain logic to refuse a request. Carries nothing secret.
class Refusal : public std::runtime_error {
 public:
  Refusal(Code code, std::string message, std::string field = {})
      : std::runtime_error(message), status_{code, std::move(message), std::move(field)} {}
  const Status& status() const { return status_; }

 private:
  Status status_;
};

}  // namespace gadehold::core
