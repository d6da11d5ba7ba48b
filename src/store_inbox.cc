// SPDX-License-Identifier: MIT
// Store's webhook inbox: an item and its body stored in one durable transaction (the body written
// in chunks through incremental blob I/O, never whole in memory), listed, read back and marked
// failed; and the users' tokens the webhook checks a Bearer token against.
#include <memory>
#include <utility>

#include "crypto.h"
#include "store.h"
#include "store_impl.h"
#include "store_schema.h"

namespace freenahi {

using store_internal::SqliteError;
using store_internal::WriteTxn;

namespace {

constexpr Sql kInsertInbox = {"insert inbox item", R"sql(
INSERT INTO inbox (webhook_id, event, user_id, received_at, body_bytes)
VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (webhook_id) DO NOTHING)sql"};
constexpr Sql kInsertInboxBody = {"insert inbox body",
                                  "INSERT INTO inbox_bodies (inbox_id, body) VALUES (?1, ?2)"};

#define STORE_INBOX_COLUMNS                                                                   \
  "SELECT id, webhook_id, event, user_id, received_at, state, error, applied_at, body_bytes " \
  "FROM inbox "
constexpr Sql kListInbox = {
    "list inbox", STORE_INBOX_COLUMNS "WHERE ?1 IS NULL OR state = ?1 ORDER BY id DESC LIMIT ?2"};
constexpr Sql kGetInbox = {"read inbox item", STORE_INBOX_COLUMNS "WHERE id = ?1"};
#undef STORE_INBOX_COLUMNS
constexpr Sql kInboxBody = {"read inbox body",
                            "SELECT body FROM inbox_bodies WHERE inbox_id = ?1"};
constexpr Sql kPendingInbox = {"list pending inbox items",
                               "SELECT id FROM inbox WHERE state = 'pending' ORDER BY id LIMIT ?1"};
constexpr Sql kMarkFailed = {"mark inbox item failed",
                             "UPDATE inbox SET state = 'failed', error = ?2 WHERE id = ?1"};

constexpr Sql kUserToken = {"read user token", "SELECT auth_token FROM users WHERE id = ?1"};
constexpr Sql kAllUserTokens = {"read user tokens",
                                "SELECT auth_token FROM users WHERE auth_token IS NOT NULL"};
constexpr Sql kSetUserToken = {"store user token", R"sql(
INSERT INTO users (id, auth_token) VALUES (?1, ?2)
ON CONFLICT (id) DO UPDATE SET auth_token = excluded.auth_token)sql"};

std::optional<InboxState> InboxStateFromName(const std::string& name) {
  for (InboxState state : {InboxState::kPending, InboxState::kApplied, InboxState::kFailed}) {
    if (name == InboxStateName(state)) return state;
  }
  return std::nullopt;
}

}  // namespace

const char* InboxStateName(InboxState state) {
  switch (state) {
    case InboxState::kPending:
      return "pending";
    case InboxState::kApplied:
      return "applied";
    case InboxState::kFailed:
      return "failed";
  }
  return "pending";
}

namespace {

// The body of a just-inserted inbox_bodies row (a zeroblob of its size) written in chunks, so
// SQLite never builds the whole record in memory (it would copy a 90 MB body once more).
Status WriteBody(sqlite3* db, int64_t inbox_id, int64_t body_bytes, ByteSource* body) {
  constexpr size_t kChunk = 256 * 1024;
  sqlite3_blob* raw = nullptr;
  int rc = sqlite3_blob_open(db, "main", "inbox_bodies", "body", inbox_id, 1, &raw);
  std::unique_ptr<sqlite3_blob, int (*)(sqlite3_blob*)> blob(raw, &sqlite3_blob_close);
  if (rc != SQLITE_OK) return SqliteError(db, rc, "open inbox body for writing");
  auto buffer = std::make_unique<char[]>(kChunk);
  int64_t offset = 0;
  while (offset < body_bytes) {
    STORE_ASSIGN_OR_RETURN(size_t n, body->Read(buffer.get(), kChunk));
    if (n == 0 || offset + static_cast<int64_t>(n) > body_bytes) {
      return Status::InvalidArgument("inbox body: " + std::to_string(body_bytes) +
                                     " bytes announced, " +
                                     std::to_string(offset + static_cast<int64_t>(n)) + " given");
    }
    rc = sqlite3_blob_write(blob.get(), buffer.get(), static_cast<int>(n), static_cast<int>(offset));
    if (rc != SQLITE_OK) return SqliteError(db, rc, "write inbox body");
    offset += static_cast<int64_t>(n);
  }
  return Status::Ok();
}

}  // namespace

Result<bool> Store::InsertInbox(std::optional<int64_t> webhook_id, const std::string& event,
                                std::optional<int64_t> user_id, std::string_view body,
                                UnixSeconds received_at) {
  MemorySource source(body);
  return InsertInboxFrom(webhook_id, event, user_id, static_cast<int64_t>(body.size()), &source,
                         received_at);
}

Result<bool> Store::InsertInboxFrom(std::optional<int64_t> webhook_id, const std::string& event,
                                    std::optional<int64_t> user_id, int64_t body_bytes,
                                    ByteSource* body, UnixSeconds received_at) {
  const std::string what = "store inbox item";
  WriteTxn txn(impl_->db.get());
  FREENAHI_RETURN_IF_ERROR(txn.Begin(what));
  {
    STORE_ASSIGN_OR_RETURN(StmtLease item, impl_->Use(kInsertInbox));
    item->BindAll(webhook_id, event, user_id, received_at, body_bytes);
    FREENAHI_RETURN_IF_ERROR(item->Run());
  }
  if (impl_->Changes() == 0) return false;  // a duplicate: ~WriteTxn rolls back nothing
  const int64_t inbox_id = sqlite3_last_insert_rowid(impl_->db.get());
  {
    STORE_ASSIGN_OR_RETURN(StmtLease stmt, impl_->Use(kInsertInboxBody));
    stmt->Bind(1, inbox_id);
    stmt->BindZeroBlob(2, body_bytes);
    FREENAHI_RETURN_IF_ERROR(stmt->Run());
  }
  FREENAHI_RETURN_IF_ERROR(WriteBody(impl_->db.get(), inbox_id, body_bytes, body));
  FREENAHI_RETURN_IF_ERROR(txn.Commit(what));  // durable once this returns
  return true;
}

Result<InboxItem> Store::Impl::ReadInboxRow(SqliteStmt* stmt) const {
  InboxItem item;
  item.id = stmt->Int64(0);
  item.webhook_id = stmt->OptInt64(1);
  item.event = stmt->Text(2);
  item.user_id = stmt->OptInt64(3);
  item.received_at = stmt->Int64(4);
  std::optional<InboxState> state = InboxStateFromName(stmt->Text(5));
  if (!state) {
    return Status::Corruption("inbox item " + std::to_string(item.id) + ": unknown state '" +
                              stmt->Text(5) + "'");
  }
  item.state = *state;
  item.error = stmt->OptText(6).value_or("");
  item.applied_at = stmt->OptInt64(7);
  item.body_bytes = stmt->Int64(8);
  return item;
}

Result<std::vector<InboxItem>> Store::ListInbox(std::optional<InboxState> only, int limit) {
  STORE_ASSIGN_OR_RETURN(StmtLease stmt, impl_->Use(kListInbox));
  if (only) stmt->Bind(1, InboxStateName(*only));
  stmt->Bind(2, SqlLimit(limit));
  std::vector<InboxItem> items;
  for (;;) {
    STORE_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) return items;
    STORE_ASSIGN_OR_RETURN(InboxItem item, impl_->ReadInboxRow(stmt.get()));
    items.push_back(std::move(item));
  }
}

Result<InboxItem> Store::GetInbox(int64_t inbox_id) {
  STORE_ASSIGN_OR_RETURN(StmtLease stmt, impl_->Use(kGetInbox));
  stmt->Bind(1, inbox_id);
  STORE_ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return Status::NotFound("inbox item " + std::to_string(inbox_id) + ": not found");
  return impl_->ReadInboxRow(stmt.get());
}

Result<std::string> Store::InboxBody(int64_t inbox_id) {
  STORE_ASSIGN_OR_RETURN(StmtLease stmt, impl_->Use(kInboxBody));
  stmt->Bind(1, inbox_id);
  STORE_ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return Status::NotFound("inbox item " + std::to_string(inbox_id) + ": not found");
  return stmt->Text(0);
}

Result<std::vector<int64_t>> Store::PendingInboxIds(int limit) {
  STORE_ASSIGN_OR_RETURN(StmtLease stmt, impl_->Use(kPendingInbox));
  stmt->Bind(1, SqlLimit(limit));
  std::vector<int64_t> ids;
  for (;;) {
    STORE_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) return ids;
    ids.push_back(stmt->Int64(0));
  }
}

Status Store::MarkInboxFailed(int64_t inbox_id, const std::string& reason) {
  STORE_ASSIGN_OR_RETURN(StmtLease stmt, impl_->Use(kMarkFailed));
  stmt->BindAll(inbox_id, reason);
  FREENAHI_RETURN_IF_ERROR(stmt->Run());  // one statement: its own transaction
  if (impl_->Changes() == 0) {
    return Status::NotFound("inbox item " + std::to_string(inbox_id) + ": not found");
  }
  return Status::Ok();
}

Result<std::optional<std::string>> Store::UserToken(int64_t user_id) {
  STORE_ASSIGN_OR_RETURN(StmtLease stmt, impl_->Use(kUserToken));
  stmt->Bind(1, user_id);
  STORE_ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return std::optional<std::string>();
  return stmt->OptText(0);
}

Result<bool> Store::IsKnownUserToken(const std::string& token) {
  STORE_ASSIGN_OR_RETURN(StmtLease stmt, impl_->Use(kAllUserTokens));
  bool known = false;
  for (;;) {
    STORE_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) break;
    std::optional<std::string> stored = stmt->OptText(0);
    if (stored && !stored->empty() && ConstantTimeEquals(*stored, token)) known = true;
  }
  return known;
}

Status Store::SetUserToken(int64_t user_id, const std::string& token) {
  STORE_ASSIGN_OR_RETURN(StmtLease stmt, impl_->Use(kSetUserToken));
  stmt->BindAll(user_id, token);
  return stmt->Run();
}

}  // namespace freenahi
