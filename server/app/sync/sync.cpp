#include "server/app/sync/sync.hpp"

#include "server/store/events.hpp"
#include "server/store/sqlite/transaction.hpp"

namespace gadehold::app::sync {

namespace {
constexpr std::int64_t kDefaultLimit = 200;
constexpr std::int64_t kMaxLimit = 500;
}  // namespace

void sync(const Services&, RequestPtr request, store::Connection& reader) {
  const auto& req = request->message.sync();
  if (req.limit() > kMaxLimit)
    throw core::Refusal(core::Reason::OUT_OF_RANGE, "limit is 1 to 500", "limit",
                        {{"min", "1"}, {"max", "500"}});
  const std::int64_t limit = req.limit() == 0 ? kDefaultLimit : req.limit();
  const auto& caller = request->caller;
  v1::ServerMessage msg;
  auto* page = msg.mutable_sync_page();
  {
    store::ReadSnapshot snapshot(reader);
    const auto latest = store::latest_event_seq(reader);
    if (req.since_seq() < store::events_purged_through(reader) || req.since_seq() > latest) {
      throw core::Refusal(
          core::Reason::SINCE_SEQ_OUTSIDE_LOG,
          "since_seq is outside the event log; resync with ListActivePatrols, ListShifts and the lists",
          "since_seq");
    }
    // One more than asked for tells whether there are more.
    auto events = store::events_visible_to(reader, caller.volunteer_id, caller.is_coordinator(),
                                           req.since_seq(), limit + 1);
    if (static_cast<std::int64_t>(events.size()) > limit) {
      page->set_more(true);
      events.pop_back();
    }
    for (const auto& stored : events) {
      auto* e = page->add_events();
      e->ParseFromString(stored.payload);
      e->set_seq(stored.seq);
    }
    page->set_next_seq(page->more() ? page->events(page->events_size() - 1).seq() : latest);
  }
  request->reply(std::move(msg));
}

}  // namespace gadehold::app::sync
