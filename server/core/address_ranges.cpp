#include "server/core/address_ranges.hpp"

#include <algorithm>
#include <charconv>
#include <string>

#include "server/core/text.hpp"

namespace gadehold::core {

namespace {

// The address as 16 bytes (IPv4 in the first 4) and whether it is IPv6; an IPv4-mapped
// IPv6 address is its IPv4 address.
bool to_bytes(const boost::asio::ip::address& address, std::array<std::uint8_t, 16>& out) {
  out.fill(0);
  if (address.is_v6() && !address.to_v6().is_v4_mapped()) {
    const auto b = address.to_v6().to_bytes();
    std::copy(b.begin(), b.end(), out.begin());
    return true;
  }
  const auto v4 = address.is_v4()
                      ? address.to_v4()
                      : boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6());
  const auto b = v4.to_bytes();
  std::copy(b.begin(), b.end(), out.begin());
  return false;
}

std::invalid_argument bad_entry(std::string_view entry, std::string_view why) {
  return std::invalid_argument(std::string("'").append(entry).append("' ").append(why));
}

}  // namespace

AddressRanges AddressRanges::parse(std::string_view text) {
  AddressRanges out;
  if (trim(text).empty()) return out;
  const auto whole = text;
  for (;;) {
    const auto comma = text.find(',');
    const auto entry = trim(text.substr(0, comma));
    if (entry.empty()) throw bad_entry(whole, "has an empty entry (two commas in a row, or one at an end)");
    const auto slash = entry.find('/');
    const auto host = entry.substr(0, slash);
    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address(std::string(host), ec);
    if (ec || (address.is_v6() && address.to_v6().scope_id() != 0)) {
      throw bad_entry(entry, "is not an IPv4 or IPv6 address or CIDR");
    }
    Range range;
    range.v6 = to_bytes(address, range.bytes);
    const unsigned bits = range.v6 ? 128 : 32;
    range.prefix = bits;
    if (slash != std::string_view::npos) {
      const auto length = entry.substr(slash + 1);
      unsigned value = 0;
      auto [ptr, err] = std::from_chars(length.data(), length.data() + length.size(), value);
      if (length.empty() || err != std::errc() || ptr != length.data() + length.size() || value > bits) {
        throw bad_entry(
            entry, range.v6 ? "needs a prefix length from 0 to 128" : "needs a prefix length from 0 to 32");
      }
      range.prefix = value;
      for (unsigned bit = value; bit < bits; ++bit) {
        if ((range.bytes[bit / 8] >> (7 - bit % 8)) & 1u)
          throw bad_entry(entry, "has address bits set past its prefix length");
      }
    }
    out.ranges_.push_back(range);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

bool AddressRanges::matches(const Range& range, bool v6, const std::array<std::uint8_t, 16>& bytes) {
  if (range.v6 != v6) return false;
  const unsigned whole = range.prefix / 8;
  if (!std::equal(bytes.begin(), bytes.begin() + whole, range.bytes.begin())) return false;
  const unsigned rest = range.prefix % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xFFu << (8 - rest));
  return (bytes[whole] & mask) == (range.bytes[whole] & mask);
}

bool AddressRanges::contains(const boost::asio::ip::address& address) const {
  std::array<std::uint8_t, 16> bytes{};
  const bool v6 = to_bytes(address, bytes);
  return std::any_of(ranges_.begin(), ranges_.end(), [&](const Range& r) { return matches(r, v6, bytes); });
}

bool AddressRanges::contains(std::string_view address) const {
  boost::system::error_code ec;
  const auto parsed = boost::asio::ip::make_address(std::string(address), ec);
  return !ec && contains(parsed);
}

bool is_public_address(const boost::asio::ip::address& address) {
  static const AddressRanges kNotPublic = AddressRanges::parse(
      "0.0.0.0/8, 10.0.0.0/8, 100.64.0.0/10, 127.0.0.0/8, 169.254.0.0/16, 172.16.0.0/12, 192.0.0.0/24, "
      "192.0.2.0/24, 192.168.0.0/16, 198.18.0.0/15, 198.51.100.0/24, 203.0.113.0/24, 224.0.0.0/3, "
      // IPv6: IPv4-compatible (::a.b.c.d, with :: and ::1), SIIT's ::ffff:0:a.b.c.d, local-use
      // NAT64, discard, Teredo, documentation, unique local, site-local, link-local, multicast.
      "::/96, ::ffff:0:0:0/96, 64:ff9b:1::/48, 100::/64, 2001::/32, 2001:db8::/32, fc00::/7, fec0::/10, "
      "fe80::/10, ff00::/8");
  if (kNotPublic.contains(address)) return false;
  if (!address.is_v6()) return true;
  // Addresses that carry an IPv4 address a gateway will reach: the well-known NAT64 prefix
  // (64:ff9b::/96, RFC 6052; IPv6-only hosts reach every IPv4 push service through it) and
  // 6to4 (2002::/16, RFC 3056). They are as public as the IPv4 address inside.
  const auto b = address.to_v6().to_bytes();
  const auto embedded = [&b](std::size_t at) {
    return boost::asio::ip::address(boost::asio::ip::address_v4({b[at], b[at + 1], b[at + 2], b[at + 3]}));
  };
  static const AddressRanges kNat64 = AddressRanges::parse("64:ff9b::/96");
  if (kNat64.contains(address)) return !kNotPublic.contains(embedded(12));
  if (b[0] == 0x20 && b[1] == 0x02) return !kNotPublic.contains(embedded(2));
  return true;
}

}  // namespace gadehold::core
