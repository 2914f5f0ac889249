// ListTeams, ListAreas, ListDevices and ListAudit: read on the reader the request was
// authorised on.
#include <limits>

#include "server/app/identity/identity.hpp"
#include "server/store/directory.hpp"

namespace gadehold::app::identity {

void list_teams(const Services&, RequestPtr request, store::Connection& reader) {
  const auto& caller = request->caller;
  v1::ServerMessage msg;
  auto* list = msg.mutable_team_list();
  for (const auto& row : store::teams_with_members(reader, caller.team_ids, caller.is_coordinator())) {
    auto* team = list->add_teams();
    team->set_team_id(row.id);
    team->set_name(row.name);
    for (const auto& member : row.members) {
      auto* m = team->add_members();
      m->set_volunteer_id(member.volunteer_id);
      m->set_handle(member.handle);
      m->set_role(static_cast<v1::Role>(member.role));
      m->set_is_lead(member.is_lead);
    }
  }
  request->reply(std::move(msg));
}

void list_areas(const Services&, RequestPtr request, store::Connection& reader) {
  v1::ServerMessage msg;
  auto* list = msg.mutable_area_list();
  for (const auto& row : store::areas(reader)) {
    auto* area = list->add_areas();
    area->set_area_id(row.id);
    area->set_name(row.name);
    for (const auto& prefix : row.geohash_prefixes) area->add_geohash_prefixes(prefix);
  }
  request->reply(std::move(msg));
}

void list_devices(const Services&, RequestPtr request, store::Connection& reader) {
  v1::ServerMessage msg;
  auto* list = msg.mutable_device_list();
  for (const auto& row : store::devices_of(reader, request->caller.volunteer_id)) {
    auto* d = list->add_devices();
    d->set_device_id(row.id);
    d->set_name(row.name);
    d->set_created_at_ms(row.created_at_ms);
    d->set_last_seen_ms(row.last_seen_ms);
    d->set_revoked(row.revoked);
    d->set_current(row.id == request->caller.device_id);
    d->set_has_push(row.has_push);
  }
  request->reply(std::move(msg));
}

void list_audit(const Services&, RequestPtr request, store::Connection& reader) {
  const auto& req = request->message.list_audit();
  if (req.limit() > 500)
    throw core::Refusal(core::Reason::OUT_OF_RANGE, "limit is 1 to 500", "limit",
                        {{"min", "1"}, {"max", "500"}});
  if (req.before_id() < 0) {
    throw core::Refusal(core::Reason::OUT_OF_RANGE, "before_id must not be negative", "before_id",
                        {{"min", "0"}});
  }
  const std::int64_t limit = req.limit() == 0 ? 100 : req.limit();
  const auto before = req.before_id() == 0 ? std::numeric_limits<std::int64_t>::max() : req.before_id();
  v1::ServerMessage msg;
  auto* page = msg.mutable_audit_page();
  // One more than asked for tells whether there are more.
  auto rows = store::audit_page(reader, before, limit + 1);
  if (static_cast<std::int64_t>(rows.size()) > limit) {
    page->set_more(true);
    rows.pop_back();
  }
  for (const auto& row : rows) {
    auto* e = page->add_entries();
    e->set_id(row.id);
    e->set_at_ms(row.at_ms);
    e->set_actor_id(row.actor_id);
    e->set_action(row.action);
    e->set_object_kind(row.object_kind);
    e->set_object_id(row.object_id);
  }
  if (page->entries_size() > 0) page->set_next_before_id(page->entries(page->entries_size() - 1).id());
  request->reply(std::move(msg));
}

}  // namespace gadehold::app::identity
