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

void Answer(httplib::Response& res, int status, const std::string& json) {
  res.status = status;
  res.set_content(json, "application/json");
}

std::string_view BearerOf(std::string_view authorization) {
  constexpr std::string_view kPrefix = "Bearer ";
  if (authorization.size() <= kPrefix.size() || authorization.substr(0, kPrefix.size()) != kPrefix)
    return {};
  return authorization.substr(kPrefix.size());
}

std::string BearerToken(const httplib::Request& req) {
  return std::string(BearerOf(req.get_header_value("Authorization")));
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

}  // namespace

Webhook::Webhook(Store* store, std::function<UnixSeconds()> wall_clock,
                 std::function<void()> on_stored)
    : store_(store), wall_clock_(std::move(wall_clock)), on_stored_(std::move(on_stored)) {}

void Webhook::Register(HttpRouter* router) {
  for (WebhookEvent event : kAllWebhookEvents) {
    router->Post(std::string("/webhook/") + WebhookEventName(event) + "/?",
                 [this, event](const httplib::Request& req, std::string_view body,
                               httplib::Response& res) { Receive(event, req, body, res); },
                 [this](const std::string& head) { return AdmitHead(head); });
  }
  router->Get("/healthz", [](const httplib::Request&, std::string_view, httplib::Response& res) {
    Answer(res, 200, "{\"status\":\"ok\"}");
  });
}

Status Webhook::CheckSignature(const httplib::Request& req, std::string_view body) const {
  if (auth_.webhook_secret.empty()) return Status::Ok();
  const std::string date = req.get_header_value("BI-Signature-Date");
  const std::string signature = req.get_header_value("BI-Signature");
  if (date.empty() || signature.empty()) return Status::Unauthenticated("missing BI-Signature");
  Result<UnixSeconds> signed_at = ParseUtcDatetime(date);
  if (!signed_at.ok()) return Status::Unauthenticated("malformed BI-Signature-Date");
  if (std::llabs(wall_clock_() - *signed_at) > auth_.signature_max_skew_s)
    return Status::Unauthenticated("BI-Signature-Date too far from now");
  std::string message;
  message.reserve(body.size() + req.path.size() + date.size() + 8);
  message.append("POST.").append(req.path).append(".").append(date).append(".").append(body);
  std::string expected = Base64Encode(HmacSha256(auth_.webhook_secret, message));
  if (!ConstantTimeEquals(expected, signature)) return Status::Unauthenticated("wrong BI-Signature");
  return Status::Ok();
}

HeadVerdict Webhook::AdmitHead(const std::string& head) const {
  RequestHeadView view(head);
  std::string_view presented = BearerOf(view.Header("Authorization"));
  if (presented.empty()) return Unauthenticated(view.path(), "missing Bearer token");
  if (!auth_.user_token.empty() && ConstantTimeEquals(auth_.user_token, presented)) return {};
  Result<bool> known = store_->IsKnownUserToken(std::string(presented));
  if (!known.ok() || *known) return {};  // a store error: read on, Receive answers 503
  return Unauthenticated(view.path(), "wrong Bearer token");
}

Status Webhook::CheckBearer(const httplib::Request& req, const Envelope& envelope) const {
  std::string presented = BearerToken(req);
  if (presented.empty()) return Status::Unauthenticated("missing Bearer token");
  std::string expected = auth_.user_token;
  if (envelope.user_id) {
    Result<std::optional<std::string>> known = store_->UserToken(*envelope.user_id);
    if (!known.ok()) return known.status();
    if (known->has_value()) expected = **known;
  }
  if (expected.empty())
    return Status::Unauthenticated("no token known for user " + Id(envelope.user_id) +
                                   " (set [powens] user_token)");
  if (!ConstantTimeEquals(expected, presented)) return Status::Unauthenticated("wrong Bearer token");
  return Status::Ok();
}

void Webhook::Receive(WebhookEvent event, const httplib::Request& req, std::string_view body,
                      httplib::Response& res) {
  const char* name = WebhookEventName(event);
  const std::string from = req.remote_addr;
  Status signed_ok = CheckSignature(req, body);
  if (!signed_ok.ok()) {
    LOG_WARN("webhook %s from %s: rejected: %s", name, from.c_str(), signed_ok.message().c_str());
    return Answer(res, 401, ErrorBody("unauthenticated"));
  }
  Result<Envelope> envelope = ParseEnvelope(body);
  if (!envelope.ok()) {
    LOG_WARN("webhook %s from %s: %zu bytes: %s", name, from.c_str(), body.size(),
             envelope.status().message().c_str());
    return Answer(res, 400, ErrorBody(envelope.status().message()));
  }
  Status bearer_ok = CheckBearer(req, *envelope);
  if (bearer_ok.code() == Status::Code::kUnauthenticated) {
    LOG_WARN("webhook %s from %s: rejected: %s", name, from.c_str(), bearer_ok.message().c_str());
    return Answer(res, 401, ErrorBody("unauthenticated"));
  }
  Result<bool> stored = bearer_ok.ok() ? store_->InsertInbox(envelope->webhook_id, name,
                                                             envelope->user_id, body, wall_clock_())
                                       : Result<bool>(bearer_ok);
  if (!stored.ok()) {
    bool transient = stored.status().code() == Status::Code::kUnavailable;
    LOG_ERROR("webhook %s id=%s: not stored: %s", name, Id(envelope->webhook_id).c_str(),
              stored.status().message().c_str());
    if (transient) res.set_header("Retry-After", "60");
    return Answer(res, transient ? 503 : 500,
                  ErrorBody(transient ? "storage unavailable, retry later" : "internal error"));
  }
  LOG_INFO("webhook %s id=%s user=%s bytes=%zu from %s: %s", name, Id(envelope->webhook_id).c_str(),
           Id(envelope->user_id).c_str(), body.size(), from.c_str(), *stored ? "stored" : "duplicate");
  Answer(res, 200, *stored ? "{\"status\":\"stored\"}" : "{\"status\":\"duplicate\"}");
  if (*stored && on_stored_) on_stored_();
}

}  // namespace freenahi
