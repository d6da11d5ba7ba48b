// SPDX-License-Identifier: MIT
// FirstSyncIndexing (store_bulk.h): set aside and rebuild transactions' indexes and triggers (the
// search index, the search keys) around the apply of a first sync.
#include "store_bulk.h"

#include "store_schema.h"

namespace freenahi {
namespace store_internal {

namespace {

Result<bool> HasRow(sqlite3* db, const char* sql, const std::string& what) {
  STORE_ASSIGN_OR_RETURN(SqliteStmt stmt, SqliteStmt::Prepare(db, sql, what.c_str()));
  return stmt.Step();
}

// "DROP INDEX "name"": the name quoted as an identifier.
std::string DropStatement(const std::string& type, const std::string& name) {
  std::string quoted = "\"";
  for (char c : name) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return "DROP " + std::string(type == "index" ? "INDEX " : "TRIGGER ") + quoted + "\"";
}

}  // namespace

Status FirstSyncIndexing::Begin(sqlite3* db, const std::string& what) {
  db_ = db;
  dropped_.clear();
  STORE_ASSIGN_OR_RETURN(bool has_rows, HasRow(db, "SELECT 1 FROM transactions LIMIT 1", what));
  if (has_rows) return Status::Ok();
  STORE_ASSIGN_OR_RETURN(
      SqliteStmt list,
      SqliteStmt::Prepare(db,
                          "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'transactions' "
                          "AND type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY type, name",
                          "list the transaction indexes"));
  for (;;) {
    STORE_ASSIGN_OR_RETURN(bool row, list.Step());
    if (!row) break;
    dropped_.push_back({list.Text(0), list.Text(1), list.Text(2)});
  }
  STORE_ASSIGN_OR_RETURN(
      has_search_index_,
      HasRow(db, "SELECT 1 FROM sqlite_master WHERE name = 'transactions_fts'", what));
  for (const Dropped& d : dropped_)
    FREENAHI_RETURN_IF_ERROR(Exec(db, DropStatement(d.type, d.name).c_str(), what));
  return Status::Ok();
}

Status FirstSyncIndexing::Finish(const std::string& what) {
  if (dropped_.empty()) return Status::Ok();
  for (const Dropped& d : dropped_)
    if (d.type == "index") FREENAHI_RETURN_IF_ERROR(Exec(db_, d.sql.c_str(), what));
  if (has_search_index_) {
    FREENAHI_RETURN_IF_ERROR(
        Exec(db_, "INSERT INTO transactions_fts (transactions_fts) VALUES ('rebuild')", what));
  }
  // Its triggers were set aside with the others; it holds no row, as transactions had none, and
  // exists in every writable store (migrated to the latest schema before any apply).
  FREENAHI_RETURN_IF_ERROR(Exec(db_, kFillTransactionKeys, what));
  for (const Dropped& d : dropped_)
    if (d.type == "trigger") FREENAHI_RETURN_IF_ERROR(Exec(db_, d.sql.c_str(), what));
  dropped_.clear();
  return Status::Ok();
}

}  // namespace store_internal
}  // namespace freenahi
