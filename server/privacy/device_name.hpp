#pragma once
// What a device is called in its volunteer's list of devices (ListDevices). Apps tend to
// send the name the phone's system gives it, which is often its owner's full name
// ("Mette Frederiksens iPhone"), and a person may type anything. A name is kept only
// when it follows the handle rules (no phone number or other long run of digits, no
// email address, no control characters), names no owner ("Kim's iPhone", "Mettes
// iPhone", "iPhone de Kim") and the scrubber finds nothing in it. Any other name is
// replaced, never refused: the volunteer did not type it, and onboarding must not fail
// on it.
#include <string>
#include <string_view>

namespace gadehold::privacy {

// The label stored instead of a name that is not kept: the kind of device the name
// mentions ("iPhone", "Pixel", "Android", ...) in its usual spelling, or "Device".
std::string device_label(std::string_view sent);

// The name to store for `sent`, which the caller has checked is valid UTF-8: `sent`
// itself, or device_label(sent). Empty stays empty.
std::string device_name_to_store(std::string_view sent);

}  // namespace gadehold::privacy
