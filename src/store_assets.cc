// SPDX-License-Identifier: MIT
// The SQL behind store_assets.h: read-only queries over investments, loans and balance_history.
// Statements are prepared per call: each CLI process runs them once.
#include "store_assets.h"

#include "store_schema.h"

namespace freenahi {

using store_internal::SqliteStmt;

namespace {

constexpr const char* kHoldings = R"sql(
SELECT i.id, i.account_id, a.name, a.type, a.currency, a.currency_precision, i.label, i.code,
  i.code_type, i.quantity, i.unitprice, i.unitvalue, i.valuation_minor, i.diff_minor, i.vdate
FROM investments i JOIN accounts a ON a.id = i.account_id
WHERE i.deleted IS NULL AND a.deleted IS NULL AND (?1 IS NULL OR i.account_id = ?1)
ORDER BY a.name, a.id, i.valuation_minor DESC, i.id)sql";

constexpr const char* kLoans = R"sql(
SELECT l.account_id, a.name, a.currency, a.currency_precision, a.balance_minor,
  l.total_amount_minor, l.available_amount_minor, l.used_amount_minor,
  l.next_payment_amount_minor, l.next_payment_date, l.subscription_date, l.maturity_date, l.rate,
  l.nb_payments_left, l.nb_payments_total, l.duration_months, l.type
FROM loans l JOIN accounts a ON a.id = l.account_id
WHERE a.deleted IS NULL
ORDER BY a.name, a.id)sql";

constexpr const char* kAllHistory = R"sql(
SELECT account_id, day, balance_minor, coming_minor FROM balance_history
ORDER BY account_id, day)sql";

Result<SqliteStmt> Prepare(Store& store, const char* sql, const char* what) {
  return SqliteStmt::Prepare(store.raw_handle(), sql, what);
}

}  // namespace

Result<std::vector<HoldingRow>> ListHoldings(Store& store, std::optional<int64_t> account_id) {
  STORE_ASSIGN_OR_RETURN(SqliteStmt stmt, Prepare(store, kHoldings, "list investments"));
  stmt.Bind(1, account_id);
  std::vector<HoldingRow> rows;
  for (;;) {
    STORE_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return rows;
    HoldingRow& h = rows.emplace_back();
    h.id = stmt.Int64(0);
    h.account_id = stmt.Int64(1);
    h.account_name = stmt.Text(2);
    h.account_type = stmt.Text(3);
    h.currency = Currency{stmt.Text(4), static_cast<int>(stmt.Int64(5))};
    h.label = stmt.Text(6);
    h.code = stmt.Text(7);
    h.code_type = stmt.Text(8);
    h.quantity = stmt.OptText(9);
    h.unitprice = stmt.OptText(10);
    h.unitvalue = stmt.OptText(11);
    h.valuation_minor = stmt.Int64(12);
    h.diff_minor = stmt.OptInt64(13);
    h.vdate = stmt.OptText(14);
  }
}

Result<std::vector<LoanRow>> ListLoans(Store& store) {
  STORE_ASSIGN_OR_RETURN(SqliteStmt stmt, Prepare(store, kLoans, "list loans"));
  std::vector<LoanRow> rows;
  for (;;) {
    STORE_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return rows;
    LoanRow& r = rows.emplace_back();
    r.account_id = stmt.Int64(0);
    r.account_name = stmt.Text(1);
    r.currency = Currency{stmt.Text(2), static_cast<int>(stmt.Int64(3))};
    r.balance_minor = stmt.OptInt64(4);
    Loan& l = r.loan;
    l.total_amount_minor = stmt.OptInt64(5);
    l.available_amount_minor = stmt.OptInt64(6);
    l.used_amount_minor = stmt.OptInt64(7);
    l.next_payment_amount_minor = stmt.OptInt64(8);
    l.next_payment_date = stmt.OptText(9);
    l.subscription_date = stmt.OptText(10);
    l.maturity_date = stmt.OptText(11);
    l.rate = stmt.OptText(12);
    l.nb_payments_left = stmt.OptInt64(13);
    l.nb_payments_total = stmt.OptInt64(14);
    l.duration = stmt.OptInt64(15);
    l.type = stmt.Text(16);
  }
}

Result<std::vector<BalanceRow>> AllBalanceHistory(Store& store) {
  STORE_ASSIGN_OR_RETURN(SqliteStmt stmt, Prepare(store, kAllHistory, "read balance history"));
  std::vector<BalanceRow> rows;
  for (;;) {
    STORE_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return rows;
    rows.push_back(BalanceRow{stmt.Int64(0), stmt.Text(1), stmt.Int64(2), stmt.OptInt64(3)});
  }
}

}  // namespace freenahi
