// Prints push messages and a VAPID header made by server/net, with the keys a phone and a
// push service would hold, as JSON for tests/push/test_webpush_peer.py to check with an
// implementation that is not ours. Every key here is a throwaway made for this run.
#include <boost/json.hpp>
#include <iostream>
#include <string>

#include "server/core/tokens.hpp"
#include "server/net/vapid.hpp"
#include "server/net/webpush_crypto.hpp"
#include "support/push_receiver.hpp"

using namespace gadehold;

int main() {
  const std::string trailing_zeros("check-in due\0\0", 14);
  const std::string alert =
      R"({"kind":"sos","alert_id":"alr_0123","area":"Søndre havn","at_ms":1790000000123})";
  boost::json::array messages;
  for (const auto& plaintext :
       {std::string(), std::string("x"), trailing_zeros, alert, core::random_bytes(net::kMaxPushPlaintext)}) {
    const auto phone = test::PushReceiver::generate();
    const net::PushSubscriptionKeys keys{core::base64url(phone.public_point()),
                                         core::base64url(phone.auth())};
    messages.push_back(boost::json::object{
        {"p256dh", keys.p256dh},
        {"auth", keys.auth},
        {"receiver_private", core::base64url(phone.private_scalar())},
        {"plaintext", core::base64url(plaintext)},
        {"body", core::base64url(net::encrypt_push_message(keys, plaintext))},
    });
  }

  const auto vapid = net::VapidKey::generate();
  const std::string endpoint = "https://Push.Example.net:8443/wpush/v2/gAAAAABk-3x?ttl=1";
  const std::string contact = "mailto:push-ops@example.org";
  const std::int64_t now_ms = 1'790'000'000'123;
  boost::json::object out{
      {"messages", messages},
      {"max_plaintext", net::kMaxPushPlaintext},
      {"vapid",
       boost::json::object{
           {"endpoint", endpoint},
           {"contact", contact},
           {"now_ms", now_ms},
           {"lifetime_s", net::kVapidDefaultLifetimeS},
           {"stored", vapid.stored()},
           {"public_key", vapid.public_key()},
           {"authorization", vapid.authorization(endpoint, contact, now_ms)},
       }},
  };
  std::cout << boost::json::serialize(out) << "\n";
  return 0;
}
