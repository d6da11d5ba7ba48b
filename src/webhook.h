// SPDX-License-Identifier: MIT
// The webhook endpoints: POST /webhook/<event>/ and GET /healthz. Authenticates (Bearer token,
// optional BI-Signature HMAC), stores the raw body in the inbox, and answers 2xx only after that
// commit. Applying the payload is ingest.cc's job, after the answer. Owned by serve.
#ifndef FREENAHI_WEBHOOK_H_
#define FREENAHI_WEBHOOK_H_

#include <functional>
#include <string>
#include <string_view>

#include "http.h"
#include "model.h"
#include "payload.h"
#include "status.h"
#include "store.h"

namespace freenahi {

// What authenticates a webhook; taken from Config and replaced on SIGHUP.
struct WebhookAuth {
  std::string user_token;      // used when the database knows no token for the body's user
  std::string webhook_secret;  // non-empty: BI-Signature required too
  int64_t signature_max_skew_s = 300;
};

class Webhook {
 public:
  // `store` must outlive this. `wall_clock` gives UTC seconds (tests inject one); `on_stored`
  // runs after each newly stored item, inside the request, so serve can schedule ingestion.
  Webhook(Store* store, std::function<UnixSeconds()> wall_clock, std::function<void()> on_stored);
  void SetAuth(WebhookAuth auth) { auth_ = std::move(auth); }
  // Adds the routes. `this` must outlive the router.
  void Register(HttpRouter* router);

  // The checks, exposed for tests. Unauthenticated carries a reason safe to log (no secret).
  Status CheckSignature(const httplib::Request& req, std::string_view body) const;
  Status CheckBearer(const httplib::Request& req, const Envelope& envelope) const;
  // From the head alone, before the body is read: a webhook without a Bearer token, or with one
  // that is neither the configured token nor any user's stored token, is refused (401). Which
  // user the body is for is known only after the body; CheckBearer then decides for that user.
  HeadVerdict AdmitHead(const std::string& head) const;

 private:
  void Receive(WebhookEvent event, const httplib::Request& req, std::string_view body,
               httplib::Response& res);

  Store* store_;
  std::function<UnixSeconds()> wall_clock_;
  std::function<void()> on_stored_;
  WebhookAuth auth_;
};

}  // namespace freenahi

#endif  // FREENAHI_WEBHOOK_H_
