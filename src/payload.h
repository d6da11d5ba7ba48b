// SPDX-License-Identifier: MIT
// Webhook bodies (JSON, RapidJSON) → plain records (model.h). Knows nothing of SQLite or HTTP.
// Called by webhook.cc (envelope, at receive time) and by the ingest step (full parse, later).
#ifndef FREENAHI_PAYLOAD_H_
#define FREENAHI_PAYLOAD_H_

#include <optional>
#include <string>
#include <string_view>

#include "model.h"
#include "status.h"

namespace freenahi {

// What the webhook needs before anything is stored: is it JSON at all, its idempotency key and
// whose it is. Cheap: a SAX pass, no DOM.
struct Envelope {
  std::optional<int64_t> webhook_id;  // top-level id_webhook_data
  std::optional<int64_t> user_id;     // user.id, else top-level id_user, else connection.id_user
};
// InvalidArgument "malformed JSON at offset N: <reason>" when not a JSON object.
Result<Envelope> ParseEnvelope(std::string_view body);

// Full parse of one event's body. InvalidArgument with a path when the shape is unexpected
// ("connection.accounts[2].transactions[5].value: not a number"), so the inbox can keep the reason.
// `body` is taken by value and parsed in place (its buffer is reused for the strings).
Result<Payload> ParsePayload(WebhookEvent event, std::string body);

}  // namespace freenahi

#endif  // FREENAHI_PAYLOAD_H_
