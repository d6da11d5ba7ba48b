// SPDX-License-Identifier: MIT
// Store-side queries behind `assets`, `investments`, `loans` and `report`: holdings, loans and
// the whole balance history, as plain rows. The SQL lives in store_assets.cc; callers see none.
#ifndef FREENAHI_STORE_ASSETS_H_
#define FREENAHI_STORE_ASSETS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model.h"
#include "status.h"
#include "store.h"

namespace freenahi {

// One investment line (not deleted at the bank) with its account's name and currency.
struct HoldingRow {
  int64_t id = 0;
  int64_t account_id = 0;
  std::string account_name, account_type;
  Currency currency;  // the account's; valuation and diff are at its precision
  std::string label, code, code_type;
  std::optional<std::string> quantity, unitprice, unitvalue;  // exact decimal text
  int64_t valuation_minor = 0;
  std::optional<int64_t> diff_minor;
  std::optional<std::string> vdate;
};

// One loan with the account that carries it (not deleted).
struct LoanRow {
  int64_t account_id = 0;
  std::string account_name;
  Currency currency;
  std::optional<int64_t> balance_minor;  // Powens: usually minus the remaining capital
  Loan loan;
};

// Holdings of every live account (or only `account_id`), by account then valuation descending.
Result<std::vector<HoldingRow>> ListHoldings(Store& store, std::optional<int64_t> account_id);

// Loans of live accounts, by account name.
Result<std::vector<LoanRow>> ListLoans(Store& store);

// Every balance history row of every account, ordered by account then day.
Result<std::vector<BalanceRow>> AllBalanceHistory(Store& store);

}  // namespace freenahi

#endif  // FREENAHI_STORE_ASSETS_H_
