#pragma once
// The error vocabulary shared by every layer; app/ maps it onto gadehold.v1.Error.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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

// Why a request was refused: one constant per rule, from proto/gadehold/v1/reasons.tsv
// (generated into gadehold/reasons.inc). Each reason always comes with the same Code.
enum class Reason : std::uint16_t {
  none = 0,
#define GADEHOLD_REASON(name, code, params) name,
#include "gadehold/reasons.inc"
#undef GADEHOLD_REASON
};

std::string_view reason_name(Reason reason);  // "SHIFT_FULL", ...; "" for none
Code reason_code(Reason reason);
// The keys the reason's params may have, comma-separated, as listed in reasons.tsv.
std::string_view reason_params(Reason reason);

// Values an app needs to build its own sentence (Error.params), in the listed keys.
using Params = std::vector<std::pair<std::string, std::string>>;

// The outcome of an operation: ok, or a reason (and so a code) with an English message
// safe to show, the request field at fault, and the values of the reason's params.
struct Status {
  Code code = Code::ok;
  std::string message;
  std::string field;
  Reason reason = Reason::none;
  Params params;

  Status() = default;
  Status(Reason why, std::string text, std::string at_field = {}, Params values = {})
      : code(reason_code(why)),
        message(std::move(text)),
        field(std::move(at_field)),
        reason(why),
        params(std::move(values)) {}

  bool ok() const { return code == Code::ok; }
  static Status success() { return {}; }
};

// Thrown by domain logic to refuse a request. Carries nothing secret.
class Refusal : public std::runtime_error {
 public:
  Refusal(Reason reason, std::string message, std::string field = {}, Params params = {})
      : Refusal(Status(reason, std::move(message), std::move(field), std::move(params))) {}
  explicit Refusal(Status status) : std::runtime_error(status.message), status_(std::move(status)) {}
  const Status& status() const { return status_; }

 private:
  Status status_;
};

}  // namespace gadehold::core
