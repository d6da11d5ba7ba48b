// SPDX-License-Identifier: MIT
// Plain-text accounting journals: ledger/hledger and beancount. One entry per transaction, the
// bank account against Expenses:Uncategorized or Income:Uncategorized (left to balance), the
// Powens id as the entry's code/metadata, pending marked "!", booked "*".
#include <cctype>
#include <map>

#include "export.h"
#include "output.h"

namespace freenahi {
namespace {

// Ledger needs quotes around a commodity that is not only letters.
std::string LedgerCommodity(const std::string& code) {
  for (char c : code)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) return "\"" + code + "\"";
  return code;
}

// Beancount currencies: [A-Z][A-Z0-9'._-]*[A-Z0-9]; anything else is mapped onto that.
std::string BeancountCurrency(const std::string& code) {
  std::string out;
  for (char c : code) {
    char u = static_cast<char>(toupper(static_cast<unsigned char>(c)));
    out += (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ? u : '-';
  }
  if (out.empty() || out[0] < 'A' || out[0] > 'Z') out = "C" + out;
  if (out.back() == '-') out += 'X';
  return out;
}

// Beancount tags: [A-Za-z0-9-_/.]; anything else becomes '-'.
std::string BeancountTag(const std::string& tag) {
  std::string out;
  for (char c : tag) {
    bool ok = isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '/' || c == '.';
    out += ok ? c : '-';
  }
  return out;
}

std::string BeancountString(const std::string& text) {
  std::string out = "\"";
  for (char c : Flatten(text)) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

class JournalExport : public ExportWriter {
 public:
  JournalExport(FILE* out, bool beancount) : out_(out), beancount_(beancount) {}

  void Begin(const std::vector<AccountView>& accounts) override {
    std::vector<std::string> names = JournalAccountNames(accounts, beancount_);
    std::map<std::string, bool> currencies;
    line_ = beancount_ ? "; freenahi export for beancount: pending entries are flagged !\n"
                       : "; freenahi export for ledger and hledger: pending entries are flagged !\n";
    for (size_t i = 0; i < accounts.size(); ++i) {
      names_[accounts[i].id] = names[i];
      currencies[accounts[i].currency.code] = true;
      if (beancount_) {
        line_ += "1970-01-01 open " + names[i] + " " + BeancountCurrency(accounts[i].currency.code) + "\n";
      } else {
        line_ += "account " + names[i] + "\n";
      }
    }
    if (beancount_) {
      line_ += "1970-01-01 open Expenses:Uncategorized\n1970-01-01 open Income:Uncategorized\n";
    } else {
      line_ += "account Expenses:Uncategorized\naccount Income:Uncategorized\n";
      for (const auto& [code, unused] : currencies) line_ += "commodity " + LedgerCommodity(code) + "\n";
    }
    Write();
  }

  void Transaction(const TransactionView& t) override {
    const std::string amount = MoneyNumber(t.value_minor, t.currency) + " " +
                               (beancount_ ? BeancountCurrency(t.currency.code) : LedgerCommodity(t.currency.code));
    const char* flag = t.coming ? "!" : "*";
    const char* other = t.value_minor > 0 ? "Income:Uncategorized" : "Expenses:Uncategorized";
    const std::string id = std::to_string(t.id);
    line_ = "\n" + t.date + " " + flag + " ";
    if (beancount_) {
      line_ += BeancountString(Describe(t)) + (t.deleted ? " #deleted" : "");
      for (const std::string& tag : t.tags) line_ += " #" + BeancountTag(tag);
      line_ += "\n  id: \"" + id + "\"\n";
      if (!t.note.empty()) line_ += "  note: " + BeancountString(t.note) + "\n";
    } else {
      std::string payee = Describe(t);
      for (char& c : payee)
        if (c == ';') c = ',';
      line_ += "(" + id + ") " + payee + "\n";
      if (t.deleted) line_ += "    ; deleted at the bank\n";
      if (!t.note.empty()) line_ += "    ; " + Flatten(t.note) + "\n";
      // One "; tag:" line per tag: a tag for hledger, a valueless metadata key for ledger.
      for (const std::string& tag : t.tags) line_ += "    ; " + tag + ":\n";
    }
    const char* indent = beancount_ ? "  " : "    ";
    line_ += indent + names_[t.account_id] + "  " + amount + "\n" + indent + other + "\n";
    Write();
  }

  void End() override { fflush(out_); }

 private:
  void Write() { fwrite(line_.data(), 1, line_.size(), out_); }
  FILE* out_;
  bool beancount_;
  std::map<int64_t, std::string> names_;
  std::string line_;
};

}  // namespace

std::unique_ptr<ExportWriter> MakeLedgerExport(FILE* out) {
  return std::make_unique<JournalExport>(out, false);
}
std::unique_ptr<ExportWriter> MakeBeancountExport(FILE* out) {
  return std::make_unique<JournalExport>(out, true);
}

}  // namespace freenahi
