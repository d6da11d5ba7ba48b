// SPDX-License-Identifier: MIT
// The second half of "durable first": the body is already committed; here it becomes rows.
// Shape problems and missing bodies are permanent (marked failed, replayable after an upgrade);
// storage problems are transient (left pending, retried).
#include "ingest.h"

#include <chrono>

#include "log.h"
#include "payload.h"

namespace freenahi {
namespace {

IngestOutcome Fail(Store* store, int64_t inbox_id, const Status& why, std::string* detail) {
  *detail = why.message();
  Status marked = store->MarkInboxFailed(inbox_id, why.message());
  if (!marked.ok()) {
    *detail += "; and could not record the failure: " + marked.message();
    return IngestOutcome::kRetryLater;
  }
  return IngestOutcome::kFailed;
}

}  // namespace

IngestOutcome IngestOne(Store* store, int64_t inbox_id, UnixSeconds now, std::string* detail,
                        ApplyStats* stats) {
  Result<InboxItem> item = store->GetInbox(inbox_id);
  if (!item.ok()) {
    *detail = item.status().message();
    return item.status().code() == Status::Code::kUnavailable ? IngestOutcome::kRetryLater
                                                              : IngestOutcome::kFailed;
  }
  std::optional<WebhookEvent> event = WebhookEventFromName(item->event);
  if (!event) return Fail(store, inbox_id, Status::InvalidArgument("unknown event " + item->event), detail);
  Result<ApplyStats> applied = store->ApplyInboxStreaming(
      inbox_id,
      [event](ByteSource* body, RecordSink* records) {
        return StreamPayload(*event, body, records);
      },
      now);
  if (applied.ok()) {
    if (stats != nullptr) *stats = *applied;
    return IngestOutcome::kApplied;
  }
  const Status& error = applied.status();
  if (error.code() == Status::Code::kUnavailable) {
    *detail = error.message();
    return IngestOutcome::kRetryLater;
  }
  // A missing body never comes back: retrying a pending one would block every item after it.
  // An applied item whose body retention deleted stays applied (a replay just reports it).
  if (error.code() == Status::Code::kNotFound && item->state == InboxState::kApplied) {
    *detail = error.message();
    return IngestOutcome::kFailed;
  }
  return Fail(store, inbox_id, error, detail);
}

IngestStep IngestNext(Store* store, UnixSeconds now) {
  IngestStep step;
  Result<std::vector<int64_t>> pending = store->PendingInboxIds(2);
  if (!pending.ok()) {
    LOG_ERROR("inbox: cannot list pending items: %s", pending.status().message().c_str());
    step.outcome = IngestOutcome::kRetryLater;
    return step;
  }
  if (pending->empty()) return step;
  const int64_t id = pending->front();
  step.inbox_id = id;
  auto start = std::chrono::steady_clock::now();
  std::string detail;
  step.outcome = IngestOne(store, id, now, &detail, &step.stats);
  long ms = static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::steady_clock::now() - start).count());
  const auto lld = [](int64_t v) { return static_cast<long long>(v); };
  switch (step.outcome) {
    case IngestOutcome::kApplied:
      LOG_INFO("inbox %lld: applied in %ld ms (%lld new, %lld updated transactions%s)", lld(id), ms,
               lld(step.stats.new_transactions), lld(step.stats.transactions_updated),
               step.stats.indexed_in_one_pass ? "; first sync, indexed in one pass" : "");
      step.more_pending = pending->size() > 1;
      break;
    case IngestOutcome::kFailed:
      LOG_WARN("inbox %lld: kept, not applied: %s", lld(id), detail.c_str());
      step.more_pending = pending->size() > 1;
      break;
    case IngestOutcome::kRetryLater:
      LOG_WARN("inbox %lld: will retry: %s", lld(id), detail.c_str());
      break;
  }
  return step;
}

IngestCounts IngestPending(Store* store, UnixSeconds now) {
  IngestCounts counts;
  for (;;) {
    IngestStep step = IngestNext(store, now);
    if (step.outcome == IngestOutcome::kRetryLater) {
      counts.retry_later = true;
      return counts;
    }
    if (!step.inbox_id) return counts;
    ++(step.outcome == IngestOutcome::kApplied ? counts.applied : counts.failed);
    if (step.stats.new_transactions > 0) {
      counts.new_transactions += step.stats.new_transactions;
      counts.inbox_ids_with_new_transactions.push_back(*step.inbox_id);
    }
    if (!step.more_pending) return counts;
  }
}

}  // namespace freenahi
