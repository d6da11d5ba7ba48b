// SPDX-License-Identifier: MIT
// A blocking HTTPS/1.1 client for the Powens API: one request per connection, certificate and
// name verified, connect/read/total timeouts, gzip/chunked responses within a size limit.
// Blocking on purpose (poll() and getaddrinfo): CLI commands and serve's short-lived child use it,
// never serve's event loop. Request headers (Authorization) never appear in any error text.
#ifndef FREENAHI_HTTP_CLIENT_H_
#define FREENAHI_HTTP_CLIENT_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "status.h"

namespace freenahi {

class TlsClientContext;

struct HttpClientOptions {
  std::string ca_file;  // extra PEM CA(s) trusted in addition to the system bundle ([powens] ca_file; tests use it)
  std::string system_ca_bundle;  // empty: first existing of /etc/ssl/certs/ca-certificates.crt, /etc/ssl/cert.pem (OpenWrt ca-bundle)
  int64_t connect_timeout_ms = 10000;
  int64_t read_timeout_ms = 30000;   // longest silence
  int64_t total_timeout_ms = 60000;  // whole exchange (name resolution excluded: getaddrinfo has no timeout)
  size_t max_response_body = 16 << 20;  // after decoding
  size_t max_response_head = 64 << 10;  // status line + headers
};

struct HttpClientRequest {
  std::string method;  // GET POST PUT DELETE
  std::string url;     // https://host[:port]/path?query  (only https; IPv4/IPv6 literals and names)
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. Authorization: never logged/printed
  std::string body;
};

struct HttpClientResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;  // decoded: Content-Length, chunked, gzip
  // The first header named `lower_name` (lower case), if any.
  std::optional<std::string> Header(std::string_view lower_name) const;
};

// The parts of an https URL. `authority` is what the Host header carries ("[::1]:8443").
struct HttpsUrl {
  std::string host;  // without brackets
  int port = 443;
  std::string target;     // "/path?query" ("/" when empty); the fragment is dropped
  std::string authority;  // host[:port] as written
};
// InvalidArgument for anything but https://host[:port][/...] (no user info, port 1-65535).
Result<HttpsUrl> ParseHttpsUrl(const std::string& url);

// Holds the trusted CAs, loaded once, for many requests (a pull makes dozens).
class HttpClient {
 public:
  // Loads the CA bundle(s). Errors name the file, or say that no bundle exists.
  static Result<HttpClient> Create(const HttpClientOptions& options);
  // Blocking. Never call it inside serve's event loop. See HttpFetch.
  Result<HttpClientResponse> Fetch(const HttpClientRequest& request) const;
  const HttpClientOptions& options() const { return options_; }

 private:
  HttpClient(HttpClientOptions options, std::shared_ptr<TlsClientContext> tls)
      : options_(std::move(options)), tls_(std::move(tls)) {}
  HttpClientOptions options_;
  std::shared_ptr<TlsClientContext> tls_;
};

// Blocking. Never call it inside serve's event loop. Errors are one line naming the host, e.g.
// Unavailable "api.example.com:443: connect: Connection refused", Timeout "...: no answer within 30 s",
// "...: certificate not trusted: <reason>", "...: certificate is not for api.example.com".
// A 3xx is returned as a response (redirects are never followed); callers treat it as an error.
// Codes: Unavailable (resolution, connect, reset, TLS failure other than the certificate),
// Timeout, IOError (certificate refused, malformed response), TooLarge (body or head past the
// limits), InvalidArgument (bad URL, CR/LF in a header), NotFound (no CA bundle).
Result<HttpClientResponse> HttpFetch(const HttpClientRequest& request, const HttpClientOptions& options);

}  // namespace freenahi

#endif  // FREENAHI_HTTP_CLIENT_H_
