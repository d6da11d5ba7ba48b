// SPDX-License-Identifier: MIT
// libFuzzer target: the Powens API page parser (powens_page.cc), every reply it reads: auth,
// temporary code, error objects, user, connections, accounts, transactions and investments pages.
// The first byte picks the parser; the rest is the body. Property: no crash or sanitizer report,
// and a transaction or investment kept is one of a known account (the store would refuse others).
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "powens_page.h"

namespace {

// Precisions 2, 0 and 3, as the pull knows its accounts before their transactions.
const std::map<int64_t, freenahi::Currency>& KnownAccounts() {
  static const std::map<int64_t, freenahi::Currency> accounts = {
      {2881, {"EUR", 2}}, {2882, {"JPY", 0}}, {1, {"KWD", 3}}};
  return accounts;
}

bool AllKnown(const freenahi::PulledPage& page) {
  for (const freenahi::Transaction& t : page.transactions)
    if (KnownAccounts().count(t.account_id) == 0) return false;
  for (const freenahi::Investment& i : page.investments)
    if (KnownAccounts().count(i.account_id) == 0) return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  // An exact-size heap copy, so ASan sees any read past the end of the body.
  const std::string body(reinterpret_cast<const char*>(data + 1), size - 1);
  freenahi::PulledPage page;
  switch (data[0] % 9) {
    case 0: (void)freenahi::ParseAuthInit(body); break;
    case 1: (void)freenahi::ParseTemporaryCode(body); break;
    case 2: (void)freenahi::ParsePowensError(body); break;
    case 3: (void)freenahi::ParseUserObject(body, &page); break;
    case 4: (void)freenahi::ParseConnectionsPage(body, &page); break;
    case 5: (void)freenahi::ParseConnectionObject(body, &page); break;
    case 6: (void)freenahi::ParseAccountsPage(body, &page); break;
    case 7: {
      freenahi::TransactionsPageInfo info;
      if (freenahi::ParseTransactionsPage(body, KnownAccounts(), &page, &info).ok() &&
          !AllKnown(page))
        __builtin_trap();
      break;
    }
    default:
      if (freenahi::ParseInvestmentsPage(body, KnownAccounts(), &page).ok() && !AllKnown(page))
        __builtin_trap();
      break;
  }
  return 0;
}
