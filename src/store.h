// SPDX-License-Identifier: MIT
// The SQLite store: the only owner of sqlite3 handles. Opens (WAL), migrates the schema, keeps the
// webhook inbox, applies parsed payloads in one transaction each, answers the CLI's queries.
// Knows nothing of JSON or HTTP. Called by serve (webhook, ingest) and the CLI.
#ifndef FREENAHI_STORE_H_
#define FREENAHI_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model.h"
#include "record_stream.h"
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

// What applying one payload changed (logs, the on_new_transactions hook).
struct ApplyStats {
  int64_t new_transactions = 0;      // inserted
  int64_t transactions_updated = 0;  // already stored and changed (newer or equal last_update;
                                     // an identical re-sent row is not rewritten, not counted)
  int64_t transactions_deleted = 0;  // of those written, how many carry a `deleted` date
  int64_t accounts_touched = 0;      // account rows written (a stale version writes nothing)
  bool indexed_in_one_pass = false;  // a first sync: indexes and search built after the rows
};

// The database's pages (the file, without its WAL; disk_space.h measures files).
struct DatabaseSize {
  int64_t database_bytes = 0;  // page_count x page_size
  int64_t free_pages = 0;  // pages on the freelist, reusable or returnable by incremental vacuum
  int64_t page_size = 0;
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

// The last `freenahi pull` of a user (table pulls).
struct PullRecord {
  int64_t user_id = 0;
  std::optional<std::string> high_water;  // Powens' naive Paris "YYYY-MM-DD HH:MM:SS"
  std::optional<UnixSeconds> started_at, finished_at;
  std::optional<bool> ok;  // unset while running (or killed)
  int64_t pages = 0, rows = 0;
  std::string error;  // one line, when !ok
};

// A connection as `freenahi status` and the hooks see it.
struct ConnectionHealth {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string bank;  // connector name
  std::optional<std::string> state, error_message;
  std::optional<UnixSeconds> last_update, next_try, access_expire;
  std::optional<std::string> alerted_state;     // state a hook was last fired for
  std::optional<UnixSeconds> consent_alerted;   // access_expire a hook was last fired for
  int64_t accounts = 0;                          // accounts not deleted
  bool deleted = false;
};

// The Powens user this box acts for: `freenahi init` stored its token.
struct PowensUser {
  int64_t id = 0;
  std::string token;  // secret
};

// What one ApplyInbox changed (for hooks): counted inside the apply, no extra query.
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
  // The same, with the body pulled from `body` in chunks until `body_bytes` are written (a source
  // that ends sooner is InvalidArgument and nothing is stored): the seam for a receiver that
  // streams the request body instead of holding it (the webhook holds it whole today).
  Result<bool> InsertInboxFrom(std::optional<int64_t> webhook_id, const std::string& event,
                               std::optional<int64_t> user_id, int64_t body_bytes,
                               ByteSource* body, UnixSeconds received_at);
  Result<std::vector<InboxItem>> ListInbox(std::optional<InboxState> only, int limit);
  Result<InboxItem> GetInbox(int64_t inbox_id);          // NotFound "inbox item 7: not found"
  Result<std::string> InboxBody(int64_t inbox_id);
  Result<std::vector<int64_t>> PendingInboxIds(int limit = 0);  // oldest first; 0: all
  // Applies `payload` and marks the item applied in ONE transaction: all of it or nothing.
  // `stats` (optional) receives what changed.
  Status ApplyInbox(int64_t inbox_id, const Payload& payload, UnixSeconds now,
                    ApplyStats* stats = nullptr);
  // The streaming form (store_stream.cc): inside ONE transaction, calls `parse` with the stored
  // body read in chunks (incremental blob I/O, never whole) and a sink that upserts each record
  // as it comes, then applies the Payload `parse` returns (the headers: user, connection,
  // accounts) and marks the item applied. An error from `parse` rolls everything back and is
  // returned unchanged. NotFound "inbox item 7: not found" / "inbox item 7: body missing (...)".
  // Foreign keys are checked at the commit (records may precede their account in the body).
  using BodyParser = std::function<Result<Payload>(ByteSource* body, RecordSink* records)>;
  Result<ApplyStats> ApplyInboxStreaming(int64_t inbox_id, const BodyParser& parse,
                                         UnixSeconds now);

  // Retention (store_stream.cc). Deletes the bodies of at most `max_items` items applied before
  // `applied_before` (their inbox rows stay: metadata and state); failed and pending items keep
  // theirs. Returns how many bodies went.
  Result<int> PruneAppliedBodies(UnixSeconds applied_before, int max_items);
  // Returns up to `max_pages` free pages to the filesystem (auto_vacuum=INCREMENTAL; a no-op in
  // another mode). Returns the free pages left.
  Result<int64_t> IncrementalVacuum(int max_pages);
  // Pages of the open database.
  Result<DatabaseSize> Size();
  // A database made before incremental auto-vacuum is converted once (one VACUUM: rewrites the
  // file, needs its size free again). true when it converted, false when nothing was needed.
  Result<bool> EnsureIncrementalVacuum();
  Status MarkInboxFailed(int64_t inbox_id, const std::string& reason);

  // Permanent user tokens (from `auth/init`), used to authenticate webhooks.
  Result<std::optional<std::string>> UserToken(int64_t user_id);
  Status SetUserToken(int64_t user_id, const std::string& token);
  // Whether `token` is any user's stored token (compared in constant time, each of them): lets
  // the listener refuse a request from its headers before reading its body.
  Result<bool> IsKnownUserToken(const std::string& token);

  // ---- Powens pulls and connection health (store_health.cc; ApplyPulled in store.cc) ----
  // Applies one pulled API page in one transaction through the webhook's upserts, so a pull
  // after a webhook (or the reverse) changes nothing. Connections get next_try and
  // access_expire when the page has them, as from a webhook.
  Status ApplyPulled(const PulledPage& page, UnixSeconds now);
  // The user with a stored token (the lowest id when, oddly, several have one); nullopt: none.
  Result<std::optional<PowensUser>> PowensUserWithToken();
  Result<std::optional<PullRecord>> LastPull(int64_t user_id);
  Status RecordPullStart(int64_t user_id, UnixSeconds now);
  // Ends the pull; `high_water` (when set) replaces the stored mark.
  Status RecordPullEnd(int64_t user_id, UnixSeconds now, bool ok, int64_t pages, int64_t rows,
                       const std::string& error, const std::optional<std::string>& high_water);
  Result<std::vector<ConnectionHealth>> ListConnectionHealth();
  // Remembers that a hook was fired for this state / consent expiry (once per change).
  Status MarkAlerted(int64_t connection_id, const std::optional<std::string>& state,
                     std::optional<UnixSeconds> consent);
  // The webview links' `state` values (store_health.cc): `freenahi connect` adds one per link,
  // valid until `expires_at` (expired ones are dropped then); serve's callback takes it once.
  // Taking one is WebviewStatePage, the link's page ("connect", "manage", "reconnect"; nullopt
  // when unknown or expired: a read, which another process's write never blocks), then
  // ForgetWebviewState (a write, which may find the database busy; false when another process
  // took the value first).
  Status AddWebviewState(const std::string& state, const std::string& page, UnixSeconds now,
                         UnixSeconds expires_at);
  Result<std::optional<std::string>> WebviewStatePage(const std::string& state, UnixSeconds now);
  Result<bool> ForgetWebviewState(const std::string& state);

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
  Status ApplyInboxCounted(int64_t inbox_id, const Payload& payload, UnixSeconds now);
  struct Impl;
  explicit Store(std::unique_ptr<Impl> impl);
  sqlite3* handle() const;  // for store_*.cc files only
  std::unique_ptr<Impl> impl_;
};

}  // namespace freenahi

#endif  // FREENAHI_STORE_H_
