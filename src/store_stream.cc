// SPDX-License-Identifier: MIT
// Store: applying an inbox item as a stream (its body read back in chunks with incremental blob
// I/O, records upserted as the parser hands them over, all in one transaction), and the inbox's
// retention (pruning applied bodies, incremental vacuum). Knows no JSON: the parser is a callback.
#include <sqlite3.h>

#include <algorithm>
#include <string>

#include "store.h"
#include "store_bulk.h"
#include "store_impl.h"
#include "store_schema.h"

namespace freenahi {

using store_internal::Exec;
using store_internal::SqliteError;
using store_internal::WriteTxn;

namespace {

constexpr Sql kMarkAppliedStreaming = {
    "mark inbox item applied",
    "UPDATE inbox SET state = 'applied', applied_at = ?2, error = NULL WHERE id = ?1"};
constexpr Sql kHasBody = {"find inbox body", "SELECT 1 FROM inbox_bodies WHERE inbox_id = ?1"};
constexpr Sql kPruneBodies = {"delete applied bodies", R"sql(
DELETE FROM inbox_bodies WHERE inbox_id IN (
  SELECT id FROM inbox WHERE state = 'applied' AND applied_at < ?1 ORDER BY id LIMIT ?2))sql"};

// A body row read in order through an incremental blob handle: memory is the caller's buffer,
// never the whole body.
class BlobSource : public ByteSource {
 public:
  BlobSource() = default;
  ~BlobSource() override { Close(); }
  BlobSource(const BlobSource&) = delete;
  BlobSource& operator=(const BlobSource&) = delete;

  // SQLITE_ERROR for a missing row; the caller tells "missing" from other errors.
  int Open(sqlite3* db, int64_t inbox_id) {
    db_ = db;
    int rc = sqlite3_blob_open(db, "main", "inbox_bodies", "body", inbox_id, 0, &blob_);
    if (rc == SQLITE_OK) size_ = sqlite3_blob_bytes(blob_);
    return rc;
  }
  void Close() {
    if (blob_ != nullptr) sqlite3_blob_close(blob_);
    blob_ = nullptr;
  }
  Result<size_t> Read(char* buffer, size_t capacity) override {
    const int n = static_cast<int>(std::min<int64_t>(static_cast<int64_t>(capacity), size_ - offset_));
    if (n <= 0) return size_t{0};
    int rc = sqlite3_blob_read(blob_, buffer, n, offset_);
    if (rc != SQLITE_OK) return SqliteError(db_, rc, "read inbox body");
    offset_ += n;
    return static_cast<size_t>(n);
  }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_blob* blob_ = nullptr;
  int size_ = 0;
  int offset_ = 0;
};

std::string ItemName(int64_t inbox_id) { return "inbox item " + std::to_string(inbox_id); }

}  // namespace

Result<ApplyStats> Store::ApplyInboxStreaming(int64_t inbox_id, const BodyParser& parse,
                                              UnixSeconds now) {
  // Upserts the records the parser hands over, counting into the same stats as the headers.
  class UpsertSink : public RecordSink {
   public:
    explicit UpsertSink(Impl* impl) : impl_(impl) {}
    Status OnTransaction(int64_t account_id, const Transaction& t) override {
      return impl_->UpsertTransaction(account_id, t);
    }
    Status OnInvestment(int64_t account_id, const Investment& i) override {
      return impl_->UpsertInvestment(account_id, i);
    }

   private:
    Impl* impl_;
  };
  struct StatsScope {  // the counters point at `stats` for this call only
    Impl* impl;
    ~StatsScope() { impl->stats = nullptr; }
  };

  const std::string what = "apply " + ItemName(inbox_id);
  sqlite3* db = impl_->db.get();
  ApplyStats stats;
  impl_->stats = &stats;
  StatsScope scope{impl_.get()};
  WriteTxn txn(db);
  FREENAHI_RETURN_IF_ERROR(txn.Begin(what));
  // Records come before their account's row (the account is complete only at its end); the
  // references are checked at the commit instead. Reset by SQLite at the end of the transaction.
  FREENAHI_RETURN_IF_ERROR(Exec(db, "PRAGMA defer_foreign_keys = ON", what));
  store_internal::FirstSyncIndexing indexing;
  FREENAHI_RETURN_IF_ERROR(indexing.Begin(db, what));
  {
    STORE_ASSIGN_OR_RETURN(StmtLease mark, impl_->Use(kMarkAppliedStreaming));
    mark->BindAll(inbox_id, now);
    FREENAHI_RETURN_IF_ERROR(mark->Run().WithContext(what));
  }
  if (impl_->Changes() == 0) return Status::NotFound(ItemName(inbox_id) + ": not found");
  BlobSource body;
  int rc = body.Open(db, inbox_id);
  if (rc != SQLITE_OK) {
    Status error = SqliteError(db, rc, "open " + ItemName(inbox_id) + " body");
    STORE_ASSIGN_OR_RETURN(StmtLease has, impl_->Use(kHasBody));
    has->Bind(1, inbox_id);
    STORE_ASSIGN_OR_RETURN(bool found, has->Step());
    if (found) return error;
    return Status::NotFound(ItemName(inbox_id) +
                            ": body missing (never stored, or deleted after keep_applied_bodies)");
  }
  UpsertSink sink(impl_.get());
  Result<Payload> payload = parse(&body, &sink);
  body.Close();
  if (!payload.ok()) {
    const Status& s = payload.status();
    // Storage errors get the item as context, as ApplyInbox gives them; shape errors stay bare.
    if (s.code() == Status::Code::kUnavailable || s.code() == Status::Code::kCorruption)
      return Status(s).WithContext(what);
    return s;
  }
  FREENAHI_RETURN_IF_ERROR(impl_->ApplyPayload(*payload, now).WithContext(what));
  stats.indexed_in_one_pass = indexing.active();
  FREENAHI_RETURN_IF_ERROR(indexing.Finish(what));
  FREENAHI_RETURN_IF_ERROR(txn.Commit(what));
  return stats;
}

Result<int> Store::PruneAppliedBodies(UnixSeconds applied_before, int max_items) {
  STORE_ASSIGN_OR_RETURN(StmtLease stmt, impl_->Use(kPruneBodies));
  stmt->BindAll(applied_before, static_cast<int64_t>(max_items));
  FREENAHI_RETURN_IF_ERROR(stmt->Run());  // one statement: its own short transaction
  return static_cast<int>(impl_->Changes());
}

namespace {

Result<int64_t> PragmaInt(sqlite3* db, const char* sql, const char* what) {
  STORE_ASSIGN_OR_RETURN(SqliteStmt stmt, SqliteStmt::Prepare(db, sql, what));
  STORE_ASSIGN_OR_RETURN(bool row, stmt.Step());
  return row ? stmt.Int64(0) : 0;
}

}  // namespace

Result<int64_t> Store::IncrementalVacuum(int max_pages) {
  sqlite3* db = impl_->db.get();
  STORE_ASSIGN_OR_RETURN(int64_t mode, PragmaInt(db, "PRAGMA auto_vacuum", "read auto_vacuum"));
  if (mode != 2) return int64_t{0};  // not INCREMENTAL: free pages are only reused
  const std::string sql = "PRAGMA incremental_vacuum(" + std::to_string(max_pages) + ")";
  FREENAHI_RETURN_IF_ERROR(Exec(db, sql.c_str(), "incremental vacuum"));
  return PragmaInt(db, "PRAGMA freelist_count", "count free pages");
}

Result<DatabaseSize> Store::Size() {
  sqlite3* db = impl_->db.get();
  DatabaseSize size;
  STORE_ASSIGN_OR_RETURN(size.page_size, PragmaInt(db, "PRAGMA page_size", "read page size"));
  STORE_ASSIGN_OR_RETURN(int64_t pages, PragmaInt(db, "PRAGMA page_count", "count pages"));
  STORE_ASSIGN_OR_RETURN(size.free_pages,
                         PragmaInt(db, "PRAGMA freelist_count", "count free pages"));
  size.database_bytes = pages * size.page_size;
  return size;
}

Result<bool> Store::EnsureIncrementalVacuum() {
  sqlite3* db = impl_->db.get();
  STORE_ASSIGN_OR_RETURN(int64_t mode, PragmaInt(db, "PRAGMA auto_vacuum", "read auto_vacuum"));
  if (mode == 2) return false;  // INCREMENTAL already
  FREENAHI_RETURN_IF_ERROR(Exec(db, "PRAGMA auto_vacuum = INCREMENTAL; VACUUM",
                                "switch to incremental auto-vacuum (VACUUM)"));
  return true;
}

}  // namespace freenahi
