// SPDX-License-Identifier: MIT
// The webhook endpoints: POST /webhook/<event>/ and GET /healthz. Authenticates (Bearer token,
// optional BI-Signature HMAC), stores the raw body in the inbox, and answers 2xx only after that
// commit. Applying the payload is ingest.cc's job, after the answer. Owned by serve.
#ifndef FREENAHI_WEBHOOK_H_
#define FREENAHI_WEBHOOK_H_

#include <functional>
#include <string>
#include <string_view>

#include "http_router.h"
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
  static constexpr size_t kDefaultSpoolAbove = 2 << 20;
  // `store` must outlive this. `wall_clock` gives UTC seconds (tests inject one); `on_stored`
  // runs after each newly stored item, inside the request, so serve can schedule ingestion.
  Webhook(Store* store, std::function<UnixSeconds()> wall_clock, std::function<void()> on_stored);
  void SetAuth(WebhookAuth auth) { auth_ = std::move(auth); }
  // Where an authenticated body larger than `memory_limit` bytes is spooled while it arrives
  // (a directory on the database's filesystem); empty (the default): bodies stay in memory.
  // Routine webhooks (a few KB to a few hundred) stay under the default: the spool is one more
  // flash write of the body, paid only by the large first syncs whose size RAM cannot afford.
  void SetSpool(std::string dir, size_t memory_limit = kDefaultSpoolAbove) {
    spool_dir_ = std::move(dir);
    spool_above_ = memory_limit;
  }
  // Adds the routes. `this` must outlive the router.
  void Register(HttpRouter* router);

  // The checks, exposed for tests. Unauthenticated carries a reason safe to log (no secret).
  Status CheckSignature(const HttpRequest& req, std::string_view body) const;
  // The same for a body as received: uses the MAC it computed while arriving when that MAC was
  // started with the right prefix, else reads the body again.
  Status CheckSignature(const HttpRequest& req, RequestBody& body) const;
  Status CheckBearer(const HttpRequest& req, const Envelope& envelope) const;
  // From the head alone, before the body is read: a webhook without a Bearer token, or with one
  // that is neither the configured token nor any user's stored token, is refused (401). Which
  // user the body is for is known only after the body; CheckBearer then decides for that user.
  HeadVerdict AdmitHead(const std::string& head) const;

 private:
  void Receive(WebhookEvent event, const HttpRequest& req, RequestBody& body,
               HttpResponse& res);
  // Commits the body to the inbox (InsertInbox, or InsertInboxFrom reading the spool).
  Result<bool> StoreBody(const Envelope& envelope, const char* event, RequestBody& body);
  // Unauthenticated with a reason, or Ok with the message prefix the MAC covers before the body.
  Status CheckSignatureHeaders(const HttpRequest& req, std::string* prefix) const;
  Status CompareSignature(const HttpRequest& req, const std::string& mac) const;

  Store* store_;
  std::function<UnixSeconds()> wall_clock_;
  std::function<void()> on_stored_;
  WebhookAuth auth_;
  std::string spool_dir_;
  size_t spool_above_ = kDefaultSpoolAbove;
};

}  // namespace freenahi

#endif  // FREENAHI_WEBHOOK_H_
