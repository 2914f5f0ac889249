#include "server/app/writes.hpp"

#include <regex>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include "server/app/dispatcher.hpp"
#include "server/core/status.hpp"
#include "server/core/tokens.hpp"

namespace gadehold::app {

namespace {
constexpr std::int64_t kMaxAheadMs = 24LL * 3600 * 1000;
constexpr std::int64_t kMaxBehindMs = 30LL * 24 * 3600 * 1000;
}  // namespace

void reply_ack(Request& request, const WriteResult& result) {
  v1::ServerMessage msg;
  auto* ack = msg.mutable_ack();
  ack->set_id(result.id);
  ack->set_duplicate(result.duplicate);
  if (result.scrub_report) *ack->mutable_scrub_report() = *result.scrub_report;
  request.reply(std::move(msg));
}

void check_client_id(const std::string& client_id) {
  static const std::regex uuid("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
  if (client_id.size() != 36 || !std::regex_match(client_id, uuid)) {
    throw core::Refusal(core::Code::invalid_argument, "client_id must be a UUID made on the phone", "client_id");
  }
}

void check_client_time(std::int64_t at_ms, std::int64_t now_ms, const char* field) {
  if (at_ms > now_ms + kMaxAheadMs || at_ms < now_ms - kMaxBehindMs) {
    throw core::Refusal(core::Code::invalid_argument,
                        "the time must be within 30 days before and 24 hours after the server's clock", field);
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

std::optional<std::string> replayed_write(store::Connection& conn, const std::string& volunteer_id,
                                          const std::string& client_id, const std::string& hash) {
  store::Statement st(conn,
                      "SELECT content_hash, object_id FROM client_writes WHERE volunteer_id = ? AND client_id = ?");
  st.bind(1, volunteer_id).bind(2, client_id);
  if (!st.step()) return std::nullopt;
  if (st.column_text(0) != hash) {
    throw core::Refusal(core::Code::conflict, "this client_id was used for a different write", "client_id");
  }
  return st.column_text(1);
}

void remember_write(store::Connection& conn, const std::string& volunteer_id, const std::string& client_id,
                    const std::string& kind, const std::string& hash, const std::string& object_id,
                    std::int64_t now_ms) {
  store::Statement st(conn,
                      "INSERT INTO client_writes (volunteer_id, client_id, kind, content_hash, object_id, at_ms) "
                      "VALUES (?, ?, ?, ?, ?, ?)");
  st.bind(1, volunteer_id).bind(2, client_id).bind(3, kind).bind_blob(4, hash).bind(5, object_id).bind(6, now_ms).run();
}

}  // namespace gadehold::app
