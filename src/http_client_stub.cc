// SPDX-License-Identifier: MIT
// TEMPORARY STUB (powens-cli) until powens-client's http_client.cc is merged.
#include "http_client.h"

namespace freenahi {

Result<HttpClientResponse> HttpFetch(const HttpClientRequest&, const HttpClientOptions&) {
  return Status::Unavailable("HTTP client not built yet");
}

}  // namespace freenahi
