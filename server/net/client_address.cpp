#include "server/net/client_address.hpp"

#include <string_view>
#include <vector>

#include "server/core/text.hpp"

namespace gadehold::net {

std::string client_address(const http::request<http::empty_body>& request, const std::string& peer,
                           bool behind_proxy, const core::AddressRanges& trusted) {
  if (!behind_proxy || !trusted.contains(peer)) return peer;
  std::vector<std::string_view> entries;
  for (auto [it, end] = request.equal_range("X-Forwarded-For"); it != end; ++it) {
    std::string_view list = it->value();
    for (;;) {
      const auto comma = list.find(',');
      entries.push_back(core::trim(list.substr(0, comma)));
      if (comma == std::string_view::npos) break;
      list.remove_prefix(comma + 1);
    }
  }
  std::string client = peer;
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(std::string(*it), ec);
    if (ec) break;
    client = address.to_string();
    if (!trusted.contains(address)) break;
  }
  return client;
}

}  // namespace gadehold::net
