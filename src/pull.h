// SPDX-License-Identifier: MIT
// `freenahi pull`: fills what webhooks missed. Walks the user, connections (with accounts),
// accounts, investments and transactions pages of the Powens API and applies each page in one store
// transaction, so memory is bounded by one page. Blocking: serve runs it in a child process.
#ifndef FREENAHI_PULL_H_
#define FREENAHI_PULL_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "model.h"
#include "powens.h"
#include "status.h"
#include "store.h"

namespace freenahi {

struct PullOptions {
  bool full = false;                     // ignore the high-water mark: every transaction
  std::optional<int64_t> connection_id;  // only this connection (the mark is kept as it was)
  std::function<void(const std::string&)> progress;  // one line per page; may be empty
};

struct PullSummary {
  int64_t pages = 0;  // API pages applied
  int64_t rows = 0;   // connections + accounts + transactions written
  int64_t skipped = 0;  // transactions and investments of accounts Powens did not list
  // What was left out without failing the pull (investments a domain refuses), one line each.
  std::vector<std::string> warnings;
};

// Pulls for `user` (client already carries its token) into `store`, recording the pull (start,
// end, result, high-water mark) in the store. `now` gives wall-clock time for the records.
Result<PullSummary> RunPull(PowensClient* client, Store* store, const PowensUser& user,
                            const PullOptions& options, const std::function<UnixSeconds()>& now);

// The transactions URL (relative to the API root) a pull starts from.
std::string TransactionsTarget(const PullOptions& options,
                               const std::optional<std::string>& high_water);

}  // namespace freenahi

#endif  // FREENAHI_PULL_H_
