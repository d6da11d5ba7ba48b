// SPDX-License-Identifier: MIT
// libFuzzer target: the webhook body as the daemon reads it: the JSON text check, the envelope
// pass (whole, and chunked as for a spooled body), then the full parse for the event the first
// byte picks, both ways: ParsePayload (DOM) and StreamPayload (the ingest's, chunked). The second
// byte seeds the chunk sizes. Properties: the chunked envelope is the whole one (same ids, same
// error text); the streamed parse succeeds exactly when the DOM parse does, with the same records.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "json_text.h"
#include "payload.h"

namespace {

// Serves a body in reads whose sizes (1..97 bytes) follow a seed, so chunk boundaries fall
// anywhere: inside strings, numbers, UTF-8 sequences.
class SplitSource : public freenahi::ByteSource {
 public:
  SplitSource(std::string_view text, uint32_t seed) : text_(text), seed_(seed) {}
  freenahi::Result<size_t> Read(char* buffer, size_t capacity) override {
    seed_ = seed_ * 1103515245u + 12345u;
    size_t n = std::min({capacity, size_t{1} + (seed_ >> 16) % 97, text_.size() - offset_});
    std::copy_n(text_.data() + offset_, n, buffer);
    offset_ += n;
    return n;
  }

 private:
  std::string_view text_;
  uint32_t seed_;
  size_t offset_ = 0;
};

// Counts what it is handed (the records ParsePayload leaves in its accounts instead).
class CountSink : public freenahi::RecordSink {
 public:
  freenahi::Status OnTransaction(int64_t, const freenahi::Transaction& t) override {
    ++transactions;
    value_sum += static_cast<uint64_t>(t.value_minor);
    return freenahi::Status::Ok();
  }
  freenahi::Status OnInvestment(int64_t, const freenahi::Investment&) override {
    ++investments;
    return freenahi::Status::Ok();
  }
  size_t transactions = 0, investments = 0;
  uint64_t value_sum = 0;
};

void CountAccount(const freenahi::Account& account, CountSink* counts) {
  for (const freenahi::Transaction& t : account.transactions) (void)counts->OnTransaction(0, t);
  for (const freenahi::Investment& i : account.investments) (void)counts->OnInvestment(0, i);
}

void CountPayload(const freenahi::Payload& payload, CountSink* counts) {
  if (payload.connection)
    for (const freenahi::Account& a : payload.connection->accounts) CountAccount(a, counts);
  if (payload.account) CountAccount(*payload.account, counts);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const freenahi::WebhookEvent event =
      freenahi::kAllWebhookEvents[data[0] % (sizeof(freenahi::kAllWebhookEvents) /
                                             sizeof(freenahi::kAllWebhookEvents[0]))];
  const uint32_t seed = data[1];
  // An exact-size heap copy, so ASan sees any read past the end of the body.
  std::string body(reinterpret_cast<const char*>(data + 2), size - 2);
  freenahi::Status text = freenahi::CheckJsonText(body);
  freenahi::Result<freenahi::Envelope> envelope = freenahi::ParseEnvelope(body);
  if (!text.ok() && envelope.ok()) __builtin_trap();  // the envelope must apply the text check

  freenahi::Result<freenahi::Envelope> chunked = freenahi::ParseEnvelopeFrom(
      [&body, seed] { return std::make_unique<SplitSource>(body, seed); });
  if (chunked.ok() != envelope.ok()) __builtin_trap();
  if (envelope.ok() && (chunked->webhook_id != envelope->webhook_id ||
                        chunked->user_id != envelope->user_id))
    __builtin_trap();
  if (!envelope.ok() && chunked.status().message() != envelope.status().message())
    __builtin_trap();

  freenahi::Result<freenahi::Payload> payload = freenahi::ParsePayload(event, body);
  if (!text.ok() && payload.ok()) __builtin_trap();
  SplitSource payload_source(body, seed ^ 0x5a5au);
  CountSink streamed;
  freenahi::Result<freenahi::Payload> stream =
      freenahi::StreamPayload(event, &payload_source, &streamed);
  if (stream.ok() != payload.ok()) __builtin_trap();
  if (payload.ok()) {
    CountSink whole;
    CountPayload(*payload, &whole);
    CountPayload(*stream, &streamed);  // the records an account kept (id or currency came late)
    if (stream->webhook_id != payload->webhook_id || streamed.transactions != whole.transactions ||
        streamed.investments != whole.investments || streamed.value_sum != whole.value_sum)
      __builtin_trap();
  }
  return 0;
}
