#include "server/app/free_text.hpp"

#include "server/core/status.hpp"
#include "server/privacy/handle_rules.hpp"

namespace gadehold::app {

privacy::ScrubResult scrub_text(const std::string& text, std::size_t max_chars, const char* field) {
  const long chars = privacy::utf8_length(text);
  if (chars < 0 || static_cast<std::size_t>(chars) > max_chars) {
    throw core::Refusal(core::Reason::TEXT_TOO_LONG,
                        "at most " + std::to_string(max_chars) + " characters of UTF-8", field,
                        {{"max_chars", std::to_string(max_chars)}});
  }
  return privacy::scrub(text);
}

v1::ScrubReport to_proto(const privacy::ScrubReport& r) {
  using privacy::Marker;
  v1::ScrubReport out;
  out.set_phone(r.count(Marker::phone));
  out.set_email(r.count(Marker::email));
  out.set_postcode(r.count(Marker::postcode));
  out.set_address(r.count(Marker::address));
  out.set_id(r.count(Marker::id));
  out.set_plate(r.count(Marker::plate));
  out.set_date(r.count(Marker::date));
  out.set_name(r.count(Marker::name));
  out.set_handle(r.count(Marker::handle));
  out.set_url(r.count(Marker::url));
  out.set_school(r.count(Marker::school));
  return out;
}

void add_report(v1::ScrubReport& into, const v1::ScrubReport& more) {
  const auto* d = v1::ScrubReport::descriptor();
  const auto* r = v1::ScrubReport::GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const auto* f = d->field(i);
    r->SetUInt32(&into, f, r->GetUInt32(into, f) + r->GetUInt32(more, f));
  }
}

}  // namespace gadehold::app
