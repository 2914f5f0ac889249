#pragma once
// Free text from a phone (notes, SOS messages, acknowledgement notes, shift titles and
// reasons): its length checked, then scrubbed before anything stores or sends it.
#include <cstddef>

#include "gadehold/v1/envelope.pb.h"
#include "server/privacy/scrubber.hpp"

namespace gadehold::app {

inline constexpr std::size_t kNoteMaxChars = 2000;
// A lead's message to a patrol: short, read on a phone while walking.
inline constexpr std::size_t kPatrolMessageMaxChars = 500;
inline constexpr std::size_t kShortTextMaxChars = 280;

// INVALID_ARGUMENT on `field` unless `text` is UTF-8 of at most `max_chars` characters;
// otherwise the scrubbed text and what was replaced.
privacy::ScrubResult scrub_text(const std::string& text, std::size_t max_chars, const char* field);

// The counts of a scrub, as the Ack carries them.
v1::ScrubReport to_proto(const privacy::ScrubReport& report);
// Adds the counts of `more` to `into`.
void add_report(v1::ScrubReport& into, const v1::ScrubReport& more);

}  // namespace gadehold::app
