// Configuration: defaults, the INI file, flag precedence and validation.
#include <doctest/doctest.h>

#include <fstream>

#include "server/core/config.hpp"
#include "support/temp_dir.hpp"

using namespace gadehold;
namespace po = boost::program_options;

namespace {

core::Config parse(const std::vector<std::string>& args) {
  core::Config cfg;
  po::options_description desc;
  core::add_database_options(desc, cfg);
  core::add_retention_options(desc, cfg);
  core::add_serve_options(desc, cfg);
  core::parse_options(args, desc);
  return cfg;
}

}  // namespace

TEST_CASE("serve runs on its defaults with no config at all") {
  auto cfg = parse({});
  CHECK(cfg.listen == "127.0.0.1:8080");
  CHECK(cfg.db == "./var/gadehold.db");
  CHECK(cfg.max_message_bytes == 65536);
  CHECK(cfg.hello_timeout_s == 10);
  CHECK_NOTHROW(cfg.validate());
}

TEST_CASE("the config file sets keys and a flag wins over the file") {
  test::TempDir dir;
  const auto path = dir.file("gadehold.conf");
  std::ofstream(path) << "# comment\n"
                         "listen = 127.0.0.1:9000\n"
                         "threads = 3\n"
                         "db = /tmp/from-file.db\n"
                         "behind-proxy = true\n"
                         "log-level = debug\n";
  auto from_file = parse({"--config", path});
  CHECK(from_file.listen == "127.0.0.1:9000");
  CHECK(from_file.threads == 3);
  CHECK(from_file.db == "/tmp/from-file.db");
  CHECK(from_file.behind_proxy);
  CHECK(from_file.log_level == "debug");

  auto with_flags = parse({"--config", path, "--listen", "127.0.0.1:9001", "--threads", "1"});
  CHECK(with_flags.listen == "127.0.0.1:9001");
  CHECK(with_flags.threads == 1);
  CHECK(with_flags.db == "/tmp/from-file.db");  // not given as a flag: the file's value
}

TEST_CASE("bad flags, bad values and bad files are usage errors") {
  CHECK_THROWS_AS(parse({"--no-such-flag"}), core::UsageError);
  CHECK_THROWS_AS(parse({"--threads", "many"}), core::UsageError);
  CHECK_THROWS_AS(parse({"--config", "/nonexistent/gadehold.conf"}), core::UsageError);
  test::TempDir dir;
  const auto path = dir.file("bad.conf");
  std::ofstream(path) << "unknown-key = 1\n";
  CHECK_THROWS_AS(parse({"--config", path}), core::UsageError);

  CHECK_THROWS_AS(parse({"--listen", "nonsense"}).validate(), core::UsageError);
  CHECK_THROWS_AS(parse({"--listen", "127.0.0.1:70000"}).validate(), core::UsageError);
  CHECK_THROWS_AS(parse({"--listen", "example.org:80"}).validate(), core::UsageError);
  CHECK_THROWS_AS(parse({"--max-message-bytes", "10"}).validate(), core::UsageError);
  CHECK_THROWS_AS(parse({"--log-level", "loud"}).validate(), core::UsageError);
  CHECK_THROWS_AS(parse({"--wal-autocheckpoint-pages", "0"}).validate(), core::UsageError);
  CHECK(parse({"--wal-autocheckpoint-pages", "8"}).wal_autocheckpoint_pages == 8);
  CHECK_THROWS_AS(parse({"--tls-cert", "a.pem"}).validate(), core::UsageError);
}

TEST_CASE("plain ws is allowed only on loopback unless behind a proxy or with TLS") {
  CHECK_NOTHROW(parse({"--listen", "127.0.0.1:0"}).validate());
  CHECK_NOTHROW(parse({"--listen", "[::1]:8080"}).validate());
  CHECK_NOTHROW(parse({"--listen", "localhost:8080"}).validate());
  CHECK_THROWS_AS(parse({"--listen", "0.0.0.0:8080"}).validate(), core::UsageError);
  CHECK_NOTHROW(parse({"--listen", "0.0.0.0:8080", "--behind-proxy"}).validate());
  CHECK_NOTHROW(parse({"--listen", "0.0.0.0:8080", "--tls-cert", "c.pem", "--tls-key", "k.pem"}).validate());
}

TEST_CASE("listen addresses parse into host and port") {
  core::Config cfg;
  cfg.listen = "[::1]:4433";
  CHECK(cfg.listen_address().host == "::1");
  CHECK(cfg.listen_address().port == 4433);
  cfg.listen = "localhost:0";
  CHECK(cfg.listen_address().host == "127.0.0.1");
  CHECK(cfg.listen_address().port == 0);
}

TEST_CASE("push-contact takes a mailto: address or an https: URL, push-ca-file a readable file") {
  CHECK(parse({}).push_contact.empty());
  CHECK_NOTHROW(parse({"--push-contact", "mailto:ops@example.org"}).validate());
  CHECK_NOTHROW(parse({"--push-contact", "https://patrols.example.org/contact"}).validate());
  for (const char* bad : {"ops@example.org", "mailto:", "mailto:nobody", "http://example.org", "https://",
                          "mailto:ops@example.org\r\nX: y", "mailto:a b@example.org"}) {
    INFO(bad);
    CHECK_THROWS_AS(parse({"--push-contact", bad}).validate(), core::UsageError);
  }
  test::TempDir dir;
  const auto ca = dir.file("ca.pem");
  std::ofstream(ca) << "-----BEGIN CERTIFICATE-----\n";
  CHECK_NOTHROW(parse({"--push-ca-file", ca}).validate());
  CHECK_THROWS_AS(parse({"--push-ca-file", dir.file("missing.pem")}).validate(), core::UsageError);
}
