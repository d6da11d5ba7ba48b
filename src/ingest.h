// SPDX-License-Identifier: MIT
// Inbox → payload → store: applies stored webhook bodies, each in one transaction (streaming:
// memory does not grow with the body), or records why one cannot be applied. Used by serve (one
// item per loop pass), and by `freenahi inbox replay`.
#ifndef FREENAHI_INGEST_H_
#define FREENAHI_INGEST_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model.h"
#include "status.h"
#include "store.h"

namespace freenahi {

enum class IngestOutcome {
  kApplied,
  kFailed,    // authentic but not applicable (unexpected shape, body missing): kept with the reason
  kRetryLater // storage unavailable (disk full, locked): left pending
};

// Applies inbox item `inbox_id`. `detail` receives the failure reason or the transient error;
// `stats` (optional) what the item changed, when applied.
IngestOutcome IngestOne(Store* store, int64_t inbox_id, UnixSeconds now, std::string* detail,
                        ApplyStats* stats = nullptr);

// One step of the daemon: applies the oldest pending item only, logging one line, so the loop
// serves requests between items.
struct IngestStep {
  std::optional<int64_t> inbox_id;  // the item handled; nullopt: nothing was pending
  IngestOutcome outcome = IngestOutcome::kApplied;
  ApplyStats stats;                 // when applied
  bool more_pending = false;        // another item waits (call again on the next pass)
};
IngestStep IngestNext(Store* store, UnixSeconds now);

struct IngestCounts {
  int applied = 0;
  int failed = 0;
  bool retry_later = false;  // stopped at a transient error; the rest stays pending
  int64_t new_transactions = 0;  // inserted by the applied items
  std::vector<int64_t> inbox_ids_with_new_transactions;
};
// Applies every pending item, oldest first (IngestNext until none is left or one must wait).
IngestCounts IngestPending(Store* store, UnixSeconds now);

}  // namespace freenahi

#endif  // FREENAHI_INGEST_H_
