#pragma once
// The web app (the leads' dashboard and the volunteers' app): the files of web/'s bundle,
// embedded into the binary at build time (cmake/WebAssets.cmake), and how they are served.
#include <optional>
#include <span>
#include <string_view>

#include "server/net/beast.hpp"

namespace gadehold::net {

// One file of the bundle, as cmake/embed_web_script.cmake embeds it.
struct EmbeddedFile {
  std::string_view name;   // "app.js", "app.js.gz"
  std::string_view bytes;
  std::string_view etag;   // strong and quoted, from the file's SHA-256
};

// Every file of the bundle; empty in a build with GADEHOLD_WEB=OFF. Generated code.
std::span<const EmbeddedFile> embedded_web_files();

// Whether an Accept-Encoding value allows gzip (RFC 9110 12.5.3): "gzip;q=0" refuses it.
bool accepts_gzip(std::string_view accept_encoding);

// The dashboard's answer to a GET or HEAD of `path` (/, /index.html, /app.js, /app.css, the
// service worker /sw.js, /manifest.webmanifest and its icons, /apple-touch-icon.png,
// /favicon.ico): the gzip twin when there is one and the request accepts it, 304 when
// If-None-Match names its ETag.
// Nothing for any other path, or when the binary has no dashboard.
std::optional<http::response<http::string_body>> web_asset(const http::request<http::empty_body>& request,
                                                           std::string_view path);

}  // namespace gadehold::net
