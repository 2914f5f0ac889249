#pragma once
// tests/push/push_service.py as a child process: an RFC 8030 push service over real TLS
// on 127.0.0.1 with a test CA, which checks VAPID tokens and decrypts bodies with
// Debian's python3-cryptography, and tells the test what it received.
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <regex>
#include <stdexcept>
#include <string>
#include <thread>

#include "server/core/tokens.hpp"
#include "support/process.hpp"
#include "support/push_receiver.hpp"

namespace gadehold::test {

class PushService {
 public:
  // Starts a service whose CA lives in `dir` (made there unless `dir` already holds one),
  // with a certificate for `names` (comma-separated host names and addresses).
  explicit PushService(const std::string& dir, const std::string& names = "localhost,127.0.0.1")
      : process_(GADEHOLD_PYTHON, {GADEHOLD_PUSH_SERVICE, "--dir", dir, "--names", names}) {
    const auto line = process_.wait_for_stderr("push-service ready");
    std::smatch m;
    if (!std::regex_search(line, m, std::regex("port=(\\d+) control=(\\d+) ca=(\\S+)"))) {
      throw std::runtime_error("push service: " + line);
    }
    port_ = static_cast<unsigned short>(std::stoi(m[1]));
    control_port_ = static_cast<unsigned short>(std::stoi(m[2]));
    ca_file_ = m[3];
  }

  unsigned short port() const { return port_; }
  const std::string& ca_file() const { return ca_file_; }
  std::string origin() const { return "https://127.0.0.1:" + std::to_string(port_); }
  std::string endpoint(const std::string& path) const { return origin() + path; }

  // Answers for `path`, in order, the last one repeating: "201", "410", "429:1", "hang"...
  void answer(const std::string& path, const std::vector<std::string>& answers) {
    boost::json::object rules;
    boost::json::array list;
    for (const auto& a : answers) list.emplace_back(a);
    rules[path] = list;
    control(boost::beast::http::verb::post, "/rules", boost::json::serialize(rules));
  }

  // The subscription's keys, so the service decrypts what arrives on `path`.
  void subscribe(const std::string& path, const PushReceiver& receiver) {
    boost::json::object keys;
    keys[path] = {{"private", core::base64url(receiver.private_scalar())},
                  {"auth", core::base64url(receiver.auth())}};
    control(boost::beast::http::verb::post, "/keys", boost::json::serialize(keys));
  }

  // Every request received so far, in arrival order.
  boost::json::array records() {
    return boost::json::parse(control(boost::beast::http::verb::get, "/records", ""))
        .at("records")
        .as_array();
  }

  // Waits until at least `n` requests have arrived.
  boost::json::array wait_for_records(std::size_t n,
                                      std::chrono::seconds timeout = std::chrono::seconds(20)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      auto r = records();
      if (r.size() >= n) return r;
      if (std::chrono::steady_clock::now() > deadline)
        throw std::runtime_error("push service: too few requests");
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

 private:
  std::string control(boost::beast::http::verb verb, const std::string& target, const std::string& body) {
    namespace http = boost::beast::http;
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::socket socket(ioc);
    socket.connect({boost::asio::ip::make_address("127.0.0.1"), control_port_});
    http::request<http::string_body> request{verb, target, 11};
    request.set(http::field::host, "127.0.0.1");
    request.body() = body;
    request.prepare_payload();
    http::write(socket, request);
    boost::beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(socket, buffer, response);
    return response.body();
  }

  Process process_;
  unsigned short port_ = 0;
  unsigned short control_port_ = 0;
  std::string ca_file_;
};

}  // namespace gadehold::test
