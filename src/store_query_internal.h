// SPDX-License-Identifier: MIT
// Private to store_query*.cc: the transaction filter as a WHERE clause with its bound values,
// the account columns every query selects, statement preparation on the store's connection.
#ifndef FREENAHI_STORE_QUERY_INTERNAL_H_
#define FREENAHI_STORE_QUERY_INTERNAL_H_

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "store_query.h"
#include "store_schema.h"

namespace freenahi {
namespace store_query_internal {

// " WHERE a AND b" (empty when no condition) and the values of its "?" in order.
struct SqlWhere {
  std::string text;
  std::vector<std::variant<int64_t, std::string>> values;
  void Add(const std::string& condition);
  void Bind(store_internal::SqliteStmt* stmt, int first) const;
};
// Transactions are "t", their account "a" (joined by the caller).
SqlWhere BuildWhere(Store& store, const TransactionFilter& filter);

Result<store_internal::SqliteStmt> Prepare(Store& store, const std::string& sql, const char* what);

// The 18 columns ReadAccount reads, and the FROM clause they need (accounts "a", connections "c").
constexpr const char* kAccountColumns =
    "a.id, a.connection_id, coalesce(c.connector_name, '') AS bank, a.name, a.number, "
    "a.iban, a.type, a.usage, a.currency, a.currency_precision, a.balance_minor, a.coming_minor, "
    "a.last_update, a.deleted, a.disabled, c.state, c.last_update, c.deleted_at";
constexpr const char* kAccountFrom =
    " FROM accounts a LEFT JOIN connections c ON c.id = a.connection_id";
constexpr const char* kVisibleAccounts =
    "a.deleted IS NULL AND a.disabled IS NULL AND c.deleted_at IS NULL";
AccountView ReadAccount(const store_internal::SqliteStmt& stmt, int first_column);

}  // namespace store_query_internal
}  // namespace freenahi

#endif  // FREENAHI_STORE_QUERY_INTERNAL_H_
