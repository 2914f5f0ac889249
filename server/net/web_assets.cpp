#include "server/net/web_assets.hpp"

#include <algorithm>
#include <string>

#include "server/core/text.hpp"
#include "server/net/http_headers.hpp"

namespace gadehold::net {

namespace {

struct PageFile {
  std::string_view path;
  std::string_view name;
  std::string_view content_type;
};

// The only files served: the .gz twins are never asked for by name.
constexpr PageFile kPageFiles[] = {
    {"/", "index.html", "text/html; charset=utf-8"},
    {"/index.html", "index.html", "text/html; charset=utf-8"},
    {"/app.js", "app.js", "text/javascript; charset=utf-8"},
    {"/app.css", "app.css", "text/css; charset=utf-8"},
    // The service worker (Web Push notifications). At the root, so its scope is the whole
    // origin without a Service-Worker-Allowed header; the CSP's script-src 'self' (which
    // worker-src falls back to) lets the page register it.
    {"/sw.js", "sw.js", "text/javascript; charset=utf-8"},
    // The web app manifest (display: standalone): iOS delivers Web Push only to a page added
    // to the home screen as a web app.
    {"/manifest.webmanifest", "manifest.webmanifest", "application/manifest+json"},
    // The manifest's icons (drawn by web/icons.mjs), the iOS home-screen icon and the tab's
    // icon. PNG is compressed already: no gzip twins.
    {"/icon-192.png", "icon-192.png", "image/png"},
    {"/icon-512.png", "icon-512.png", "image/png"},
    {"/icon-maskable-192.png", "icon-maskable-192.png", "image/png"},
    {"/icon-maskable-512.png", "icon-maskable-512.png", "image/png"},
    {"/apple-touch-icon.png", "apple-touch-icon.png", "image/png"},
    {"/favicon.ico", "favicon.ico", "image/x-icon"},
};

const EmbeddedFile* embedded(std::string_view name) {
  const auto files = embedded_web_files();
  const auto it =
      std::find_if(files.begin(), files.end(), [&](const EmbeddedFile& f) { return f.name == name; });
  return it == files.end() ? nullptr : &*it;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           const auto lower = [](char c) {
             return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
           };
           return lower(x) == lower(y);
         });
}

// A qvalue (RFC 9110 12.4.2: "0", "0.5", "1.000") in thousandths, or nothing if it is not one.
std::optional<int> qvalue(std::string_view v) {
  if (v.empty() || v.size() > 5 || (v[0] != '0' && v[0] != '1')) return std::nullopt;
  int value = (v[0] - '0') * 1000;
  if (v.size() == 1) return value;
  if (v[1] != '.') return std::nullopt;
  int scale = 100;
  for (char c : v.substr(2)) {
    if (c < '0' || c > '9') return std::nullopt;
    value += (c - '0') * scale;
    scale /= 10;
  }
  if (value > 1000) return std::nullopt;
  return value;
}

// Every field of that name, as one comma-separated list (RFC 9110 5.3).
std::string field_list(const http::request<http::empty_body>& request, http::field name) {
  std::string list;
  for (auto [it, end] = request.equal_range(name); it != end; ++it) {
    if (!list.empty()) list.append(", ");
    list.append(it->value());
  }
  return list;
}

}  // namespace

bool accepts_gzip(std::string_view accept_encoding) {
  // Weights in thousandths of the entries that name gzip, and of "*" (any other coding).
  std::optional<int> gzip;
  std::optional<int> any;
  while (!accept_encoding.empty()) {
    const auto comma = accept_encoding.find(',');
    auto element = accept_encoding.substr(0, comma);
    accept_encoding.remove_prefix(comma == std::string_view::npos ? accept_encoding.size() : comma + 1);
    const auto semicolon = element.find(';');
    const auto coding = core::trim(element.substr(0, semicolon));
    if (coding.empty()) continue;
    int weight = 1000;
    auto params = semicolon == std::string_view::npos ? std::string_view() : element.substr(semicolon + 1);
    while (!params.empty()) {
      const auto next = params.find(';');
      const auto param = params.substr(0, next);
      params.remove_prefix(next == std::string_view::npos ? params.size() : next + 1);
      const auto equals = param.find('=');
      if (equals == std::string_view::npos || !iequals(core::trim(param.substr(0, equals)), "q")) continue;
      // A weight that is not a qvalue is not a yes.
      weight = qvalue(core::trim(param.substr(equals + 1))).value_or(0);
    }
    if (iequals(coding, "gzip") || iequals(coding, "x-gzip")) {
      gzip = std::min(gzip.value_or(weight), weight);
    } else if (coding == "*") {
      any = std::min(any.value_or(weight), weight);
    }
  }
  if (gzip) return *gzip > 0;
  return any.value_or(0) > 0;
}

std::optional<http::response<http::string_body>> web_asset(const http::request<http::empty_body>& request,
                                                           std::string_view path) {
  const auto page = std::find_if(std::begin(kPageFiles), std::end(kPageFiles),
                                 [&](const PageFile& f) { return f.path == path; });
  if (page == std::end(kPageFiles)) return std::nullopt;
  const auto* identity = embedded(page->name);
  if (identity == nullptr) return std::nullopt;
  const auto* gzipped = embedded(std::string(page->name).append(".gz"));
  const bool gzip = gzipped != nullptr && accepts_gzip(field_list(request, http::field::accept_encoding));
  const auto& file = gzip ? *gzipped : *identity;
  const bool fresh = etag_matches(field_list(request, http::field::if_none_match), file.etag);

  http::response<http::string_body> res{fresh ? http::status::not_modified : http::status::ok,
                                        request.version()};
  res.set(http::field::server, "gadehold");
  set_security_headers(res);
  res.set(http::field::etag, file.etag);
  // Stored, but asked about again each time: a new binary's page shows at the next load,
  // and a new service worker at the browser's next update check.
  res.set(http::field::cache_control, "no-cache");
  if (gzipped != nullptr) res.set(http::field::vary, "Accept-Encoding");
  res.keep_alive(request.keep_alive());
  if (fresh) return res;  // no body, and no length of its own: it stands for the 200
  res.set(http::field::content_type, page->content_type);
  if (gzip) res.set(http::field::content_encoding, "gzip");
  if (request.method() == http::verb::head) {
    res.content_length(file.bytes.size());  // what a GET would send, without the body
  } else {
    res.body().assign(file.bytes);
    res.prepare_payload();
  }
  return res;
}

}  // namespace gadehold::net
