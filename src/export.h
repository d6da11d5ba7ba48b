// SPDX-License-Identifier: MIT
// Export formats: each writer turns accounts and a stream of transactions (oldest first, stable
// order) into one file format for another tool. Formats that group by account (OFX, QIF) are
// fed account by account. Knows no SQL; cli_export.cc drives it from the store.
#ifndef FREENAHI_EXPORT_H_
#define FREENAHI_EXPORT_H_

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store_query.h"

namespace freenahi {

enum class ExportFormat { kCsv, kJson, kNdjson, kLedger, kBeancount, kOfx, kQif };
std::optional<ExportFormat> ExportFormatFromName(const std::string& name);

class ExportWriter {
 public:
  virtual ~ExportWriter() = default;
  // True: Transaction() calls come grouped between BeginAccount/EndAccount, one account at a
  // time. False: one stream over all accounts, BeginAccount never called.
  virtual bool grouped_by_account() const { return false; }
  // Pending transactions have no place in a bank statement (OFX, QIF): skipped when false.
  virtual bool takes_pending() const { return true; }
  virtual void Begin(const std::vector<AccountView>& accounts) = 0;
  virtual void BeginAccount(const AccountView&) {}
  virtual void Transaction(const TransactionView& t) = 0;
  virtual void EndAccount(const AccountView&) {}
  virtual void End() = 0;
};

std::unique_ptr<ExportWriter> MakeExportWriter(ExportFormat format, FILE* out);

// Shared by the writers. A plain-text account path for journals: "Assets:<bank>:<name>" (loans
// under "Liabilities"), made unique by the account id when two would collide.
// `beancount`: components ASCII, capitalised, dash-joined, as bean-check requires.
std::vector<std::string> JournalAccountNames(const std::vector<AccountView>& accounts,
                                             bool beancount);
// Text on one line: control characters → spaces, runs of spaces → one, trimmed.
std::string Flatten(const std::string& text);
// The best one-line description: the user's wording, else the bank's wording, else simplified,
// else original wording.
std::string Describe(const TransactionView& t);

std::unique_ptr<ExportWriter> MakeCsvExport(FILE* out);
std::unique_ptr<ExportWriter> MakeJsonExport(FILE* out, bool ndjson);
std::unique_ptr<ExportWriter> MakeLedgerExport(FILE* out);
std::unique_ptr<ExportWriter> MakeBeancountExport(FILE* out);
std::unique_ptr<ExportWriter> MakeOfxExport(FILE* out);
std::unique_ptr<ExportWriter> MakeQifExport(FILE* out);

}  // namespace freenahi

#endif  // FREENAHI_EXPORT_H_
