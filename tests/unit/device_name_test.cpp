// Device names follow the handle rules and name no owner, or become a label.
#include "server/privacy/device_name.hpp"

#include <doctest/doctest.h>

#include "support/programme.hpp"

using namespace gadehold;
using privacy::device_name_to_store;

TEST_CASE("ordinary device names are kept as sent") {
  for (const char* name : {"phone", "test phone", "Pixel 8", "iPhone 15 Pro", "Galaxy S23 Ultra", "Dashboard",
                           "work tablet", "old laptop", "Arbejdstelefon", "iPad Air"}) {
    CAPTURE(name);
    CHECK(device_name_to_store(name) == name);
  }
  CHECK(device_name_to_store("").empty());
  // "Max" is a given name to the scrubber, so "iPhone 15 Pro Max" is listed as "iPhone".
  CHECK(device_name_to_store("iPhone 15 Pro Max") == "iPhone");
}

TEST_CASE("a name with contact details or an owner becomes a label of the device's kind") {
  const std::pair<const char*, const char*> cases[] = {
      {"Mette Frederiksens iPhone tlf 22334455", "iPhone"},  // the example
      {"Mettes iPhone", "iPhone"},                           // Danish possessive
      // full-width digits: 22334455
      {"iPad "
       "\xef\xbc\x92\xef\xbc\x92\xef\xbc\x93\xef\xbc\x93\xef\xbc\x94\xef\xbc\x94\xef\xbc\x95\xef\xbc\x95",
       "iPad"},
      {"Kim's iPhone", "iPhone"},
      {"Kim\xe2\x80\x99s Galaxy S21", "Galaxy"},  // typographic apostrophe
      {"iPhone de Kim", "iPhone"},
      {"Pixel von Jan", "Pixel"},
      {"Jans Pixel 7", "Pixel"},
      {"kim@example.org phone", "Phone"},
      {"kim at example dot org", "Device"},
      {"+45 22 33 44 55", "Device"},
      {"07700 900123 android", "Android"},
      {"0102031234", "Device"},  // a CPR number
      {"tab\there", "Device"},
      {"O'Neill tablet", "Tablet"},
  };
  // Not a structured binding: clang 14 cannot capture one in CAPTURE's lambda.
  for (const auto& c : cases) {
    const char* sent = c.first;
    CAPTURE(sent);
    CHECK(device_name_to_store(sent) == c.second);
  }
}

TEST_CASE("RedeemInvite stores the label, ListDevices shows it, and the retention run relabels old names") {
  test::Programme p;
  v1::ClientMessage redeem;
  redeem.set_request_id(1);
  redeem.mutable_redeem_invite()->set_invite_code(p.app.invite(p.lead, v1::ROLE_VOLUNTEER, p.north));
  redeem.mutable_redeem_invite()->set_handle("river");
  redeem.mutable_redeem_invite()->set_device_name("Mette Frederiksens iPhone tlf 22334455");
  test::User user;
  user.session.connection_id = 4242;
  user.session.client_address = "127.0.0.1";
  REQUIRE(p.app.call(user.session, redeem).has_welcome());

  v1::ClientMessage list;
  list.set_request_id(2);
  list.mutable_list_devices();
  const auto devices = p.app.ok(user, list).device_list();
  REQUIRE(devices.devices_size() == 1);
  CHECK(devices.devices(0).name() == "iPhone");
  CHECK(p.count("SELECT COUNT(*) FROM devices WHERE name LIKE '%Frederiksen%' OR name LIKE '%22334455%'") ==
        0);

  // A name stored before the rules: the next retention run replaces it, once.
  p.app.write([&](store::Connection& conn) {
    conn.exec("UPDATE devices SET name = 'Kim Jensens Pixel 6 +4522334455' WHERE id = '" +
              p.walker.device_id() + "'");
  });
  CHECK(p.app.purge().device_names_replaced == 1);
  CHECK(p.count("SELECT COUNT(*) FROM devices WHERE name = 'Pixel' AND id = '" + p.walker.device_id() +
                "'") == 1);
  CHECK(p.app.purge().device_names_replaced == 0);
  CHECK(p.count("SELECT COUNT(*) FROM devices WHERE name = 'test phone'") >= 5);  // the others untouched
}
