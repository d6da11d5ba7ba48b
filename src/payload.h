// SPDX-License-Identifier: MIT
// Webhook bodies (JSON, RapidJSON) → plain records (model.h). Knows nothing of SQLite or HTTP.
// Called by webhook.cc (envelope, at receive time) and by the ingest step (StreamPayload, later).
#ifndef FREENAHI_PAYLOAD_H_
#define FREENAHI_PAYLOAD_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "model.h"
#include "record_stream.h"
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
// The same from a body read in chunks, with the same results and error texts; memory: one chunk
// (and the longest string when an id or key that matters is escaped or split between chunks:
// `open` is then called a second time, for a pass over copied strings). A source error is
// returned unchanged.
using OpenByteSource = std::function<std::unique_ptr<ByteSource>()>;
Result<Envelope> ParseEnvelopeFrom(const OpenByteSource& open);

// Full parse of one event's body. InvalidArgument with a path when the shape is unexpected
// ("connection.accounts[2].transactions[5].value: not a number"), so the inbox can keep the reason.
// `body` is taken by value and parsed in place (its buffer is reused for the strings).
Result<Payload> ParsePayload(WebhookEvent event, std::string body);

// The same parse, streaming: reads `source` chunk by chunk and hands each transaction and
// investment of connection.accounts[i] (connection_synced, accounts_fetched) or of account
// (account_synced) to `sink` as soon as it is read, in document order, instead of returning it.
// The result holds everything else, exactly as ParsePayload would; errors are ParsePayload's
// (same texts and paths; with several shape errors, the first in document order may be reported
// instead of ParsePayload's first). Memory: one record plus the headers, whatever the body size,
// when an account's "id" and "currency" precede its arrays (Powens' order); an account that
// sends them later keeps its arrays in the result instead (correct, not bounded).
// On any error the sink may have received records already: the caller discards them (the store
// rolls back its transaction). A sink or source error is returned unchanged.
Result<Payload> StreamPayload(WebhookEvent event, ByteSource* source, RecordSink* sink);

}  // namespace freenahi

#endif  // FREENAHI_PAYLOAD_H_
