// trusted-proxies and the client address behind them, without a socket.
#include "server/net/client_address.hpp"

#include <doctest/doctest.h>

#include "server/core/address_ranges.hpp"

using namespace gadehold;
namespace http = net::http;

TEST_CASE("trusted-proxies parses addresses and CIDRs of both families") {
  const auto ranges = core::AddressRanges::parse(" 127.0.0.1/32, ::1 ,10.0.0.0/8,2001:db8:40::/42");
  CHECK(ranges.contains("127.0.0.1"));
  CHECK_FALSE(ranges.contains("127.0.0.2"));
  CHECK(ranges.contains("::1"));
  CHECK(ranges.contains("::ffff:10.1.2.3"));  // IPv4-mapped counts as IPv4
  CHECK(ranges.contains("10.255.255.255"));
  CHECK_FALSE(ranges.contains("11.0.0.1"));
  CHECK(ranges.contains("2001:db8:40::7"));
  CHECK(ranges.contains("2001:db8:7f:ffff::1"));
  CHECK_FALSE(ranges.contains("2001:db8:80::1"));
  CHECK_FALSE(ranges.contains("not an address"));
  CHECK(core::AddressRanges::parse("").empty());
  CHECK(core::AddressRanges::parse("0.0.0.0/0").contains("203.0.113.9"));
  CHECK_FALSE(core::AddressRanges::parse("0.0.0.0/0").contains("2001:db8::1"));
  CHECK(core::AddressRanges::parse("10.0.0.0/8, 0.0.0.0/0").has_whole_family());
  CHECK(core::AddressRanges::parse("::/0").has_whole_family());
  CHECK_FALSE(core::AddressRanges::parse("127.0.0.1/32, ::1, 10.0.0.0/8").has_whole_family());
}

TEST_CASE("trusted-proxies refuses what is not an address or CIDR, naming it") {
  for (const char* bad : {"localhost", "10.0.0.0/33", "::/129", "10.0.0.1/8", "10.0.0.0/", "10.0.0.0/x",
                          "1.2.3.4,", "1.2.3.4,,5.6.7.8", "1.2.3.4 5.6.7.8", "300.1.1.1"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(core::AddressRanges::parse(bad), std::invalid_argument);
  }
  try {
    core::AddressRanges::parse("127.0.0.1, 10.0.0.1/8");
  } catch (const std::invalid_argument& e) {
    CHECK(std::string(e.what()).find("'10.0.0.1/8'") != std::string::npos);
  }
}

TEST_CASE("X-Forwarded-For is believed only from a trusted proxy, up to the rightmost untrusted entry") {
  const auto trusted = core::AddressRanges::parse("127.0.0.1/32, ::1, 10.0.0.0/8");
  http::request<http::empty_body> req{http::verb::get, "/v1/ws", 11};
  req.set("X-Forwarded-For", "203.0.113.9, 198.51.100.7");
  // Not behind a proxy, or a peer that is not a trusted proxy: the peer.
  CHECK(net::client_address(req, "127.0.0.1", false, trusted) == "127.0.0.1");
  CHECK(net::client_address(req, "192.0.2.50", true, trusted) == "192.0.2.50");
  // From a trusted proxy: the rightmost entry that is not itself a trusted proxy.
  CHECK(net::client_address(req, "127.0.0.1", true, trusted) == "198.51.100.7");
  req.set("X-Forwarded-For", "198.51.100.1, 203.0.113.9, 10.1.1.1, 127.0.0.1");
  CHECK(net::client_address(req, "127.0.0.1", true, trusted) == "203.0.113.9");
  CHECK(net::client_address(req, "::1", true, trusted) == "203.0.113.9");
  // Every entry a trusted proxy: the leftmost.
  req.set("X-Forwarded-For", "10.0.0.5, 10.0.0.6");
  CHECK(net::client_address(req, "127.0.0.1", true, trusted) == "10.0.0.5");
  // An entry that is not an address ends the walk where it got to.
  req.set("X-Forwarded-For", "203.0.113.9, not-an-address, 10.0.0.6");
  CHECK(net::client_address(req, "127.0.0.1", true, trusted) == "10.0.0.6");
  req.set("X-Forwarded-For", "not-an-address");
  CHECK(net::client_address(req, "127.0.0.1", true, trusted) == "127.0.0.1");
  // Two header lines are one list, in order.
  req.set("X-Forwarded-For", "198.51.100.1");
  req.insert("X-Forwarded-For", "2001:db8::5, 10.0.0.9");
  CHECK(net::client_address(req, "127.0.0.1", true, trusted) == "2001:db8::5");
  req.erase("X-Forwarded-For");
  CHECK(net::client_address(req, "127.0.0.1", true, trusted) == "127.0.0.1");
  // No proxy trusted at all: the peer, always.
  req.set("X-Forwarded-For", "203.0.113.9");
  CHECK(net::client_address(req, "127.0.0.1", true, core::AddressRanges::parse("")) == "127.0.0.1");
}

TEST_CASE("is_public_address: loopback, private, link-local and IPv4 hidden in IPv6 are not public") {
  const auto is_public = [](const char* text) {
    return core::is_public_address(boost::asio::ip::make_address(text));
  };
  for (const char* a : {"127.0.0.1",
                        "10.0.0.1",
                        "172.16.0.1",
                        "192.168.1.1",
                        "169.254.169.254",
                        "100.64.0.1",
                        "0.0.0.0",
                        "224.0.0.1",
                        "255.255.255.255",
                        "192.0.2.1",
                        "::",
                        "::1",
                        "::ffff:127.0.0.1",
                        "::127.0.0.1",
                        "::ffff:0:a00:1",
                        "64:ff9b::a00:1",
                        "64:ff9b::7f00:1",
                        "64:ff9b:1::a00:1",
                        "2002:a00:1::1",
                        "2002:7f00:1::",
                        "2001::1",
                        "2001:db8::1",
                        "fc00::1",
                        "fd00::1",
                        "fec0::1",
                        "fe80::1",
                        "ff02::1"}) {
    CAPTURE(a);
    CHECK_FALSE(is_public(a));
  }
  // Public, also through NAT64 and 6to4 when the IPv4 inside is public.
  for (const char* a : {"1.2.3.4", "142.250.74.110", "2a00:1450:4001:82b::200a", "2606:4700::1111",
                        "64:ff9b::8efa:4a6e", "2002:8efa:4a6e::1", "::ffff:142.250.74.110"}) {
    CAPTURE(a);
    CHECK(is_public(a));
  }
}
