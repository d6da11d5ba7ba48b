// SPDX-License-Identifier: MIT
// A first sync's indexing: when an apply starts on an empty transactions table, the table's
// secondary indexes and triggers (FTS5, transaction_keys) are set aside and built once before
// the commit.
#ifndef FREENAHI_STORE_BULK_H_
#define FREENAHI_STORE_BULK_H_

#include <sqlite3.h>

#include <string>
#include <vector>

#include "status.h"

namespace freenahi {
namespace store_internal {

// Row-by-row upkeep of the indexes and of the search index (triggers) is most of a large apply's
// cost beyond parsing and inserting: CREATE INDEX sorts once, and FTS5's 'rebuild' writes its
// segments once instead of merging thousands of small ones. Only a first sync can take this
// path cheaply: 'rebuild' re-reads every row, which on a full table costs more than it saves.
// Everything happens inside the caller's write transaction, so a failed apply rolls the DROPs
// back with the rows; the SQL put back is the schema's own, read from sqlite_master.
class FirstSyncIndexing {
 public:
  // In a write transaction: when transactions has no row, drops its indexes and triggers (their
  // SQL kept). Otherwise nothing.
  Status Begin(sqlite3* db, const std::string& what);
  // Creates the indexes again, indexes every row for search and fills transaction_keys, then
  // the triggers. No-op when Begin dropped nothing.
  Status Finish(const std::string& what);
  bool active() const { return !dropped_.empty(); }

 private:
  struct Dropped {
    std::string type, name, sql;
  };
  sqlite3* db_ = nullptr;
  std::vector<Dropped> dropped_;
  bool has_search_index_ = false;
};

}  // namespace store_internal
}  // namespace freenahi

#endif  // FREENAHI_STORE_BULK_H_
