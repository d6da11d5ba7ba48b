// SPDX-License-Identifier: MIT
// The SQLite store: the only owner of sqlite3 handles. Opens (WAL), migrates the schema, keeps the
// webhook inbox, applies parsed payloads in one transaction each, answers the CLI's queries.
// Knows nothing of JSON or HTTP. Called by serve (webhook, ingest) and the CLI.
#ifndef FREENAHI_STORE_H_
#define FREENAHI_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model.h"
#include "status.h"

struct sqlite3;

namespace freenahi {

enum class InboxState { kPending, kApplied, kFailed };
const char* InboxStateName(InboxState state);  // "pending", "applied", "failed"

struct InboxItem {
  int64_t id = 0;                     // local row id, what `freenahi inbox replay` takes
  std::optional<int64_t> webhook_id;  // id_webhook_data
  std::string event;                  // "connection_synced", ...
  std::optional<int64_t> user_id;
  UnixSeconds received_at = 0;
  InboxState state = InboxState::kPending;
  std::string error;  // why it could not be applied (kFailed), else empty
  std::optional<UnixSeconds> applied_at;
  int64_t body_bytes = 0;
};

struct AccountRow {
  int64_t id = 0;
  int64_t connection_id = 0;
  std::string name, number, iban, type;
  Currency currency;
  std::optional<int64_t> balance_minor, coming_minor;
  std::optional<UnixSeconds> last_update, deleted, disabled;
  std::optional<std::string> connection_state;  // the owning connection's state (null = fine)
};

struct TransactionQuery {
  std::optional<int64_t> account_id;
  int limit = 50;                 // <= 0: no limit
  bool include_deleted = false;
};

struct TransactionRow {
  int64_t id = 0;
  int64_t account_id = 0;
  std::string date;  // YYYY-MM-DD
  std::optional<UnixSeconds> datetime;
  int64_t value_minor = 0;
  Currency currency;  // the account's
  std::string wording, original_wording, type;
  bool coming = false;
  std::optional<UnixSeconds> deleted, last_update;
  std::optional<std::string> category;  // first category code, when any
};

struct BalanceRow {  // balance history: one row per account per Paris day
  int64_t account_id = 0;
  std::string day;  // YYYY-MM-DD
  int64_t balance_minor = 0;
  std::optional<int64_t> coming_minor;
};

// What one ApplyInbox changed (for hooks): counted inside the apply, no extra query.
struct ApplyStats {
  int64_t new_transactions = 0;  // transactions inserted (not updates of stored ones)
};

class Store {
 public:
  struct Options {
    int busy_timeout_ms = 1000;  // how long a write waits for another writer before kUnavailable
    bool read_only = false;      // CLI queries: never creates or migrates
    // The daemon: WAL checkpoints only when Checkpoint() is called (after ingesting), never
    // inside the commit a webhook answer waits for.
    bool manual_checkpoint = false;
  };
  // Opens or creates the database at `path` ("file.db"; ":memory:" for tests), enables WAL and
  // foreign keys, migrates the schema forward. Errors carry the path.
  static Result<std::unique_ptr<Store>> Open(const std::string& path, const Options& options);
  static Result<std::unique_ptr<Store>> Open(const std::string& path) { return Open(path, Options()); }
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  int SchemaVersion() const;

  // Inbox. InsertInbox commits the raw body durably (one transaction) before returning; result is
  // true when stored, false when webhook_id was already there (nothing changed).
  // Disk full / database locked / I/O error → kUnavailable (the webhook answers 503).
  Result<bool> InsertInbox(std::optional<int64_t> webhook_id, const std::string& event,
                           std::optional<int64_t> user_id, std::string_view body,
                           UnixSeconds received_at);
  Result<std::vector<InboxItem>> ListInbox(std::optional<InboxState> only, int limit);
  Result<InboxItem> GetInbox(int64_t inbox_id);          // NotFound "inbox item 7: not found"
  Result<std::string> InboxBody(int64_t inbox_id);
  Result<std::vector<int64_t>> PendingInboxIds();        // oldest first
  // Applies `payload` and marks the item applied in ONE transaction: all of it or nothing.
  // `stats` (may be null) is filled when the apply commits.
  Status ApplyInbox(int64_t inbox_id, const Payload& payload, UnixSeconds now,
                    ApplyStats* stats = nullptr);
  Status MarkInboxFailed(int64_t inbox_id, const std::string& reason);

  // Permanent user tokens (from `auth/init`), used to authenticate webhooks.
  Result<std::optional<std::string>> UserToken(int64_t user_id);
  Status SetUserToken(int64_t user_id, const std::string& token);
  // Whether `token` is any user's stored token (compared in constant time, each of them): lets
  // the listener refuse a request from its headers before reading its body.
  Result<bool> IsKnownUserToken(const std::string& token);

  // Queries for the CLI.
  Result<std::vector<AccountRow>> ListAccounts(bool include_deleted);
  Result<std::vector<TransactionRow>> ListTransactions(const TransactionQuery& query);
  Result<std::vector<BalanceRow>> BalanceHistory(int64_t account_id);
  Result<std::string> IntegrityCheck();  // "ok" when PRAGMA integrity_check is clean
  // True when transactions have a full-text index (FTS5 compiled in and the index built);
  // otherwise search falls back to a slower scan with the same results. store_query.cc.
  bool HasFullTextSearch();
  // The open connection, for the query files beside store.cc (store_query*.cc, store_assets.cc,
  // store_notes.cc) only.
  sqlite3* raw_handle() const;

  // Copies the WAL into the database (passive: never waits for readers) and trims the WAL file.
  Status Checkpoint();

 private:
  struct Impl;
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace freenahi

#endif  // FREENAHI_STORE_H_
