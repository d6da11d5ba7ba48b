// SPDX-License-Identifier: MIT
// The SQLite plumbing under store.cc: statement and transaction owners, error mapping,
// per-connection settings, and running the forward migrations (store_migrations.cc) in order.
#include "store_schema.h"

namespace freenahi {
namespace store_internal {
namespace {

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
  // A reader is a CLI command: one query, streaming over pages it mostly reads once. SQLite's
  // default 2 MB cache fills up with them, and each new 4 KiB of it is a page fault: a search's
  // 31,000 matches took 754 faults, 381 with 512 KiB, which still holds every B-tree's upper
  // levels. Search 45 → 35 ms, summary 37 → 29, an export no slower (perf stat, a 2-core VM;
  // 256 KiB was no faster).
  if (read_only) return Exec(db, "PRAGMA cache_size = -512", "size the page cache");
  // 16 KiB pages instead of 4 KiB, on a new file only (and before auto_vacuum, which fixes the
  // size). The search's totals look up every match in its keys, one read() per page: at a
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
    FREENAHI_RETURN_IF_ERROR(ApplyMigrationStep(db, *version, step));
    std::string pragma = "PRAGMA user_version = " + std::to_string(*version + 1);
    FREENAHI_RETURN_IF_ERROR(Exec(db, pragma.c_str(), step));
    FREENAHI_RETURN_IF_ERROR(txn.Commit(step));
  }
}

}  // namespace store_internal
}  // namespace freenahi
