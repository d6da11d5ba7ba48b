// SPDX-License-Identifier: MIT
// libFuzzer target: the webhook's header checks: BI-Signature-Date parsing, the HMAC comparison,
// and the Bearer check from the head (RequestHeadView). Input: date \n signature \n head \n body.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "webhook.h"

namespace {

std::string_view NextLine(std::string_view* rest) {
  size_t eol = rest->find('\n');
  std::string_view line = rest->substr(0, eol);
  rest->remove_prefix(eol == std::string_view::npos ? rest->size() : eol + 1);
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  std::string date(NextLine(&rest)), signature(NextLine(&rest)), head(NextLine(&rest));
  std::string body(rest);
  // No Store: the head check reaches it only for a token other than the configured one, so it
  // runs only when the head's Authorization is the configured token.
  freenahi::Webhook webhook(nullptr, [] { return freenahi::UnixSeconds{1710399732}; }, nullptr);
  freenahi::WebhookAuth auth;
  auth.user_token = "fuzz-token";
  auth.webhook_secret = "whsec_fictional_secret_key_0123456789";
  webhook.SetAuth(auth);
  freenahi::HttpRequest req;
  req.method = "POST";
  req.path = "/webhook/connection_synced/";
  req.headers.emplace_back("BI-Signature-Date", date);
  req.headers.emplace_back("BI-Signature", signature);
  (void)webhook.CheckSignature(req, body);
  std::string full_head = "POST /webhook/connection_synced/ HTTP/1.1\r\n" + head +
                          "\r\nAuthorization: Bearer fuzz-token\r\n\r\n";
  freenahi::RequestHeadView view(full_head);
  (void)view.path();
  if (view.Header("Authorization") == "Bearer fuzz-token") {
    freenahi::HeadVerdict verdict = webhook.AdmitHead(full_head);
    if (verdict.action != freenahi::HeadVerdict::Action::kReadBody) __builtin_trap();
  }
  return 0;
}
