#pragma once
// Spellings that hide digits and separators from the scrubber's patterns and the handle
// rules: non-breaking and thin spaces, Unicode hyphens, full-width and Arabic-Indic
// digits, full-width and small at signs, zero-width spaces, and control characters other
// than line breaks and tabs.
#include <string>
#include <string_view>

namespace gadehold::privacy {

// `text` with those folded to ASCII (and zero-width spaces dropped); everything else is
// copied as it is, invalid UTF-8 included.
std::string fold_hidden_characters(std::string_view text);

}  // namespace gadehold::privacy
