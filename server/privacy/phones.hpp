#pragma once
// Phone numbers in free text, for the scrubber's first pass (patterns.cpp).
#include <string>

#include "server/privacy/markers.hpp"

namespace gadehold::privacy {

// Replaces each phone number in `text` by [PHONE], counting them in `count`.
std::string replace_phones(const std::string& text, unsigned& count);

}  // namespace gadehold::privacy
