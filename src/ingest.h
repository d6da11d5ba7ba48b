// SPDX-License-Identifier: MIT
// Inbox → payload → store: applies stored webhook bodies, each in one transaction, or records
// why one cannot be applied. Used by serve (after each webhook, at start-up) and by
// `freenahi inbox replay`.
#ifndef FREENAHI_INGEST_H_
#define FREENAHI_INGEST_H_

#include <string>
#include <vector>

#include "model.h"
#include "status.h"
#include "store.h"

namespace freenahi {

enum class IngestOutcome {
  kApplied,
  kFailed,    // authentic but not applicable (unexpected shape): kept with the reason
  kRetryLater // storage unavailable (disk full, locked): left pending
};

// Applies inbox item `inbox_id`. `detail` receives the failure reason or the transient error.
// `stats` (may be null) receives what the apply changed.
IngestOutcome IngestOne(Store* store, int64_t inbox_id, UnixSeconds now, std::string* detail,
                        ApplyStats* stats = nullptr);

struct IngestCounts {
  int applied = 0;
  int failed = 0;
  bool retry_later = false;  // stopped at a transient error; the rest stays pending
  int64_t new_transactions = 0;  // inserted by the applied items
  std::vector<int64_t> inbox_ids_with_new_transactions;
};
// Applies every pending item, oldest first, logging one line each.
IngestCounts IngestPending(Store* store, UnixSeconds now);

}  // namespace freenahi

#endif  // FREENAHI_INGEST_H_
