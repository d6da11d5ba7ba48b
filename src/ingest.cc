// SPDX-License-Identifier: MIT
// The second half of "durable first": the body is already committed; here it becomes rows.
// Shape problems are permanent (marked failed, replayable after an upgrade); storage problems are
// transient (left pending, retried).
#include "ingest.h"

#include <chrono>

#include "log.h"
#include "payload.h"

namespace freenahi {

IngestOutcome IngestOne(Store* store, int64_t inbox_id, UnixSeconds now, std::string* detail,
                        ApplyStats* stats) {
  Result<InboxItem> item = store->GetInbox(inbox_id);
  if (!item.ok()) {
    *detail = item.status().message();
    return item.status().code() == Status::Code::kUnavailable ? IngestOutcome::kRetryLater
                                                              : IngestOutcome::kFailed;
  }
  std::optional<WebhookEvent> event = WebhookEventFromName(item->event);
  Result<std::string> body = store->InboxBody(inbox_id);
  if (!body.ok()) {
    *detail = body.status().message();
    return IngestOutcome::kRetryLater;
  }
  Result<Payload> payload = event ? ParsePayload(*event, std::move(*body))
                                  : Result<Payload>(Status::InvalidArgument("unknown event " + item->event));
  Status outcome = payload.ok() ? store->ApplyInbox(inbox_id, *payload, now, stats) : payload.status();
  if (outcome.ok()) return IngestOutcome::kApplied;
  *detail = outcome.message();
  if (outcome.code() == Status::Code::kUnavailable) return IngestOutcome::kRetryLater;
  Status marked = store->MarkInboxFailed(inbox_id, outcome.message());
  if (!marked.ok()) {
    *detail += "; and could not record the failure: " + marked.message();
    return IngestOutcome::kRetryLater;
  }
  return IngestOutcome::kFailed;
}

IngestCounts IngestPending(Store* store, UnixSeconds now) {
  IngestCounts counts;
  Result<std::vector<int64_t>> pending = store->PendingInboxIds();
  if (!pending.ok()) {
    LOG_ERROR("inbox: cannot list pending items: %s", pending.status().message().c_str());
    counts.retry_later = true;
    return counts;
  }
  for (int64_t id : *pending) {
    auto start = std::chrono::steady_clock::now();
    std::string detail;
    ApplyStats stats;
    IngestOutcome outcome = IngestOne(store, id, now, &detail, &stats);
    long ms = static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::steady_clock::now() - start).count());
    if (outcome == IngestOutcome::kApplied) {
      ++counts.applied;
      if (stats.new_transactions > 0) {
        counts.new_transactions += stats.new_transactions;
        counts.inbox_ids_with_new_transactions.push_back(id);
      }
      LOG_INFO("inbox %lld: applied in %ld ms", static_cast<long long>(id), ms);
    } else if (outcome == IngestOutcome::kFailed) {
      ++counts.failed;
      LOG_WARN("inbox %lld: kept, not applied: %s", static_cast<long long>(id), detail.c_str());
    } else {
      counts.retry_later = true;
      LOG_WARN("inbox %lld: will retry: %s", static_cast<long long>(id), detail.c_str());
      break;
    }
  }
  return counts;
}

}  // namespace freenahi
