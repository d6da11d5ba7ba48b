// SPDX-License-Identifier: MIT
// Store queries for talking to Powens: the user's stored token, the pull's record and high-water
// mark, connection health for `freenahi status` and serve's hooks, and the webview links'
// single-use `state` values. Rare calls: statements are
// prepared per call, not cached. Knows nothing of JSON or HTTP.
#include <sqlite3.h>

#include "store.h"
#include "store_schema.h"

namespace freenahi {

using store_internal::SqliteStmt;

namespace {

Result<SqliteStmt> Prepare(sqlite3* db, const char* sql, const char* what) {
  return SqliteStmt::Prepare(db, sql, what);
}

}  // namespace

Result<std::optional<PowensUser>> Store::PowensUserWithToken() {
  STORE_ASSIGN_OR_RETURN(
      SqliteStmt stmt,
      Prepare(handle(),
              "SELECT id, auth_token FROM users WHERE auth_token IS NOT NULL AND auth_token != '' "
              "ORDER BY id LIMIT 1",
              "read the Powens user"));
  STORE_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<PowensUser>();
  return std::optional<PowensUser>(PowensUser{stmt.Int64(0), stmt.Text(1)});
}

Result<std::optional<PullRecord>> Store::LastPull(int64_t user_id) {
  STORE_ASSIGN_OR_RETURN(SqliteStmt stmt,
                         Prepare(handle(),
                                 "SELECT user_id, high_water, started_at, finished_at, ok, pages, "
                                 "rows, error FROM pulls WHERE user_id = ?1",
                                 "read the last pull"));
  stmt.Bind(1, user_id);
  STORE_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<PullRecord>();
  PullRecord r;
  r.user_id = stmt.Int64(0);
  r.high_water = stmt.OptText(1);
  r.started_at = stmt.OptInt64(2);
  r.finished_at = stmt.OptInt64(3);
  if (std::optional<int64_t> ok = stmt.OptInt64(4)) r.ok = *ok != 0;
  r.pages = stmt.Int64(5);
  r.rows = stmt.Int64(6);
  r.error = stmt.OptText(7).value_or("");
  return std::optional<PullRecord>(std::move(r));
}

Status Store::RecordPullStart(int64_t user_id, UnixSeconds now) {
  STORE_ASSIGN_OR_RETURN(SqliteStmt stmt, Prepare(handle(), R"sql(
INSERT INTO pulls (user_id, started_at, finished_at, ok, pages, rows, error)
VALUES (?1, ?2, NULL, NULL, 0, 0, NULL)
ON CONFLICT (user_id) DO UPDATE SET started_at = excluded.started_at, finished_at = NULL,
  ok = NULL, pages = 0, rows = 0, error = NULL)sql",
                                                  "record the pull's start"));
  stmt.BindAll(user_id, now);
  return stmt.Run();
}

Status Store::RecordPullEnd(int64_t user_id, UnixSeconds now, bool ok, int64_t pages, int64_t rows,
                            const std::string& error,
                            const std::optional<std::string>& high_water) {
  STORE_ASSIGN_OR_RETURN(SqliteStmt stmt, Prepare(handle(), R"sql(
UPDATE pulls SET finished_at = ?2, ok = ?3, pages = ?4, rows = ?5, error = ?6,
  high_water = coalesce(?7, high_water) WHERE user_id = ?1)sql",
                                                  "record the pull's end"));
  // Bound strings are not copied: they must outlive Run(), so no temporaries here.
  const std::optional<std::string> error_or_null =
      error.empty() ? std::nullopt : std::optional<std::string>(error);
  stmt.BindAll(user_id, now, ok, pages, rows, error_or_null, high_water);
  return stmt.Run();
}

Result<std::vector<ConnectionHealth>> Store::ListConnectionHealth() {
  STORE_ASSIGN_OR_RETURN(SqliteStmt stmt, Prepare(handle(), R"sql(
SELECT c.id, c.user_id, c.connector_name, c.state, c.error_message, c.last_update, c.next_try,
  c.access_expire, c.alerted_state, c.consent_alerted, c.deleted_at IS NOT NULL,
  (SELECT count(*) FROM accounts a WHERE a.connection_id = c.id AND a.deleted IS NULL)
FROM connections c ORDER BY c.id)sql",
                                                  "list connections"));
  std::vector<ConnectionHealth> rows;
  for (;;) {
    STORE_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return rows;
    ConnectionHealth& h = rows.emplace_back();
    h.id = stmt.Int64(0);
    h.user_id = stmt.Int64(1);
    h.bank = stmt.Text(2);
    h.state = stmt.OptText(3);
    if (h.state && h.state->empty()) h.state.reset();  // some peers send "" for fine
    h.error_message = stmt.OptText(4);
    h.last_update = stmt.OptInt64(5);
    h.next_try = stmt.OptInt64(6);
    h.access_expire = stmt.OptInt64(7);
    h.alerted_state = stmt.OptText(8);
    h.consent_alerted = stmt.OptInt64(9);
    h.deleted = stmt.Int64(10) != 0;
    h.accounts = stmt.Int64(11);
  }
}

Status Store::MarkAlerted(int64_t connection_id, const std::optional<std::string>& state,
                          std::optional<UnixSeconds> consent) {
  STORE_ASSIGN_OR_RETURN(
      SqliteStmt stmt,
      Prepare(handle(), "UPDATE connections SET alerted_state = ?2, consent_alerted = ?3 WHERE id = ?1",
              "remember a fired hook"));
  stmt.BindAll(connection_id, state, consent);
  return stmt.Run();
}

Status Store::AddWebviewState(const std::string& state, const std::string& page, UnixSeconds now,
                              UnixSeconds expires_at) {
  STORE_ASSIGN_OR_RETURN(SqliteStmt expired,
                         Prepare(handle(), "DELETE FROM webview_states WHERE expires_at <= ?1",
                                 "forget expired webview links"));
  expired.Bind(1, now);
  FREENAHI_RETURN_IF_ERROR(expired.Run());
  STORE_ASSIGN_OR_RETURN(
      SqliteStmt stmt,
      Prepare(handle(),
              "INSERT INTO webview_states (state, page, created_at, expires_at) "
              "VALUES (?1, ?2, ?3, ?4)",
              "remember the webview link"));
  stmt.BindAll(state, page, now, expires_at);
  return stmt.Run();
}

Result<std::optional<std::string>> Store::WebviewStatePage(const std::string& state,
                                                           UnixSeconds now) {
  STORE_ASSIGN_OR_RETURN(
      SqliteStmt find,
      Prepare(handle(), "SELECT page FROM webview_states WHERE state = ?1 AND expires_at > ?2",
              "check the webview link"));
  find.BindAll(state, now);
  STORE_ASSIGN_OR_RETURN(bool row, find.Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(find.Text(0));
}

Result<bool> Store::ForgetWebviewState(const std::string& state) {
  STORE_ASSIGN_OR_RETURN(SqliteStmt take,
                         Prepare(handle(), "DELETE FROM webview_states WHERE state = ?1",
                                 "use the webview link"));
  take.Bind(1, state);
  FREENAHI_RETURN_IF_ERROR(take.Run());
  return sqlite3_changes(handle()) == 1;
}

}  // namespace freenahi
