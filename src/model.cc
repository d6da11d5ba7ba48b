// SPDX-License-Identifier: MIT
// Names of the webhook events: the URL segment, the inbox's `event` column.
#include "model.h"

namespace freenahi {
namespace {
struct EventName {
  WebhookEvent event;
  const char* name;
};
constexpr EventName kEventNames[] = {
    {WebhookEvent::kConnectionSynced, "connection_synced"},
    {WebhookEvent::kConnectionDeleted, "connection_deleted"},
    {WebhookEvent::kAccountSynced, "account_synced"},
    {WebhookEvent::kAccountsFetched, "accounts_fetched"},
    {WebhookEvent::kAccountEnabled, "account_enabled"},
    {WebhookEvent::kAccountDisabled, "account_disabled"},
    {WebhookEvent::kUserDeleted, "user_deleted"},
};
}  // namespace

const char* WebhookEventName(WebhookEvent event) {
  for (const EventName& e : kEventNames)
    if (e.event == event) return e.name;
  return "unknown";
}

std::optional<WebhookEvent> WebhookEventFromName(const std::string& name) {
  for (const EventName& e : kEventNames)
    if (name == e.name) return e.event;
  return std::nullopt;
}

}  // namespace freenahi
