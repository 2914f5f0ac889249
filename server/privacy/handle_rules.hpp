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

// The content rules of a handle, for any short label a phone sends (device names too):
// a control character or an invisible format character (zero-width, direction controls);
// seven or more digits (a phone number, a CPR number); something that looks like an email
// address ("@", or "kim at example dot org").
bool has_control_characters(std::string_view text);
bool looks_like_phone(std::string_view text);
bool looks_like_email(std::string_view text);

// Number of code points in `text`, or nullopt-like -1 when it is not valid UTF-8.
long utf8_length(std::string_view text);

}  // namespace gadehold::privacy
