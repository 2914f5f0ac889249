#include "server/store/client_writes.hpp"

namespace gadehold::store {

std::optional<ClientWrite> find_client_write(Connection& conn, const std::string& volunteer_id,
                                             const std::string& client_id) {
  Statement st(conn,
               "SELECT content_hash, object_id FROM client_writes WHERE volunteer_id = ? AND client_id = ?");
  st.bind(1, volunteer_id).bind(2, client_id);
  if (!st.step()) return std::nullopt;
  return ClientWrite{st.column_text(0), st.column_text(1)};
}

void insert_client_write(Connection& conn, const std::string& volunteer_id, const std::string& client_id,
                         const std::string& kind, const std::string& content_hash,
                         const std::string& object_id, std::int64_t now_ms) {
  Statement st(conn,
               "INSERT INTO client_writes (volunteer_id, client_id, kind, content_hash, object_id, at_ms) "
               "VALUES (?, ?, ?, ?, ?, ?)");
  st.bind(1, volunteer_id)
      .bind(2, client_id)
      .bind(3, kind)
      .bind_blob(4, content_hash)
      .bind(5, object_id)
      .bind(6, now_ms)
      .run();
}

}  // namespace gadehold::store
