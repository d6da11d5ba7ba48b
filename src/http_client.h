// SPDX-License-Identifier: MIT
// TEMPORARY STUB (powens-cli): the interface powens-client is building; replaced by its file at
// merge time. Blocking HTTPS client.
#ifndef FREENAHI_HTTP_CLIENT_H_
#define FREENAHI_HTTP_CLIENT_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "status.h"

namespace freenahi {

struct HttpClientOptions {
  std::string ca_file;
  std::string system_ca_bundle = "/etc/ssl/certs/ca-certificates.crt";
  int64_t connect_timeout_ms = 10000;
  int64_t read_timeout_ms = 30000;
  int64_t total_timeout_ms = 60000;
  size_t max_response_body = 64 << 20;
};

struct HttpClientRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct HttpClientResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // lowercase names
  std::string body;
  std::string Header(const std::string& name) const {
    for (const auto& [k, v] : headers)
      if (k == name) return v;
    return "";
  }
};

Result<HttpClientResponse> HttpFetch(const HttpClientRequest& request,
                                     const HttpClientOptions& options);

}  // namespace freenahi

#endif  // FREENAHI_HTTP_CLIENT_H_
