// SPDX-License-Identifier: MIT
// Webhook reception. Order matters: the signature (needs no parsing) first, then the envelope
// (is it JSON, whose is it), then the bearer token for that user, then one inbox commit.
#include "webhook.h"

#include <cstdlib>

#include "crypto.h"
#include "log.h"
#include "paris_time.h"

namespace freenahi {
namespace {

void Answer(HttpResponse& res, int status, const std::string& json) {
  res.status = status;
  res.SetContent(json, "application/json");
}

std::string_view BearerOf(std::string_view authorization) {
  constexpr std::string_view kPrefix = "Bearer ";
  if (authorization.size() <= kPrefix.size() || authorization.substr(0, kPrefix.size()) != kPrefix)
    return {};
  return authorization.substr(kPrefix.size());
}

std::string BearerToken(const HttpRequest& req) {
  return std::string(BearerOf(req.Header("Authorization")));
}

HeadVerdict Unauthenticated(std::string_view path, const char* why) {
  HeadVerdict verdict;
  verdict.action = HeadVerdict::Action::kReject;
  verdict.status = 401;
  verdict.reason = "unauthenticated";
  verdict.log_detail = "webhook " + std::string(path) + ": rejected: " + why + " (body not read)";
  return verdict;
}

std::string Id(const std::optional<int64_t>& id) { return id ? std::to_string(*id) : "-"; }

// What BI-Signature signs before the body: "POST.<path>.<BI-Signature-Date>.".
std::string MacPrefix(std::string_view path, std::string_view date) {
  std::string prefix;
  prefix.reserve(path.size() + date.size() + 7);
  prefix.append("POST.").append(path).append(".").append(date).append(".");
  return prefix;
}

}  // namespace

Webhook::Webhook(Store* store, std::function<UnixSeconds()> wall_clock,
                 std::function<void()> on_stored)
    : store_(store), wall_clock_(std::move(wall_clock)), on_stored_(std::move(on_stored)) {}

void Webhook::Register(HttpRouter* router) {
  for (WebhookEvent event : kAllWebhookEvents) {
    router->PostBody(std::string("/webhook/") + WebhookEventName(event) + "/?",
                     [this, event](const HttpRequest& req, RequestBody& body,
                                   HttpResponse& res) { Receive(event, req, body, res); },
                     [this](const std::string& head) { return AdmitHead(head); });
  }
  router->Get("/healthz", [](const HttpRequest&, std::string_view, HttpResponse& res) {
    Answer(res, 200, "{\"status\":\"ok\"}");
  });
}

Status Webhook::CheckSignatureHeaders(const HttpRequest& req, std::string* prefix) const {
  const std::string date = req.Header("BI-Signature-Date");
  const std::string signature = req.Header("BI-Signature");
  if (date.empty() || signature.empty()) return Status::Unauthenticated("missing BI-Signature");
  Result<UnixSeconds> signed_at = ParseUtcDatetime(date);
  if (!signed_at.ok()) return Status::Unauthenticated("malformed BI-Signature-Date");
  if (std::llabs(wall_clock_() - *signed_at) > auth_.signature_max_skew_s)
    return Status::Unauthenticated("BI-Signature-Date too far from now");
  *prefix = MacPrefix(req.path, date);
  return Status::Ok();
}

Status Webhook::CompareSignature(const HttpRequest& req, const std::string& mac) const {
  std::string expected = Base64Encode(mac);
  if (mac.empty() || !ConstantTimeEquals(expected, req.Header("BI-Signature")))
    return Status::Unauthenticated("wrong BI-Signature");
  return Status::Ok();
}

Status Webhook::CheckSignature(const HttpRequest& req, std::string_view body) const {
  if (auth_.webhook_secret.empty()) return Status::Ok();
  std::string prefix;
  FREENAHI_RETURN_IF_ERROR(CheckSignatureHeaders(req, &prefix));
  HmacSha256Stream mac(auth_.webhook_secret);
  mac.Update(prefix);
  mac.Update(body);
  return CompareSignature(req, mac.Finish());
}

Status Webhook::CheckSignature(const HttpRequest& req, RequestBody& body) const {
  if (auth_.webhook_secret.empty()) return Status::Ok();
  std::string prefix;
  FREENAHI_RETURN_IF_ERROR(CheckSignatureHeaders(req, &prefix));
  if (body.mac_prefix() == prefix) return CompareSignature(req, body.Mac());
  // Not computed on arrival (the path was written differently, or no date then): read it again.
  HmacSha256Stream mac(auth_.webhook_secret);
  mac.Update(prefix);
  std::unique_ptr<ByteSource> reader = body.Reader();
  std::string chunk(64 * 1024, '\0');
  for (;;) {
    Result<size_t> n = reader->Read(chunk.data(), chunk.size());
    if (!n.ok()) return n.status();
    if (*n == 0) break;
    mac.Update(std::string_view(chunk.data(), *n));
  }
  return CompareSignature(req, mac.Finish());
}

HeadVerdict Webhook::AdmitHead(const std::string& head) const {
  RequestHeadView view(head);
  std::string_view presented = BearerOf(view.Header("Authorization"));
  if (presented.empty()) return Unauthenticated(view.path(), "missing Bearer token");
  bool admitted = !auth_.user_token.empty() && ConstantTimeEquals(auth_.user_token, presented);
  if (!admitted) {
    Result<bool> known = store_->IsKnownUserToken(std::string(presented));
    admitted = !known.ok() || *known;  // a store error: read on, Receive answers 503
  }
  if (!admitted) return Unauthenticated(view.path(), "wrong Bearer token");
  HeadVerdict read;
  read.spool_dir = spool_dir_;
  read.spool_above = spool_above_;
  std::string_view date = view.Header("BI-Signature-Date");
  if (!auth_.webhook_secret.empty() && !date.empty()) {  // the MAC, as the body arrives
    read.mac_key = auth_.webhook_secret;
    read.mac_prefix = MacPrefix(view.path(), date);
  }
  return read;
}

Status Webhook::CheckBearer(const HttpRequest& req, const Envelope& envelope) const {
  std::string presented = BearerToken(req);
  if (presented.empty()) return Status::Unauthenticated("missing Bearer token");
  std::string expected = auth_.user_token;
  if (envelope.user_id) {
    Result<std::optional<std::string>> known = store_->UserToken(*envelope.user_id);
    if (!known.ok()) return known.status();
    if (known->has_value()) expected = **known;
  }
  if (expected.empty() && !envelope.user_id) {  // a body naming no user: this box's user
    Result<std::optional<PowensUser>> own = store_->PowensUserWithToken();
    if (!own.ok()) return own.status();
    if (*own) expected = (*own)->token;
  }
  if (expected.empty())
    return Status::Unauthenticated("no token known for user " + Id(envelope.user_id) +
                                   " (run `freenahi init`)");
  if (!ConstantTimeEquals(expected, presented)) return Status::Unauthenticated("wrong Bearer token");
  return Status::Ok();
}

void Webhook::Receive(WebhookEvent event, const HttpRequest& req, RequestBody& body,
                      HttpResponse& res) {
  const char* name = WebhookEventName(event);
  const std::string from = req.remote_addr;
  Status signed_ok = CheckSignature(req, body);
  if (!signed_ok.ok()) {
    LOG_WARN("webhook %s from %s: rejected: %s", name, from.c_str(), signed_ok.message().c_str());
    return Answer(res, 401, ErrorBody("unauthenticated"));
  }
  Result<Envelope> envelope =
      body.spooled() ? ParseEnvelopeFrom([&body] { return body.Reader(); })
                      : ParseEnvelope(body.memory());
  if (!envelope.ok()) {
    LOG_WARN("webhook %s from %s: %llu bytes: %s", name, from.c_str(),
             static_cast<unsigned long long>(body.size()),
             envelope.status().message().c_str());
    return Answer(res, 400, ErrorBody(envelope.status().message()));
  }
  Status bearer_ok = CheckBearer(req, *envelope);
  if (bearer_ok.code() == Status::Code::kUnauthenticated) {
    LOG_WARN("webhook %s from %s: rejected: %s", name, from.c_str(), bearer_ok.message().c_str());
    return Answer(res, 401, ErrorBody("unauthenticated"));
  }
  Result<bool> stored = bearer_ok.ok() ? StoreBody(*envelope, name, body) : Result<bool>(bearer_ok);
  if (!stored.ok()) {
    bool transient = stored.status().code() == Status::Code::kUnavailable;
    LOG_ERROR("webhook %s id=%s: not stored: %s", name, Id(envelope->webhook_id).c_str(),
              stored.status().message().c_str());
    if (transient) res.AddHeader("Retry-After", "60");
    return Answer(res, transient ? 503 : 500,
                  ErrorBody(transient ? "storage unavailable, retry later" : "internal error"));
  }
  LOG_INFO("webhook %s id=%s user=%s bytes=%llu from %s: %s", name, Id(envelope->webhook_id).c_str(),
           Id(envelope->user_id).c_str(), static_cast<unsigned long long>(body.size()), from.c_str(),
           *stored ? "stored" : "duplicate");
  Answer(res, 200, *stored ? "{\"status\":\"stored\"}" : "{\"status\":\"duplicate\"}");
  if (*stored && on_stored_) on_stored_();
}

Result<bool> Webhook::StoreBody(const Envelope& envelope, const char* event, RequestBody& body) {
  if (!body.spooled()) {
    return store_->InsertInbox(envelope.webhook_id, event, envelope.user_id, body.memory(),
                               wall_clock_());
  }
  std::unique_ptr<ByteSource> reader = body.Reader();  // the spool file, in chunks
  return store_->InsertInboxFrom(envelope.webhook_id, event, envelope.user_id,
                                 static_cast<int64_t>(body.size()), reader.get(), wall_clock_());
}

}  // namespace freenahi
