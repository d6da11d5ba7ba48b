// SPDX-License-Identifier: MIT
// Store: open (WAL, pragmas, migrate), payload upserts ordered by last_update, and the simple
// queries. The inbox is store_inbox.cc's; SQLite plumbing and the schema are store_schema.cc's.
#include "store.h"

#include <algorithm>
#include <unordered_map>
#include <utility>

#include "paris_time.h"
#include "store_bulk.h"
#include "store_impl.h"
#include "store_schema.h"

namespace freenahi {

using store_internal::Exec;
using store_internal::SqliteDb;
using store_internal::SqliteError;
using store_internal::SqliteStmt;
using store_internal::StmtLease;
using store_internal::WriteTxn;

namespace {

// Upserts: an older last_update never overwrites a newer one; equal or unknown applies.
#define STORE_NEWER(table)                        \
  " WHERE excluded.last_update IS NULL OR " table \
  ".last_update IS NULL"                          \
  " OR excluded.last_update >= " table ".last_update"

constexpr Sql kUpsertUser = {"upsert user", R"sql(
INSERT INTO users (id, signin, platform) VALUES (?1, ?2, ?3)
ON CONFLICT (id) DO UPDATE SET signin = excluded.signin, platform = excluded.platform)sql"};

constexpr Sql kDeleteUser = {"delete user", R"sql(
INSERT INTO users (id, signin, platform, deleted_at) VALUES (?1, ?2, ?3, ?4)
ON CONFLICT (id) DO UPDATE SET deleted_at = coalesce(users.deleted_at, excluded.deleted_at))sql"};

constexpr Sql kUpsertConnection = {"upsert connection", R"sql(
INSERT INTO connections (id, user_id, connector_id, connector_uuid, connector_name, state,
  error_message, last_update, created, active, updated_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
ON CONFLICT (id) DO UPDATE SET user_id = excluded.user_id, connector_id = excluded.connector_id,
  connector_uuid = excluded.connector_uuid, connector_name = excluded.connector_name,
  state = excluded.state, error_message = excluded.error_message,
  last_update = excluded.last_update, created = excluded.created, active = excluded.active,
  updated_at = excluded.updated_at)sql" STORE_NEWER("connections")};

// Webhook and pull alike: next_try as sent (null: Powens plans no retry); a consent expiry is
// kept until a newer one is sent.
constexpr Sql kConnectionHealth = {"update connection health", R"sql(
UPDATE connections SET next_try = ?2, access_expire = coalesce(?3, access_expire) WHERE id = ?1)sql"};

// connection_deleted: keep the data; a connection never seen before gets a row from the payload.
constexpr Sql kDeleteConnection = {"delete connection", R"sql(
INSERT INTO connections (id, user_id, connector_id, connector_uuid, connector_name, state,
  error_message, last_update, created, active, updated_at, deleted_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)
ON CONFLICT (id) DO UPDATE SET deleted_at = coalesce(connections.deleted_at, excluded.deleted_at),
  updated_at = excluded.updated_at)sql"};

constexpr Sql kUpsertAccount = {"upsert account", R"sql(
INSERT INTO accounts (id, connection_id, user_id, number, original_name, name, iban, type, usage,
  currency, currency_precision, balance_minor, coming_minor, last_update, deleted, disabled)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
ON CONFLICT (id) DO UPDATE SET connection_id = excluded.connection_id,
  user_id = excluded.user_id, number = excluded.number, original_name = excluded.original_name,
  name = excluded.name, iban = excluded.iban, type = excluded.type, usage = excluded.usage,
  currency = excluded.currency, currency_precision = excluded.currency_precision,
  balance_minor = excluded.balance_minor, coming_minor = excluded.coming_minor,
  last_update = excluded.last_update, deleted = excluded.deleted,
  disabled = excluded.disabled)sql" STORE_NEWER("accounts")};

constexpr Sql kUpsertLoan = {"upsert loan", R"sql(
INSERT INTO loans (account_id, total_amount_minor, available_amount_minor, used_amount_minor,
  next_payment_amount_minor, next_payment_date, subscription_date, maturity_date, rate,
  nb_payments_left, nb_payments_total, duration_months, type)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
ON CONFLICT (account_id) DO UPDATE SET total_amount_minor = excluded.total_amount_minor,
  available_amount_minor = excluded.available_amount_minor,
  used_amount_minor = excluded.used_amount_minor,
  next_payment_amount_minor = excluded.next_payment_amount_minor,
  next_payment_date = excluded.next_payment_date, subscription_date = excluded.subscription_date,
  maturity_date = excluded.maturity_date, rate = excluded.rate,
  nb_payments_left = excluded.nb_payments_left, nb_payments_total = excluded.nb_payments_total,
  duration_months = excluded.duration_months, type = excluded.type)sql"};

constexpr Sql kUpsertBalance = {"upsert balance history", R"sql(
INSERT INTO balance_history (account_id, day, balance_minor, coming_minor) VALUES (?1, ?2, ?3, ?4)
ON CONFLICT (account_id, day) DO UPDATE SET balance_minor = excluded.balance_minor,
  coming_minor = excluded.coming_minor)sql"};

constexpr Sql kUpsertTransaction = {"upsert transaction", R"sql(
INSERT INTO transactions (id, account_id, date, rdate, vdate, application_date, datetime,
  value_minor, gross_value_minor, type, original_wording, simplified_wording, wording, coming,
  active, deleted, last_update, original_value, original_currency, card, counterparty_label,
  counterparty_scheme, counterparty_identification, counterparty_type, categories)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,
  ?21, ?22, ?23, ?24, ?25)
ON CONFLICT (id) DO UPDATE SET account_id = excluded.account_id, date = excluded.date,
  rdate = excluded.rdate, vdate = excluded.vdate, application_date = excluded.application_date,
  datetime = excluded.datetime, value_minor = excluded.value_minor,
  gross_value_minor = excluded.gross_value_minor, type = excluded.type,
  original_wording = excluded.original_wording, simplified_wording = excluded.simplified_wording,
  wording = excluded.wording, coming = excluded.coming, active = excluded.active,
  deleted = excluded.deleted, last_update = excluded.last_update,
  original_value = excluded.original_value, original_currency = excluded.original_currency,
  card = excluded.card, counterparty_label = excluded.counterparty_label,
  counterparty_scheme = excluded.counterparty_scheme,
  counterparty_identification = excluded.counterparty_identification,
  counterparty_type = excluded.counterparty_type,
  categories = excluded.categories
WHERE (excluded.last_update IS NULL OR transactions.last_update IS NULL
    OR excluded.last_update >= transactions.last_update)
  -- a re-sent identical row is not rewritten: a redelivered sync costs reads, not writes
  AND (transactions.account_id, transactions.date, transactions.rdate, transactions.vdate,
    transactions.application_date, transactions.datetime, transactions.value_minor,
    transactions.gross_value_minor, transactions.type, transactions.original_wording,
    transactions.simplified_wording, transactions.wording, transactions.coming,
    transactions.active, transactions.deleted, transactions.last_update,
    transactions.original_value, transactions.original_currency, transactions.card,
    transactions.counterparty_label, transactions.counterparty_scheme,
    transactions.counterparty_identification, transactions.counterparty_type,
    transactions.categories)
  IS NOT (excluded.account_id, excluded.date, excluded.rdate, excluded.vdate,
    excluded.application_date, excluded.datetime, excluded.value_minor,
    excluded.gross_value_minor, excluded.type, excluded.original_wording,
    excluded.simplified_wording, excluded.wording, excluded.coming, excluded.active,
    excluded.deleted, excluded.last_update, excluded.original_value, excluded.original_currency,
    excluded.card, excluded.counterparty_label, excluded.counterparty_scheme,
    excluded.counterparty_identification, excluded.counterparty_type, excluded.categories))sql"};

constexpr Sql kUpsertInvestment = {"upsert investment", R"sql(
INSERT INTO investments (id, account_id, label, code, code_type, quantity, unitprice, unitvalue,
  valuation_minor, diff_minor, vdate, last_update, deleted)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
ON CONFLICT (id) DO UPDATE SET account_id = excluded.account_id, label = excluded.label,
  code = excluded.code, code_type = excluded.code_type, quantity = excluded.quantity,
  unitprice = excluded.unitprice, unitvalue = excluded.unitvalue,
  valuation_minor = excluded.valuation_minor, diff_minor = excluded.diff_minor,
  vdate = excluded.vdate, last_update = excluded.last_update,
  deleted = excluded.deleted)sql" STORE_NEWER("investments")};

#undef STORE_NEWER

constexpr Sql kMarkApplied = {"mark inbox item applied",
                              "UPDATE inbox SET state = 'applied', applied_at = ?2, error = NULL "
                              "WHERE id = ?1"};

// "parent/code;parent/code": plain text, no JSON (Powens codes hold neither '/' nor ';').
std::string EncodeCategories(const std::vector<Category>& categories) {
  std::string text;
  for (const Category& category : categories) {
    if (!text.empty()) text += ';';
    text += category.parent_code + '/' + category.code;
  }
  return text;
}

// "<what> <id>: <error>", built only on failure (the hot path upserts 10,000 rows per payload).
Status InContext(Status status, const char* what, int64_t id) {
  if (status.ok()) return status;
  return status.WithContext(std::string(what) + " " + std::to_string(id));
}

Status MissingMember(WebhookEvent event, const char* member) {
  return Status::InvalidArgument(std::string(WebhookEventName(event)) + " payload has no " +
                                 member);
}

}  // namespace



Result<StmtLease> Store::Impl::Use(const Sql& sql) {
  auto it = cache.find(&sql);
  if (it == cache.end()) {
    STORE_ASSIGN_OR_RETURN(SqliteStmt stmt, SqliteStmt::Prepare(db.get(), sql.text, sql.what));
    it = cache.emplace(&sql, std::move(stmt)).first;
  }
  return StmtLease(&it->second);
}

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() = default;

int Store::SchemaVersion() const { return impl_->schema_version; }

Result<std::unique_ptr<Store>> Store::Open(const std::string& path, const Options& options) {
  const std::string what = "open " + path;
  int flags = options.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  auto impl = std::make_unique<Impl>();
  impl->db.reset(raw);
  if (rc != SQLITE_OK) return SqliteError(raw, rc, what);
  FREENAHI_RETURN_IF_ERROR(
      store_internal::Configure(raw, options.busy_timeout_ms, options.read_only,
                                options.manual_checkpoint)
          .WithContext(what));
  if (options.read_only) {
    Result<int> version = store_internal::CheckReadOnlyVersion(raw);
    if (!version.ok()) return version.status().WithContext(what);
    impl->schema_version = *version;
  } else {
    const int latest = store_internal::LatestSchemaVersion();
    FREENAHI_RETURN_IF_ERROR(store_internal::Migrate(raw, latest).WithContext(what));
    impl->schema_version = latest;
  }
  return std::unique_ptr<Store>(new Store(std::move(impl)));
}

// ---- Applying payloads -------------------------------------------------------------------------

Status Store::ApplyInbox(int64_t inbox_id, const Payload& payload, UnixSeconds now,
                         ApplyStats* stats) {
  ApplyStats counted;
  impl_->stats = &counted;
  Status status = ApplyInboxCounted(inbox_id, payload, now);
  impl_->stats = nullptr;
  if (status.ok() && stats != nullptr) *stats = counted;
  return status;
}

Status Store::ApplyInboxCounted(int64_t inbox_id, const Payload& payload, UnixSeconds now) {
  const std::string what = "apply inbox item " + std::to_string(inbox_id);
  WriteTxn txn(impl_->db.get());
  FREENAHI_RETURN_IF_ERROR(txn.Begin(what));
  {
    STORE_ASSIGN_OR_RETURN(StmtLease mark, impl_->Use(kMarkApplied));
    mark->BindAll(inbox_id, now);
    FREENAHI_RETURN_IF_ERROR(mark->Run().WithContext(what));
  }
  if (impl_->Changes() == 0) {
    return Status::NotFound("inbox item " + std::to_string(inbox_id) + ": not found");
  }
  store_internal::FirstSyncIndexing indexing;
  FREENAHI_RETURN_IF_ERROR(indexing.Begin(impl_->db.get(), what));
  FREENAHI_RETURN_IF_ERROR(impl_->ApplyPayload(payload, now).WithContext(what));
  if (impl_->stats != nullptr) impl_->stats->indexed_in_one_pass = indexing.active();
  FREENAHI_RETURN_IF_ERROR(indexing.Finish(what));
  FREENAHI_RETURN_IF_ERROR(txn.Commit(what));  // on any early return, ~WriteTxn rolls back
  return Status::Ok();
}

Status Store::Impl::ApplyPayload(const Payload& payload, UnixSeconds now) {
  const WebhookEvent event = payload.event;
  switch (event) {
    case WebhookEvent::kConnectionSynced:
    case WebhookEvent::kAccountsFetched:
      if (!payload.connection) return MissingMember(event, "connection");
      if (payload.user) FREENAHI_RETURN_IF_ERROR(UpsertUser(*payload.user));
      return ApplyConnection(*payload.connection, now);
    case WebhookEvent::kConnectionDeleted:
      if (!payload.connection) return MissingMember(event, "connection");
      return UpsertConnection(kDeleteConnection, *payload.connection, now);
    case WebhookEvent::kAccountSynced:
      if (!payload.account) return MissingMember(event, "account");
      return ApplyAccount(*payload.account, now);
    case WebhookEvent::kAccountEnabled:
    case WebhookEvent::kAccountDisabled: {
      if (!payload.account) return MissingMember(event, "account");
      std::optional<UnixSeconds> disabled;  // enabled: NULL; disabled: as sent, else now
      if (event == WebhookEvent::kAccountDisabled) {
        disabled = payload.account->disabled.value_or(now);
      }
      return UpsertAccount(*payload.account, disabled).status();
    }
    case WebhookEvent::kUserDeleted:
      if (!payload.user) return MissingMember(event, "user");
      return DeleteUser(*payload.user, now);
  }
  return Status::InvalidArgument("unknown webhook event");
}

// The connection (with its health when this version is not stale), then its accounts.
Status Store::Impl::ApplyConnection(const Connection& connection, UnixSeconds now) {
  FREENAHI_RETURN_IF_ERROR(UpsertConnection(kUpsertConnection, connection, now));
  if (Changes() > 0) {
    STORE_ASSIGN_OR_RETURN(StmtLease stmt, Use(kConnectionHealth));
    stmt->BindAll(connection.id, connection.next_try, connection.access_expire);
    FREENAHI_RETURN_IF_ERROR(InContext(stmt->Run(), "connection", connection.id));
  }
  for (const Account& nested : connection.accounts) {
    if (nested.connection_id != 0 && nested.user_id != 0) {
      FREENAHI_RETURN_IF_ERROR(ApplyAccount(nested, now));
      continue;
    }
    Account account = nested;  // rare: fill the parent ids the payload left out
    if (account.connection_id == 0) account.connection_id = connection.id;
    if (account.user_id == 0) account.user_id = connection.user_id;
    FREENAHI_RETURN_IF_ERROR(ApplyAccount(account, now));
  }
  return Status::Ok();
}

// The account, then (when this version is not stale) its loan and today's balance, then its
// transactions and investments, each ordered by its own last_update.
Status Store::Impl::ApplyAccount(const Account& account, UnixSeconds now) {
  STORE_ASSIGN_OR_RETURN(bool written, UpsertAccount(account, account.disabled));
  if (written) {
    if (account.loan) FREENAHI_RETURN_IF_ERROR(UpsertLoan(account.id, *account.loan));
    FREENAHI_RETURN_IF_ERROR(UpsertBalance(account, now));
  }
  for (const Transaction& transaction : account.transactions) {
    FREENAHI_RETURN_IF_ERROR(UpsertTransaction(account.id, transaction));
  }
  for (const Investment& investment : account.investments) {
    FREENAHI_RETURN_IF_ERROR(UpsertInvestment(account.id, investment));
  }
  return Status::Ok();
}

Status Store::Impl::UpsertUser(const User& user) {
  STORE_ASSIGN_OR_RETURN(StmtLease stmt, Use(kUpsertUser));
  stmt->BindAll(user.id, user.signin, user.platform);
  return InContext(stmt->Run(), "user", user.id);
}

Status Store::Impl::DeleteUser(const User& user, UnixSeconds now) {
  STORE_ASSIGN_OR_RETURN(StmtLease stmt, Use(kDeleteUser));
  stmt->BindAll(user.id, user.signin, user.platform, now);
  return InContext(stmt->Run(), "user", user.id);
}

Status Store::Impl::UpsertConnection(const Sql& sql, const Connection& c, UnixSeconds now) {
  STORE_ASSIGN_OR_RETURN(StmtLease stmt, Use(sql));
  stmt->BindAll(c.id, c.user_id, c.connector_id, c.connector_uuid, c.connector_name, c.state,
                c.error_message, c.last_update, c.created, c.active, now);
  return InContext(stmt->Run(), "connection", c.id);
}

Result<bool> Store::Impl::UpsertAccount(const Account& a, std::optional<UnixSeconds> disabled) {
  STORE_ASSIGN_OR_RETURN(StmtLease stmt, Use(kUpsertAccount));
  stmt->BindAll(a.id, a.connection_id, a.user_id, a.number, a.original_name, a.name, a.iban, a.type,
                a.usage, a.currency.code, a.currency.precision, a.balance_minor, a.coming_minor,
                a.last_update, a.deleted, disabled);
  FREENAHI_RETURN_IF_ERROR(InContext(stmt->Run(), "account", a.id));
  const bool written = Changes() > 0;
  if (written && stats != nullptr) ++stats->accounts_touched;
  return written;
}

Status Store::Impl::UpsertLoan(int64_t account_id, const Loan& loan) {
  STORE_ASSIGN_OR_RETURN(StmtLease stmt, Use(kUpsertLoan));
  stmt->BindAll(account_id, loan.total_amount_minor, loan.available_amount_minor,
                loan.used_amount_minor, loan.next_payment_amount_minor, loan.next_payment_date,
                loan.subscription_date, loan.maturity_date, loan.rate, loan.nb_payments_left,
                loan.nb_payments_total, loan.duration, loan.type);
  return InContext(stmt->Run(), "loan of account", account_id);
}

// One row per account per Paris day (of the bank's last_update, else of `now`), updated in place.
Status Store::Impl::UpsertBalance(const Account& account, UnixSeconds now) {
  if (!account.balance_minor) return Status::Ok();
  STORE_ASSIGN_OR_RETURN(StmtLease stmt, Use(kUpsertBalance));
  stmt->BindAll(account.id, ParisDate(account.last_update.value_or(now)), *account.balance_minor,
                account.coming_minor);
  return InContext(stmt->Run(), "balance of account", account.id);
}

// The nesting decides the account: a transaction sits inside the account it belongs to.
Status Store::Impl::UpsertTransaction(int64_t account_id, const Transaction& t) {
  STORE_ASSIGN_OR_RETURN(StmtLease stmt, Use(kUpsertTransaction));
  static const Counterparty kNone;
  const Counterparty& cp = t.counterparty ? *t.counterparty : kNone;
  const bool has_cp = t.counterparty.has_value();
  auto cp_text = [has_cp](const std::string& s) {
    return has_cp ? std::optional<std::string_view>(s) : std::nullopt;
  };
  stmt->BindAll(t.id, account_id, t.date, t.rdate, t.vdate, t.application_date, t.datetime,
                t.value_minor, t.gross_value_minor, t.type, t.original_wording,
                t.simplified_wording, t.wording, t.coming, t.active, t.deleted, t.last_update,
                t.original_value, t.original_currency, t.card, cp_text(cp.label),
                cp_text(cp.account_scheme_name), cp_text(cp.account_identification),
                cp_text(cp.type), EncodeCategories(t.categories));
  // An insert sets last_insert_rowid to the id; the update branch of an upsert leaves it alone.
  if (stats != nullptr) sqlite3_set_last_insert_rowid(db.get(), 0);
  FREENAHI_RETURN_IF_ERROR(InContext(stmt->Run(), "transaction", t.id));
  if (stats != nullptr && Changes() > 0) {
    ++(sqlite3_last_insert_rowid(db.get()) == t.id ? stats->new_transactions
                                                   : stats->transactions_updated);
    if (t.deleted) ++stats->transactions_deleted;
  }
  return Status::Ok();
}

Status Store::Impl::UpsertInvestment(int64_t account_id, const Investment& i) {
  STORE_ASSIGN_OR_RETURN(StmtLease stmt, Use(kUpsertInvestment));
  stmt->BindAll(i.id, account_id, i.label, i.code, i.code_type, i.quantity, i.unitprice,
                i.unitvalue, i.valuation_minor, i.diff_minor, i.vdate, i.last_update, i.deleted);
  return InContext(stmt->Run(), "investment", i.id);
}

// ---- Queries ----------------------------------------------------------------------------------

namespace {

// Hidden unless asked: deleted accounts and the accounts of deleted connections.
constexpr Sql kListAccounts = {"list accounts", R"sql(
SELECT a.id, a.connection_id, a.name, a.number, a.iban, a.type, a.currency, a.currency_precision,
  a.balance_minor, a.coming_minor, a.last_update, a.deleted, a.disabled, c.state
FROM accounts a LEFT JOIN connections c ON c.id = a.connection_id
WHERE ?1 OR (a.deleted IS NULL AND c.deleted_at IS NULL)
ORDER BY a.connection_id, a.name, a.id)sql"};

// Two texts so that each can use its index (an "?1 IS NULL OR" filter would defeat it).
#define STORE_TRANSACTION_QUERY(filter)                                                     \
  "SELECT t.id, t.account_id, t.date, t.datetime, t.value_minor, a.currency, "              \
  "a.currency_precision, t.wording, t.original_wording, t.type, t.coming, t.deleted, "      \
  "t.last_update, t.categories FROM transactions t JOIN accounts a ON a.id = t.account_id " \
  "WHERE " filter                                                                           \
  " (?1 OR t.deleted IS NULL) "                                                             \
  "ORDER BY t.date DESC, t.datetime DESC, t.id DESC LIMIT ?2"
constexpr Sql kListTransactions = {"list transactions", STORE_TRANSACTION_QUERY("")};
constexpr Sql kListAccountTransactions = {"list transactions",
                                          STORE_TRANSACTION_QUERY("t.account_id = ?3 AND")};
#undef STORE_TRANSACTION_QUERY

constexpr Sql kBalanceHistory = {"read balance history", R"sql(
SELECT account_id, day, balance_minor, coming_minor FROM balance_history
WHERE account_id = ?1 ORDER BY day)sql"};

// The code of the first "parent/code" entry.
std::optional<std::string> FirstCategoryCode(const std::string& categories) {
  if (categories.empty()) return std::nullopt;
  std::string first = categories.substr(0, categories.find(';'));
  size_t slash = first.find('/');
  return slash == std::string::npos ? first : first.substr(slash + 1);
}

}  // namespace

Status Store::Checkpoint() {
  int rc = sqlite3_wal_checkpoint_v2(impl_->db.get(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr,
                                     nullptr);
  if (rc != SQLITE_OK && rc != SQLITE_BUSY) return SqliteError(impl_->db.get(), rc, "checkpoint");
  return Status::Ok();
}

Result<std::vector<AccountRow>> Store::ListAccounts(bool include_deleted) {
  STORE_ASSIGN_OR_RETURN(StmtLease stmt, impl_->Use(kListAccounts));
  stmt->Bind(1, include_deleted);
  std::vector<AccountRow> rows;
  for (;;) {
    STORE_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) return rows;
    AccountRow& a = rows.emplace_back();
    a.id = stmt->Int64(0);
    a.connection_id = stmt->Int64(1);
    a.name = stmt->Text(2);
    a.number = stmt->Text(3);
    a.iban = stmt->Text(4);
    a.type = stmt->Text(5);
    a.currency = Currency{stmt->Text(6), static_cast<int>(stmt->Int64(7))};
    a.balance_minor = stmt->OptInt64(8);
    a.coming_minor = stmt->OptInt64(9);
    a.last_update = stmt->OptInt64(10);
    a.deleted = stmt->OptInt64(11);
    a.disabled = stmt->OptInt64(12);
    a.connection_state = stmt->OptText(13);
  }
}

Result<std::vector<TransactionRow>> Store::ListTransactions(const TransactionQuery& query) {
  STORE_ASSIGN_OR_RETURN(
      StmtLease stmt, impl_->Use(query.account_id ? kListAccountTransactions : kListTransactions));
  stmt->BindAll(query.include_deleted, SqlLimit(query.limit));
  if (query.account_id) stmt->Bind(3, *query.account_id);
  std::vector<TransactionRow> rows;
  for (;;) {
    STORE_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) return rows;
    TransactionRow& t = rows.emplace_back();
    t.id = stmt->Int64(0);
    t.account_id = stmt->Int64(1);
    t.date = stmt->Text(2);
    t.datetime = stmt->OptInt64(3);
    t.value_minor = stmt->Int64(4);
    t.currency = Currency{stmt->Text(5), static_cast<int>(stmt->Int64(6))};
    t.wording = stmt->Text(7);
    t.original_wording = stmt->Text(8);
    t.type = stmt->Text(9);
    t.coming = stmt->Int64(10) != 0;
    t.deleted = stmt->OptInt64(11);
    t.last_update = stmt->OptInt64(12);
    t.category = FirstCategoryCode(stmt->Text(13));
  }
}

Result<std::vector<BalanceRow>> Store::BalanceHistory(int64_t account_id) {
  STORE_ASSIGN_OR_RETURN(StmtLease stmt, impl_->Use(kBalanceHistory));
  stmt->Bind(1, account_id);
  std::vector<BalanceRow> rows;
  for (;;) {
    STORE_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) return rows;
    rows.push_back(BalanceRow{stmt->Int64(0), stmt->Text(1), stmt->Int64(2), stmt->OptInt64(3)});
  }
}

Result<std::string> Store::IntegrityCheck() {
  STORE_ASSIGN_OR_RETURN(
      SqliteStmt stmt,
      SqliteStmt::Prepare(impl_->db.get(), "PRAGMA integrity_check", "integrity check"));
  std::string report;
  for (;;) {
    STORE_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return report;
    if (!report.empty()) report += '\n';
    report += stmt.Text(0);
  }
}

// ---- Pulled API pages (powens-cli): the same upserts as webhooks, one transaction per page ----

sqlite3* Store::handle() const { return impl_->db.get(); }
sqlite3* Store::raw_handle() const { return impl_->db.get(); }

Status Store::ApplyPulled(const PulledPage& page, UnixSeconds now) {
  const std::string what = "apply pulled page";
  WriteTxn txn(impl_->db.get());
  FREENAHI_RETURN_IF_ERROR(txn.Begin(what));
  if (page.user) FREENAHI_RETURN_IF_ERROR(impl_->UpsertUser(*page.user).WithContext(what));
  for (const Connection& connection : page.connections) {
    FREENAHI_RETURN_IF_ERROR(impl_->ApplyConnection(connection, now).WithContext(what));
  }
  for (const Account& account : page.accounts) {
    FREENAHI_RETURN_IF_ERROR(impl_->ApplyAccount(account, now).WithContext(what));
  }
  for (const Transaction& transaction : page.transactions) {
    FREENAHI_RETURN_IF_ERROR(
        impl_->UpsertTransaction(transaction.account_id, transaction).WithContext(what));
  }
  for (const Investment& investment : page.investments) {
    FREENAHI_RETURN_IF_ERROR(
        impl_->UpsertInvestment(investment.account_id, investment).WithContext(what));
  }
  return txn.Commit(what);
}

}  // namespace freenahi
