// SPDX-License-Identifier: MIT
// Private to store*.cc and store_test.cc: RAII owners of sqlite3 handles (db, statement, lease,
// write transaction), SQLite codes → Status, schema migrations. Nothing else includes sqlite3.h.
#ifndef FREENAHI_STORE_SCHEMA_H_
#define FREENAHI_STORE_SCHEMA_H_

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "status.h"

#define STORE_CONCAT_INNER_(a, b) a##b
#define STORE_CONCAT_(a, b) STORE_CONCAT_INNER_(a, b)
#define STORE_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return tmp.status();                \
  lhs = std::move(tmp).value()
// lhs = value of the Result `expr`, or return its Status.
#define STORE_ASSIGN_OR_RETURN(lhs, expr) \
  STORE_ASSIGN_OR_RETURN_IMPL_(STORE_CONCAT_(store_result_, __LINE__), lhs, expr)

namespace freenahi {
namespace store_internal {

struct SqliteDbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using SqliteDb = std::unique_ptr<sqlite3, SqliteDbCloser>;

// "<what>: <message>". FULL, BUSY, LOCKED, IOERR*, READONLY, CANTOPEN → kUnavailable (the webhook
// answers 503, Powens retries); CORRUPT, NOTADB → kCorruption; the rest → kInternal.
Status SqliteError(int rc, const std::string& what, const char* message);
Status SqliteError(sqlite3* db, int rc, const std::string& what);

// Runs `sql` (any number of statements, no results) on `db`.
Status Exec(sqlite3* db, const char* sql, const std::string& what);

// One prepared statement (move-only, finalized on destruction). `what` names its purpose and
// prefixes every error. Strings bound by const reference are NOT copied (SQLITE_STATIC): they
// must outlive the next Step(); rvalue strings are copied.
class SqliteStmt {
 public:
  static Result<SqliteStmt> Prepare(sqlite3* db, const char* sql, std::string what);
  SqliteStmt(SqliteStmt&& other) noexcept = default;
  SqliteStmt& operator=(SqliteStmt&& other) noexcept = default;

  void Bind(int index, int64_t value);
  void Bind(int index, int value) { Bind(index, static_cast<int64_t>(value)); }
  void Bind(int index, bool value) { Bind(index, static_cast<int64_t>(value ? 1 : 0)); }
  void Bind(int index, std::nullopt_t);
  void Bind(int index, std::string_view text);
  void Bind(int index, const std::string& text) { Bind(index, std::string_view(text)); }
  void Bind(int index, std::string&& text);
  // A const temporary (e.g. `cond ? std::string("x") : some_const_ref`) would otherwise bind as
  // a string_view without a copy and dangle before Step(): name it first.
  void Bind(int index, const std::string&& text) = delete;
  void Bind(int index, const char* text) { Bind(index, std::string_view(text)); }
  void BindBlob(int index, std::string_view bytes);
  // A blob of `bytes` zeros, filled afterwards through incremental blob I/O (never in memory).
  void BindZeroBlob(int index, int64_t bytes);
  template <typename T>
  void Bind(int index, const std::optional<T>& value) {
    value ? Bind(index, *value) : Bind(index, std::nullopt);
  }
  // Binds args to parameters 1..N in order.
  template <typename... Args>
  void BindAll(Args&&... args) {
    int index = 0;
    (Bind(++index, std::forward<Args>(args)), ...);
  }

  // true: a row is available; false: done. Errors carry `what`.
  Result<bool> Step();
  // Steps a statement that returns no row (INSERT/UPDATE/...).
  Status Run();
  // Resets and clears bindings: ends the statement's implicit read, ready for reuse.
  void Reset();

  int64_t Int64(int col) const { return sqlite3_column_int64(stmt_.get(), col); }
  std::optional<int64_t> OptInt64(int col) const;
  std::string Text(int col) const;
  // The column's text without a copy, valid until the next Step/Reset ("" for NULL).
  std::string_view TextView(int col) const;
  std::optional<std::string> OptText(int col) const;
  int ColumnCount() const { return sqlite3_column_count(stmt_.get()); }
  bool IsNull(int col) const { return sqlite3_column_type(stmt_.get(), col) == SQLITE_NULL; }

 private:
  struct Finalizer {
    void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
  };
  SqliteStmt(sqlite3* db, sqlite3_stmt* stmt, std::string what)
      : db_(db), stmt_(stmt), what_(std::move(what)) {}
  sqlite3* db_ = nullptr;  // not owned: the Store's SqliteDb outlives its statements
  std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
  std::string what_;
};

// A RAII borrow of a cached statement: resets it (ends its read, drops bindings) when done.
class StmtLease {
 public:
  explicit StmtLease(SqliteStmt* stmt) : stmt_(stmt) {}
  StmtLease(StmtLease&& other) noexcept : stmt_(std::exchange(other.stmt_, nullptr)) {}
  StmtLease& operator=(StmtLease&&) = delete;
  ~StmtLease() {
    if (stmt_ != nullptr) stmt_->Reset();
  }
  SqliteStmt* operator->() const { return stmt_; }
  SqliteStmt* get() const { return stmt_; }

 private:
  SqliteStmt* stmt_;
};

// A write transaction (BEGIN IMMEDIATE) rolled back on destruction unless committed.
class WriteTxn {
 public:
  explicit WriteTxn(sqlite3* db) : db_(db) {}
  ~WriteTxn();
  WriteTxn(const WriteTxn&) = delete;
  WriteTxn& operator=(const WriteTxn&) = delete;
  Status Begin(const std::string& what);
  Status Commit(const std::string& what);

 private:
  sqlite3* db_;
  bool open_ = false;
};

Result<int> UserVersion(sqlite3* db);

// Per-connection settings: extended result codes, busy timeout, foreign keys; for readers a
// 512 KiB page cache; for writers journal_mode=WAL with synchronous=FULL.
// `manual_checkpoint`: no automatic WAL checkpoint inside commits; the owner calls
// Store::Checkpoint when idle.
Status Configure(sqlite3* db, int busy_timeout_ms, bool read_only, bool manual_checkpoint);

// Read-only opens never migrate: the file's version must be exactly the latest. Returns it.
Result<int> CheckReadOnlyVersion(sqlite3* db);

// True when this SQLite has the FTS5 module (probed with a temporary table).
bool HasFts5(sqlite3* db);
// True when transactions_fts can be read: the index exists and this SQLite has FTS5.
bool SearchIndexReadable(sqlite3* db);

// The schema version this binary writes: the number of migration steps (store_migrations.cc).
int LatestSchemaVersion();
// Runs the step that brings user_version from `from_version` to `from_version + 1` (not the
// pragma), or nothing when the step needs FTS5 or a search index this SQLite or file lacks.
Status ApplyMigrationStep(sqlite3* db, int from_version, const std::string& what);
// "INSERT INTO transaction_keys ... SELECT ... FROM transactions": every row's search keys.
extern const char* const kFillTransactionKeys;

Status NewerSchemaError(int version);  // "schema version N is newer than this freenahi knows..."
// Applies the forward migrations from the current user_version up to `target` (≤ latest), each in
// its own transaction that also sets user_version. kInvalidArgument when the file is newer.
Status Migrate(sqlite3* db, int target);

}  // namespace store_internal
}  // namespace freenahi

#endif  // FREENAHI_STORE_SCHEMA_H_
