#pragma once
// The scrubber's first pass: personal data with a shape (phone numbers, emails, handles,
// identity numbers, dates of birth, postcodes, plates, addresses, schools and classes),
// found by patterns and replaced by markers. Names come in the second pass (names.hpp).
#include <string>

#include "server/privacy/markers.hpp"

namespace gadehold::privacy {

// Replaces every shaped piece of personal data in `text`, counting it in `report`.
std::string replace_patterns(std::string text, ScrubReport& report);

}  // namespace gadehold::privacy
