// SPDX-License-Identifier: MIT
// The SQLite plumbing under store.cc: statement and transaction owners, error mapping, and the
// schema as an ordered list of forward migrations (PRAGMA user_version = steps applied).
#include "store_schema.h"

#include <string.h>

#include <iterator>

namespace freenahi {
namespace store_internal {
namespace {

// A step starting with this marker needs SQLite's FTS5; without it the step is skipped.
#define STORE_REQUIRES_FTS5 "-- requires fts5\n"
// A step starting with this marker changes the search index: skipped when the database has none
// (made by a SQLite without FTS5) or this SQLite cannot open it.
#define STORE_REQUIRES_SEARCH_INDEX "-- requires transactions_fts\n"

// Step N brings user_version from N-1 to N. Append only; never edit a released step.
// Money: INTEGER minor units; datetimes: INTEGER unix seconds UTC; bank dates: TEXT YYYY-MM-DD.
// Accounts have no foreign key to connections (nor connections to users): an account_synced
// payload may name a connection we have not seen yet. Children of accounts do reference them:
// Powens always nests them inside their account.
constexpr const char* kMigrations[] = {
    // v1: the tables.
    R"sql(
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  signin INTEGER,
  platform TEXT NOT NULL DEFAULT '',
  auth_token TEXT,  -- secret: the permanent user token
  deleted_at INTEGER
);
CREATE TABLE connections (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL,
  connector_id INTEGER NOT NULL,
  connector_uuid TEXT NOT NULL,
  connector_name TEXT NOT NULL,
  state TEXT,
  error_message TEXT,
  last_update INTEGER,
  created INTEGER,
  active INTEGER NOT NULL CHECK (active IN (0, 1)),
  deleted_at INTEGER,
  updated_at INTEGER NOT NULL  -- when freenahi last wrote this row
);
CREATE TABLE accounts (
  id INTEGER PRIMARY KEY,
  connection_id INTEGER NOT NULL,
  user_id INTEGER NOT NULL,
  number TEXT NOT NULL,
  original_name TEXT NOT NULL,
  name TEXT NOT NULL,
  iban TEXT NOT NULL,
  type TEXT NOT NULL,
  usage TEXT NOT NULL,
  currency TEXT NOT NULL,
  currency_precision INTEGER NOT NULL CHECK (currency_precision BETWEEN 0 AND 18),
  balance_minor INTEGER,
  coming_minor INTEGER,
  last_update INTEGER,
  deleted INTEGER,
  disabled INTEGER
);
CREATE TABLE loans (
  account_id INTEGER PRIMARY KEY REFERENCES accounts(id),
  total_amount_minor INTEGER,
  available_amount_minor INTEGER,
  used_amount_minor INTEGER,
  next_payment_amount_minor INTEGER,
  next_payment_date TEXT,
  subscription_date TEXT,
  maturity_date TEXT,
  rate TEXT,
  nb_payments_left INTEGER,
  nb_payments_total INTEGER,
  duration_months INTEGER,
  type TEXT NOT NULL
);
CREATE TABLE balance_history (
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  day TEXT NOT NULL,  -- Europe/Paris calendar day
  balance_minor INTEGER NOT NULL,
  coming_minor INTEGER,
  PRIMARY KEY (account_id, day)
) WITHOUT ROWID;
CREATE TABLE transactions (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  date TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  rdate TEXT,
  vdate TEXT,
  application_date TEXT,
  datetime INTEGER,
  value_minor INTEGER NOT NULL,
  gross_value_minor INTEGER,
  type TEXT NOT NULL,
  original_wording TEXT NOT NULL,
  simplified_wording TEXT NOT NULL,
  wording TEXT NOT NULL,
  coming INTEGER NOT NULL CHECK (coming IN (0, 1)),
  active INTEGER NOT NULL CHECK (active IN (0, 1)),
  deleted INTEGER,
  last_update INTEGER,
  original_value TEXT,
  original_currency TEXT,
  card TEXT,
  counterparty_label TEXT,  -- the four counterparty_* are NULL when Powens sent none
  counterparty_scheme TEXT,
  counterparty_identification TEXT,
  counterparty_type TEXT,
  categories TEXT NOT NULL DEFAULT ''  -- "parent/code;parent/code", first one is the main one
);
CREATE TABLE investments (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  label TEXT NOT NULL,
  code TEXT NOT NULL,
  code_type TEXT NOT NULL,
  quantity TEXT,
  unitprice TEXT,
  unitvalue TEXT,
  valuation_minor INTEGER NOT NULL,
  diff_minor INTEGER,
  vdate TEXT,
  last_update INTEGER,
  deleted INTEGER
);
CREATE TABLE inbox (
  id INTEGER PRIMARY KEY,
  webhook_id INTEGER UNIQUE,
  event TEXT NOT NULL,
  user_id INTEGER,
  received_at INTEGER NOT NULL,
  body BLOB NOT NULL,
  body_bytes INTEGER NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'applied', 'failed')),
  error TEXT,
  applied_at INTEGER
);
)sql",
    // v2: indexes for the CLI's queries and the inbox drain.
    R"sql(
-- Newest first is (date DESC, datetime DESC, id DESC): the whole key, so no sort step remains.
CREATE INDEX transactions_by_account_date
  ON transactions (account_id, date DESC, datetime DESC, id DESC);
CREATE INDEX transactions_by_date ON transactions (date DESC, datetime DESC, id DESC);
CREATE INDEX investments_by_account ON investments (account_id);
CREATE INDEX inbox_by_state ON inbox (state);
)sql",
    // v3: bodies in their own table, so marking a 10 MB item applied or failed updates a small
    // row instead of rewriting the body (measured: 77 ms and 24 MB of WAL per sync before).
    R"sql(
CREATE TABLE inbox_bodies (
  inbox_id INTEGER PRIMARY KEY REFERENCES inbox(id),
  body BLOB NOT NULL
);
INSERT INTO inbox_bodies (inbox_id, body) SELECT id, body FROM inbox;
ALTER TABLE inbox DROP COLUMN body;
)sql",
    // v4: full-text search over every wording and the counterparty (`transactions --search`),
    // case- and accent-insensitive. External content: the index holds tokens only. Triggers keep
    // it in step with any write to transactions, so the apply path needs no change; 'rebuild'
    // indexes the rows already there. Skipped (version still bumped) when this SQLite has no
    // FTS5: the CLI then scans with the same folding instead (Store::HasFullTextSearch).
    STORE_REQUIRES_FTS5 R"sql(
CREATE VIRTUAL TABLE transactions_fts USING fts5(
  wording, original_wording, simplified_wording, counterparty_label,
  content = 'transactions', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2');
CREATE TRIGGER transactions_fts_insert AFTER INSERT ON transactions BEGIN
  INSERT INTO transactions_fts (rowid, wording, original_wording, simplified_wording,
    counterparty_label)
  VALUES (new.id, new.wording, new.original_wording, new.simplified_wording,
    new.counterparty_label);
END;
CREATE TRIGGER transactions_fts_delete AFTER DELETE ON transactions BEGIN
  INSERT INTO transactions_fts (transactions_fts, rowid, wording, original_wording,
    simplified_wording, counterparty_label)
  VALUES ('delete', old.id, old.wording, old.original_wording, old.simplified_wording,
    old.counterparty_label);
END;
CREATE TRIGGER transactions_fts_update AFTER UPDATE OF id, wording, original_wording,
  simplified_wording, counterparty_label ON transactions
WHEN old.id IS NOT new.id OR old.wording IS NOT new.wording
  OR old.original_wording IS NOT new.original_wording
  OR old.simplified_wording IS NOT new.simplified_wording
  OR old.counterparty_label IS NOT new.counterparty_label BEGIN
  INSERT INTO transactions_fts (transactions_fts, rowid, wording, original_wording,
    simplified_wording, counterparty_label)
  VALUES ('delete', old.id, old.wording, old.original_wording, old.simplified_wording,
    old.counterparty_label);
  INSERT INTO transactions_fts (rowid, wording, original_wording, simplified_wording,
    counterparty_label)
  VALUES (new.id, new.wording, new.original_wording, new.simplified_wording,
    new.counterparty_label);
END;
INSERT INTO transactions_fts (transactions_fts) VALUES ('rebuild');
)sql",
    // v5 (powens-cli): connection health and the pull's memory. alerted_state: the state for
    // which serve last fired a hook (once per change); consent_alerted: the access_expire warned.
    R"sql(
ALTER TABLE connections ADD COLUMN next_try INTEGER;
ALTER TABLE connections ADD COLUMN access_expire INTEGER;
ALTER TABLE connections ADD COLUMN alerted_state TEXT;
ALTER TABLE connections ADD COLUMN consent_alerted INTEGER;
CREATE TABLE pulls (
  user_id INTEGER PRIMARY KEY,
  high_water TEXT,            -- max transaction last_update seen, Powens' naive Paris text
  started_at INTEGER,
  finished_at INTEGER,
  ok INTEGER CHECK (ok IN (0, 1)),
  pages INTEGER NOT NULL DEFAULT 0,
  rows INTEGER NOT NULL DEFAULT 0,
  error TEXT                  -- one line, never a token
);
)sql",
    // v6 (assets): the user's own notes and category rules. Keyed by the Powens transaction id
    // with no foreign key and never written by a payload, so no sync (webhook or pull) can touch
    // them, and a note may outlive a transaction Powens re-sends under the same id.
    R"sql(
CREATE TABLE annotations (
  transaction_id INTEGER PRIMARY KEY,
  pinned INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
  note TEXT,     -- free text; NULL = none
  wording TEXT,  -- the user's wording shown instead of the bank's; NULL = the bank's
  updated_at INTEGER NOT NULL
);
CREATE TABLE annotation_tags (
  transaction_id INTEGER NOT NULL,
  tag TEXT NOT NULL,
  PRIMARY KEY (transaction_id, tag)
) WITHOUT ROWID;
CREATE INDEX annotation_tags_by_tag ON annotation_tags (tag);
CREATE TABLE category_rules (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('match', 'regex')),
  pattern TEXT NOT NULL,
  category TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
)sql",
    // powens2: the `state` of each webview link `freenahi connect` printed, so serve's callback
    // accepts only the return of a link it made, once, before it expires.
    R"sql(
CREATE TABLE webview_states (
  state TEXT PRIMARY KEY,        -- random, 128 bits, hex
  page TEXT NOT NULL,            -- connect, manage, reconnect
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
)sql",
    // v8: covering indexes, so the CLI answers within ~50 ms at a million rows. A row is ~300
    // bytes of wordings; totals, summaries and the search need ~40 bytes of it. The date and
    // account indexes carry those columns (a range's totals never read a row), and the id index
    // serves the search: FTS5 yields ids, each looked up in ~30 MB of index instead of ~300 MB of
    // rows (31,000 matches: 78 → 31 ms). The listing's page is then the only rows read whole.
    R"sql(
DROP INDEX transactions_by_account_date;
DROP INDEX transactions_by_date;
CREATE INDEX transactions_by_account_date ON transactions
  (account_id, date DESC, datetime DESC, id DESC, value_minor, coming, deleted, type);
CREATE INDEX transactions_by_date ON transactions
  (date DESC, datetime DESC, id DESC, account_id, value_minor, coming, deleted, type);
CREATE INDEX transactions_by_id ON transactions
  (id, account_id, date, datetime, value_minor, coming, deleted, type);
)sql",
    // v9: the search index keeps which rows hold a token, not where in them (detail = none) nor
    // each row's token counts (columnsize = 0): the search asks only "every token, as a prefix,
    // anywhere in the row", never phrases, columns or ranking. At a million rows it holds 8 MB
    // instead of 63 MB, and a first sync of 10,000 transactions applies ~5 % faster. The triggers
    // name the table, so they stay; 'rebuild' indexes the rows already there.
    STORE_REQUIRES_SEARCH_INDEX R"sql(
DROP TABLE transactions_fts;
CREATE VIRTUAL TABLE transactions_fts USING fts5(
  wording, original_wording, simplified_wording, counterparty_label,
  content = 'transactions', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2',
  detail = none, columnsize = 0);
INSERT INTO transactions_fts (transactions_fts) VALUES ('rebuild');
)sql",
};

bool IsTransient(int rc) {
  switch (rc & 0xff) {
    case SQLITE_FULL:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
      return true;
    default:
      return false;
  }
}

}  // namespace

Status SqliteError(int rc, const std::string& what, const char* message) {
  std::string text = what + ": " + (message ? message : sqlite3_errstr(rc));
  if (IsTransient(rc)) return Status::Unavailable(std::move(text));
  if ((rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB) {
    return Status::Corruption(std::move(text));
  }
  return Status::Internal(std::move(text));
}

Status SqliteError(sqlite3* db, int rc, const std::string& what) {
  return SqliteError(rc, what, db ? sqlite3_errmsg(db) : nullptr);
}

Status Exec(sqlite3* db, const char* sql, const std::string& what) {
  char* message = nullptr;
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, &message);
  std::unique_ptr<char, decltype(&sqlite3_free)> owned(message, &sqlite3_free);
  if (rc == SQLITE_OK) return Status::Ok();
  return SqliteError(rc, what, message);
}

Result<SqliteStmt> SqliteStmt::Prepare(sqlite3* db, const char* sql, std::string what) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(raw);
    return SqliteError(db, rc, "prepare " + what);
  }
  return SqliteStmt(db, raw, std::move(what));
}

void SqliteStmt::Bind(int index, int64_t value) { sqlite3_bind_int64(stmt_.get(), index, value); }

void SqliteStmt::Bind(int index, std::nullopt_t) { sqlite3_bind_null(stmt_.get(), index); }

void SqliteStmt::Bind(int index, std::string_view text) {
  sqlite3_bind_text64(stmt_.get(), index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
}

void SqliteStmt::Bind(int index, std::string&& text) {
  sqlite3_bind_text64(stmt_.get(), index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}

void SqliteStmt::BindZeroBlob(int index, int64_t bytes) {
  sqlite3_bind_zeroblob64(stmt_.get(), index, static_cast<sqlite3_uint64>(bytes));
}

void SqliteStmt::BindBlob(int index, std::string_view bytes) {
  // A zero-length blob still needs a non-null pointer, or SQLite stores NULL.
  sqlite3_bind_blob64(stmt_.get(), index, bytes.empty() ? "" : bytes.data(), bytes.size(),
                      SQLITE_STATIC);
}

Result<bool> SqliteStmt::Step() {
  int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteError(db_, rc, what_);
}

Status SqliteStmt::Run() {
  Result<bool> row = Step();
  if (!row.ok()) return row.status();
  return Status::Ok();
}

void SqliteStmt::Reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
}

std::optional<int64_t> SqliteStmt::OptInt64(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Int64(col);
}

std::string SqliteStmt::Text(int col) const { return std::string(TextView(col)); }

std::string_view SqliteStmt::TextView(int col) const {
  const void* data = sqlite3_column_blob(stmt_.get(), col);  // text or blob, no conversion
  int bytes = sqlite3_column_bytes(stmt_.get(), col);
  if (data == nullptr) return std::string_view();
  return std::string_view(static_cast<const char*>(data), static_cast<size_t>(bytes));
}

std::optional<std::string> SqliteStmt::OptText(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Text(col);
}

WriteTxn::~WriteTxn() {
  if (open_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

Status WriteTxn::Begin(const std::string& what) {
  FREENAHI_RETURN_IF_ERROR(Exec(db_, "BEGIN IMMEDIATE", what + ": begin"));
  open_ = true;
  return Status::Ok();
}

Status WriteTxn::Commit(const std::string& what) {
  FREENAHI_RETURN_IF_ERROR(Exec(db_, "COMMIT", what + ": commit"));
  open_ = false;
  return Status::Ok();
}

Result<int> UserVersion(sqlite3* db) {
  Result<SqliteStmt> stmt = SqliteStmt::Prepare(db, "PRAGMA user_version", "read schema version");
  if (!stmt.ok()) return stmt.status();
  Result<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  return *row ? static_cast<int>(stmt->Int64(0)) : 0;
}

bool HasFts5(sqlite3* db) {
  // No portable "is this module compiled in" call: create a throw-away table in temp.
  if (!Exec(db, "CREATE VIRTUAL TABLE temp.freenahi_fts5_probe USING fts5(x)", "probe fts5").ok())
    return false;
  return Exec(db, "DROP TABLE temp.freenahi_fts5_probe", "probe fts5").ok();
}

bool SearchIndexReadable(sqlite3* db) {
  // Preparing a read of the index fails when it is missing or this SQLite lacks FTS5.
  return SqliteStmt::Prepare(db, "SELECT rowid FROM transactions_fts LIMIT 0", "probe the search index")
      .ok();
}

namespace {

// A migration step marked as needing what this database or this SQLite lacks.
bool SkipsStep(sqlite3* db, const char* sql) {
  const auto marked = [sql](const char* marker) { return strncmp(sql, marker, strlen(marker)) == 0; };
  if (marked(STORE_REQUIRES_FTS5)) return !HasFts5(db);
  if (marked(STORE_REQUIRES_SEARCH_INDEX)) return !SearchIndexReadable(db);
  return false;
}

}  // namespace

int LatestSchemaVersion() { return static_cast<int>(std::size(kMigrations)); }

Status NewerSchemaError(int version) {
  return Status::InvalidArgument("schema version " + std::to_string(version) +
                                 " is newer than this freenahi knows (" +
                                 std::to_string(LatestSchemaVersion()) + "); upgrade freenahi");
}

// WAL lets the CLI read while the daemon writes. synchronous=FULL (not WAL's usual NORMAL): every
// commit fsyncs the WAL, because a webhook is answered 200 only after its commit and Powens will
// not resend it — NORMAL could lose the last commits on power loss.
Status Configure(sqlite3* db, int busy_timeout_ms, bool read_only, bool manual_checkpoint) {
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, busy_timeout_ms);
  FREENAHI_RETURN_IF_ERROR(Exec(db, "PRAGMA foreign_keys = ON", "enable foreign keys"));
  if (read_only) return Status::Ok();
  // 16 KiB pages instead of 4 KiB, on a new file only (and before auto_vacuum, which fixes the
  // size). The search's totals look up every match in the id index, one read() per page: at a
  // million rows a quarter of the reads; a first sync's inserts and index builds apply ~12 %
  // faster. Small webhooks write whole pages: the 15 KB sample costs ~176 KB of WAL and ~111 KB
  // of checkpoint instead of ~58 and ~40 KB (strace of the daemon, 10 webhooks), which a few
  // syncs a day make no matter on flash. Older files keep 4 KiB pages: changing them rewrites
  // the whole file.
  FREENAHI_RETURN_IF_ERROR(Exec(db, "PRAGMA page_size = 16384", "set the page size"));
  // Only takes effect on a new, empty file, and only before journal_mode writes its first page:
  // freed pages can then be handed back in slices (Store::IncrementalVacuum). Older files are
  // converted once by Store::EnsureIncrementalVacuum.
  FREENAHI_RETURN_IF_ERROR(
      Exec(db, "PRAGMA auto_vacuum = INCREMENTAL", "enable incremental auto-vacuum"));
  FREENAHI_RETURN_IF_ERROR(Exec(db, "PRAGMA journal_mode = WAL", "enable WAL"));
  // A checkpoint resets the WAL to at most this size: a first sync must not leave 30 MB of WAL
  // on a router's flash.
  FREENAHI_RETURN_IF_ERROR(Exec(db, "PRAGMA journal_size_limit = 4194304", "limit the WAL"));
  if (manual_checkpoint)
    FREENAHI_RETURN_IF_ERROR(Exec(db, "PRAGMA wal_autocheckpoint = 0", "disable autocheckpoint"));
  // Statement journals in memory, not in /var/tmp files: each upsert inside the one big apply
  // transaction saves the pages it may roll back, and as files that was ~55 KB written per
  // transaction applied (1.4 GB for a 10k-transaction sync, ~70 % of the apply's time). Each
  // holds one statement's pages, so memory stays small; on a router /var/tmp is RAM anyway.
  FREENAHI_RETURN_IF_ERROR(Exec(db, "PRAGMA temp_store = MEMORY", "keep temporary data in memory"));
  return Exec(db, "PRAGMA synchronous = FULL", "set synchronous");
}

Result<int> CheckReadOnlyVersion(sqlite3* db) {
  STORE_ASSIGN_OR_RETURN(int version, UserVersion(db));
  const int latest = LatestSchemaVersion();
  if (version == latest) return version;
  if (version == 0) return Status::InvalidArgument("not a freenahi database (schema version 0)");
  if (version > latest) return NewerSchemaError(version);
  return Status::InvalidArgument("schema version " + std::to_string(version) + " is older than " +
                                 std::to_string(latest) +
                                 "; open it read-write once (freenahi serve) to migrate");
}

Status Migrate(sqlite3* db, int target) {
  // Fast path without the write lock: a daemon busy applying a payload must not block a reopen.
  Result<int> current = UserVersion(db);
  if (!current.ok()) return current.status();
  if (*current == target) return Status::Ok();
  for (;;) {
    WriteTxn txn(db);
    FREENAHI_RETURN_IF_ERROR(txn.Begin("migrate schema"));
    // Read inside the write lock: another process may have migrated meanwhile.
    Result<int> version = UserVersion(db);
    if (!version.ok()) return version.status();
    if (*version > LatestSchemaVersion()) return NewerSchemaError(*version);
    if (*version >= target) return Status::Ok();
    std::string step = "migrate schema to version " + std::to_string(*version + 1);
    const char* sql = kMigrations[*version];
    if (!SkipsStep(db, sql)) FREENAHI_RETURN_IF_ERROR(Exec(db, sql, step));
    std::string pragma = "PRAGMA user_version = " + std::to_string(*version + 1);
    FREENAHI_RETURN_IF_ERROR(Exec(db, pragma.c_str(), step));
    FREENAHI_RETURN_IF_ERROR(txn.Commit(step));
  }
}

}  // namespace store_internal
}  // namespace freenahi
