// SPDX-License-Identifier: MIT
// libFuzzer target: the webhook body as the daemon reads it: the JSON text check, the envelope
// pass, then the full parse for the event the first byte picks.
#include <cstddef>
#include <cstdint>
#include <string>

#include "json_text.h"
#include "payload.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const freenahi::WebhookEvent event =
      freenahi::kAllWebhookEvents[data[0] % (sizeof(freenahi::kAllWebhookEvents) /
                                             sizeof(freenahi::kAllWebhookEvents[0]))];
  // An exact-size heap copy, so ASan sees any read past the end of the body.
  std::string body(reinterpret_cast<const char*>(data + 1), size - 1);
  freenahi::Status text = freenahi::CheckJsonText(body);
  freenahi::Result<freenahi::Envelope> envelope = freenahi::ParseEnvelope(body);
  if (!text.ok() && envelope.ok()) __builtin_trap();  // the envelope must apply the text check
  freenahi::Result<freenahi::Payload> payload = freenahi::ParsePayload(event, body);
  if (!text.ok() && payload.ok()) __builtin_trap();
  return 0;
}
