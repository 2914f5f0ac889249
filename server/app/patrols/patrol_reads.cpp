// ListActivePatrols.
#include "server/app/patrols/patrol_rules.hpp"
#include "server/app/patrols/patrols.hpp"
#include "server/store/sqlite/transaction.hpp"

namespace gadehold::app::patrols {

void list_active_patrols(const Services&, RequestPtr request, store::Connection& reader) {
  v1::ServerMessage msg;
  auto* list = msg.mutable_active_patrols();
  const auto& caller = request->caller;
  {
    store::ReadSnapshot snapshot(reader);  // the list and each patrol as of one moment
    for (const auto& [patrol_id, team_id] : store::open_patrols(reader)) {
      if (!caller.is_coordinator() && !caller.member_of(team_id)) continue;
      if (auto row = store::find_patrol(reader, patrol_id)) *list->add_patrols() = patrol_view(*row);
    }
  }
  request->reply(std::move(msg));
}

}  // namespace gadehold::app::patrols
