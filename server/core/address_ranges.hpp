#pragma once
// A set of IP address ranges, IPv4 and IPv6, written as addresses or CIDRs
// ("127.0.0.1/32, ::1, 10.0.0.0/8"): the proxies `trusted-proxies` names.
#include <algorithm>
#include <array>
#include <boost/asio/ip/address.hpp>
#include <cstdint>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace gadehold::core {

class AddressRanges {
 public:
  // Parses a list separated by commas (spaces around entries are ignored). An address
  // without a prefix length is that one address. Throws std::invalid_argument saying which
  // entry is wrong: not an address, a prefix length out of range, bits set past the
  // prefix ("10.0.0.1/8"), or an empty entry. Empty or blank text is the empty set.
  static AddressRanges parse(std::string_view text);

  // Whether `address` is in one of the ranges. An IPv4-mapped IPv6 address
  // (::ffff:a.b.c.d) counts as its IPv4 address.
  bool contains(const boost::asio::ip::address& address) const;
  // The same for text; false when it is not an address.
  bool contains(std::string_view address) const;
  bool empty() const { return ranges_.empty(); }
  // Whether a range of prefix length 0 (0.0.0.0/0, ::/0) makes every address of a family
  // one of them.
  bool has_whole_family() const {
    return std::any_of(ranges_.begin(), ranges_.end(), [](const Range& r) { return r.prefix == 0; });
  }

 private:
  struct Range {
    bool v6 = false;
    std::array<std::uint8_t, 16> bytes{};  // IPv4 in the first 4
    unsigned prefix = 0;                   // bits that must match
  };
  static bool matches(const Range& range, bool v6, const std::array<std::uint8_t, 16>& bytes);

  std::vector<Range> ranges_;
};

// Whether `address` is a public unicast address: not loopback, private (RFC 1918, unique
// local), shared (100.64/10), link-local, unspecified, multicast, documentation or
// reserved. An IPv4-mapped IPv6 address counts as its IPv4 address. Outbound requests to
// addresses that phones hand in (push endpoints) go only to public ones, so that a device
// cannot make the server reach into the network it runs in.
bool is_public_address(const boost::asio::ip::address& address);

}  // namespace gadehold::core
