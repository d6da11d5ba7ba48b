// SPDX-License-Identifier: MIT
// Private to store*.cc: Store::Impl (the connection, its statement cache, the upsert helpers) and
// the Sql constant type, shared by store.cc (open, upserts, queries), store_inbox.cc and
// store_stream.cc (streaming apply, retention).
#ifndef FREENAHI_STORE_IMPL_H_
#define FREENAHI_STORE_IMPL_H_

#include <optional>
#include <unordered_map>

#include "model.h"
#include "store.h"
#include "store_schema.h"

namespace freenahi {

// A statement and its purpose; the purpose prefixes its errors. Prepared once per Store.
struct Sql {
  const char* what;
  const char* text;
};

// SQLite's LIMIT for a limit of ours: 0 or less means none (a negative LIMIT).
inline int64_t SqlLimit(int limit) { return limit > 0 ? limit : -1; }

using store_internal::SqliteDb;
using store_internal::SqliteStmt;
using store_internal::StmtLease;

struct Store::Impl {
  SqliteDb db;  // declared first: destroyed after the statements in `cache`
  int schema_version = 0;
  std::unordered_map<const Sql*, SqliteStmt> cache;  // keyed by the kXxx constant's address

  // The prepared statement for `sql`, prepared on first use and reset when the lease ends.
  Result<StmtLease> Use(const Sql& sql);
  int64_t Changes() const { return sqlite3_changes(db.get()); }

  Status ApplyPayload(const Payload& payload, UnixSeconds now);
  Status ApplyConnection(const Connection& connection, UnixSeconds now);
  Status ApplyAccount(const Account& account, UnixSeconds now);
  Status UpsertUser(const User& user);
  Status DeleteUser(const User& user, UnixSeconds now);
  Status UpsertConnection(const Sql& sql, const Connection& connection, UnixSeconds now);
  // true when the row was written, false when the stored row is newer (nothing changed).
  Result<bool> UpsertAccount(const Account& account, std::optional<UnixSeconds> disabled);
  Status UpsertLoan(int64_t account_id, const Loan& loan);
  Status UpsertBalance(const Account& account, UnixSeconds now);
  // Counts into *stats (when set) what it inserted, rewrote or marked deleted.
  Status UpsertTransaction(int64_t account_id, const Transaction& transaction);
  Status UpsertInvestment(int64_t account_id, const Investment& investment);

  Result<InboxItem> ReadInboxRow(SqliteStmt* stmt) const;

  ApplyStats* stats = nullptr;  // while applying: where the upserts count (else not counted)
};

}  // namespace freenahi

#endif  // FREENAHI_STORE_IMPL_H_
