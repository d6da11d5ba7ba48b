// SPDX-License-Identifier: MIT
// Powens API response bodies (JSON) → plain records (model.h), through the webhook's converters
// (payload.cc), so a pulled row and a pushed row are the same row. Knows nothing of HTTP or
// SQLite. Called by powens.cc (auth, errors) and pull.cc (pages).
#ifndef FREENAHI_POWENS_PAGE_H_
#define FREENAHI_POWENS_PAGE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "model.h"
#include "status.h"

namespace freenahi {

// POST /auth/init → {"auth_token", "type": "permanent", "id_user", ...}.
struct AuthInitReply {
  std::string token;  // secret
  int64_t user_id = 0;
};
Result<AuthInitReply> ParseAuthInit(std::string_view body);

// GET /auth/token/code → {"code", "type": "temporary", ...}: the code (a secret, short-lived).
Result<std::string> ParseTemporaryCode(std::string_view body);

// {code, description, message, request_id}; request_id may be a number or a string.
struct PowensError {
  std::string code, description, message, request_id;
};
// nullopt when `body` is not such an object (an HTML error page, say).
std::optional<PowensError> ParsePowensError(std::string_view body);

// GET /users/me → page->user.
Status ParseUserObject(std::string_view body, PulledPage* page);
// GET /users/me/connections?expand=accounts → page->connections (with accounts and health).
Status ParseConnectionsPage(std::string_view body, PulledPage* page);
// One connection object (the answer of PUT /users/me/connections/{id}) → page->connections.
Status ParseConnectionObject(std::string_view body, PulledPage* page);
// GET /users/me/accounts?all → page->accounts.
Status ParseAccountsPage(std::string_view body, PulledPage* page);

// GET /users/me/transactions → page->transactions. `accounts` gives each account's currency
// (amounts depend on its precision); a transaction of an account not in it is skipped and
// counted (its account is unknown to the store, which would refuse it).
struct TransactionsPageInfo {
  std::optional<std::string> next_href;  // _links.next.href; nullopt: the last page
  std::optional<std::string> max_last_update;  // largest last_update text on the page
  int64_t skipped = 0;
};
Status ParseTransactionsPage(std::string_view body, const std::map<int64_t, Currency>& accounts,
                             PulledPage* page, TransactionsPageInfo* info);

// GET /users/me/investments → page->investments ({investments: [...], valuation, ...}: the totals
// are derived, not stored). Same rule as transactions for an account not in `accounts`;
// returns how many were skipped.
Result<int64_t> ParseInvestmentsPage(std::string_view body,
                                     const std::map<int64_t, Currency>& accounts,
                                     PulledPage* page);

}  // namespace freenahi

#endif  // FREENAHI_POWENS_PAGE_H_
