// Handles are pseudonyms: never contact details.
#include "server/privacy/handle_rules.hpp"

#include <doctest/doctest.h>

using gadehold::privacy::check_handle;

TEST_CASE("ordinary nicknames are accepted") {
  for (const char* handle :
       {"ab", "Fox", "night owl", "Søren_7", "kat.dottie", "Team-Lead 2", "Ærø", "ninja42", "cat (at) home",
        "abcdefghijklmnopqrstuvwxyz012345", "\xd8\xb3\xd8\xa7\xd8\xb1\xd8\xa9",
        "\xe2\x80\x94"
        "dash"
        "\xe2\x80\x94",
        "caf\xc3\xa9 \xf0\x9f\xa6\x8a"}) {
    CAPTURE(handle);
    CHECK(check_handle(handle).ok());
  }
}

TEST_CASE("bad handles are refused with INVALID_ARGUMENT on field handle") {
  for (const char* handle : {
           "a",                                  // too short
           "abcdefghijklmnopqrstuvwxyz0123456",  // 33 characters
           "bob@example.com",                    // email
           "me@home",                            // anything with an at-sign
           "bob at example dot com",             // spelled-out email
           "bob[at]example[dot]com",             // bracketed spelling
           "+45 12 34 56 78",                    // Danish phone
           "07700 900123",                       // UK mobile
           "(020) 7946-0018",                    // UK landline with punctuation
           "tab\there",                          // control character
           "vol\xe2\x80\x8b_e",                  // zero-width space: shows as "vol_e"
           "vol\xe2\x80\x8d_e",                  // zero-width joiner
           "\xe2\x80\xaeregamA aerA",            // right-to-left override: reverses the line
           "kim\xe2\x81\xa6x\xe2\x81\xa9",       // left-to-right isolate and its end
           "kim\xe2\x80\x8f",                    // right-to-left mark
           "\xef\xbb\xbfkim",                    // byte order mark
           "ki\xc2\xadm",                        // soft hyphen
           "kim\xc2\x85x",                       // C1 control (NEL)
           "kim\xe2\x80\xa8x",                   // line separator
           " padded",                            // leading space
           "kim(at)gmail.com",                   // bracketed at, real dot
           "kim\xef\xbc\xa0gmail.com",           // full-width at sign
           "\xef\xbc\x90\xef\xbc\x97\xef\xbc\x97\xef\xbc\x90\xef\xbc\x90\xef\xbc\x99\xef\xbc\x90"
           "\xef\xbc\x90",                                              // full-width digits: 07700900
           "\xd9\xa0\xd9\xa7\xd9\xa7\xd9\xa0\xd9\xa0\xd9\xa9\xd9\xa0",  // Arabic-Indic digits: 0770090
       }) {
    CAPTURE(handle);
    auto status = check_handle(handle);
    CHECK(status.code == gadehold::core::Code::invalid_argument);
    CHECK(status.field == "handle");
  }
  CHECK_FALSE(check_handle(std::string("\xc3\x28", 2)).ok());  // invalid UTF-8
  CHECK_FALSE(check_handle(std::string("ab\0cd", 5)).ok());    // NUL byte
}
