#include "server/app/writes.hpp"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <regex>

#include "server/core/clock.hpp"
#include "server/core/status.hpp"
#include "server/core/tokens.hpp"

namespace gadehold::app {

namespace {
constexpr std::int64_t kMaxAheadMs = 24LL * 3600 * 1000;
constexpr std::int64_t kMaxBehindMs = 30LL * 24 * 3600 * 1000;
}  // namespace

void check_client_id(const std::string& client_id) {
  static const std::regex uuid(
      "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
  if (client_id.size() != 36 || !std::regex_match(client_id, uuid)) {
    throw core::Refusal(core::Reason::CLIENT_ID_INVALID, "client_id must be a UUID made on the phone",
                        "client_id");
  }
}

void check_client_time(std::int64_t at_ms, std::int64_t now_ms, const char* field) {
  if (at_ms > now_ms + kMaxAheadMs || at_ms < now_ms - kMaxBehindMs) {
    throw core::Refusal(core::Reason::CLIENT_TIME_OUT_OF_RANGE,
                        "the time must be within 30 days before and 24 hours after the server's clock", field,
                        {{"max_ahead_h", std::to_string(kMaxAheadMs / 3600000)},
                         {"max_behind_days", std::to_string(kMaxBehindMs / 86400000)}});
  }
}

void check_time_range(std::int64_t from_ms, std::int64_t to_ms, std::int64_t max_days) {
  for (const auto& [value, field] : {std::pair{from_ms, "from_ms"}, std::pair{to_ms, "to_ms"}}) {
    if (value < 0 || value > core::kLatestTimeMs) {
      throw core::Refusal(core::Reason::TIME_INVALID, "times are milliseconds since 1970, before 2200",
                          field);
    }
  }
  if (to_ms <= from_ms)
    throw core::Refusal(core::Reason::TIME_RANGE_REVERSED, "to_ms must be after from_ms", "to_ms");
  if (to_ms - from_ms > max_days * 86'400'000) {
    throw core::Refusal(core::Reason::TIME_RANGE_TOO_LONG,
                        "at most " + std::to_string(max_days) + " days per request", "to_ms",
                        {{"max_days", std::to_string(max_days)}});
  }
}

std::string content_hash(const google::protobuf::Message& body, const std::string& extra) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream out(&bytes);
    google::protobuf::io::CodedOutputStream coded(&out);
    coded.SetSerializationDeterministic(true);
    body.SerializeToCodedStream(&coded);
  }
  return core::sha256(bytes + '\0' + extra);
}

}  // namespace gadehold::app
