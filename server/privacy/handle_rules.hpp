#pragma once
// What a volunteer's handle may be: a pseudonym, never contact details.
#include <string_view>

#include "server/core/status.hpp"

namespace gadehold::privacy {

inline constexpr std::size_t kHandleMinChars = 2;
inline constexpr std::size_t kHandleMaxChars = 32;

// OK, or INVALID_ARGUMENT with field "handle": bad length, control characters, invalid
// UTF-8, or something that looks like an email address or a phone number.
core::Status check_handle(std::string_view handle);

// Number of code points in `text`, or nullopt-like -1 when it is not valid UTF-8.
long utf8_length(std::string_view text);

}  // namespace gadehold::privacy
