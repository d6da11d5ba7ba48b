// SPDX-License-Identifier: MIT
// Bank statements for personal-finance programs: OFX 2.2 (XML; one statement per account,
// FITID = the Powens transaction id, stable across exports) and QIF (one !Account block per
// account). Booked transactions only: a pending one is not on a statement yet.
#include "export.h"

#include <algorithm>

#include "output.h"
#include "paris_time.h"

namespace freenahi {
namespace {

std::string Xml(const std::string& text) {
  std::string out;
  for (char c : Flatten(text)) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

// The first `max_chars` characters of UTF-8 `text` (OFX limits NAME to 32).
std::string FirstChars(const std::string& text, size_t max_chars) {
  size_t chars = 0, i = 0;
  for (; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 && chars++ == max_chars) break;
  }
  return text.substr(0, i);
}

std::string OfxDate(const std::string& iso_date) {  // "2024-03-14" → "20240314"
  return iso_date.substr(0, 4) + iso_date.substr(5, 2) + iso_date.substr(8, 2);
}

std::string OfxDateTime(UnixSeconds t) {  // UTC "YYYYMMDDHHMMSS[0:GMT]"
  std::string s = FormatUtc(t);
  return s.substr(0, 4) + s.substr(5, 2) + s.substr(8, 2) + s.substr(11, 2) + s.substr(14, 2) +
         s.substr(17, 2) + "[0:GMT]";
}

const char* OfxAccountType(const std::string& type) {
  if (type == "savings" || type == "deposit") return "SAVINGS";
  if (type == "loan" || type == "mortgage" || type == "card") return "CREDITLINE";
  return "CHECKING";
}

const char* OfxTransactionType(const TransactionView& t) {
  if (t.type == "withdrawal") return "ATM";
  if (t.type == "check") return "CHECK";
  if (t.type == "bank") return "FEE";
  if (t.type == "card" || t.type == "deferred_card") return "POS";
  if (t.type == "order") return "DIRECTDEBIT";
  if (t.type == "deposit") return "DEP";
  if (t.type == "transfer") return "XFER";
  return t.value_minor < 0 ? "DEBIT" : "CREDIT";
}

class OfxExport : public ExportWriter {
 public:
  explicit OfxExport(FILE* out) : out_(out) {}
  bool grouped_by_account() const override { return true; }
  bool takes_pending() const override { return false; }

  void Begin(const std::vector<AccountView>& accounts) override {
    // DTSERVER: the newest account update, so the same data gives the same file.
    UnixSeconds newest = 0;
    for (const AccountView& a : accounts) newest = std::max(newest, a.last_update.value_or(0));
    Put("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
        "<?OFX OFXHEADER=\"200\" VERSION=\"220\" SECURITY=\"NONE\" OLDFILEUID=\"NONE\" "
        "NEWFILEUID=\"NONE\"?>\n<OFX>\n<SIGNONMSGSRSV1><SONRS><STATUS><CODE>0</CODE>"
        "<SEVERITY>INFO</SEVERITY></STATUS><DTSERVER>" + OfxDateTime(newest) +
        "</DTSERVER><LANGUAGE>FRA</LANGUAGE></SONRS></SIGNONMSGSRSV1>\n<BANKMSGSRSV1>\n");
  }

  void BeginAccount(const AccountView& a) override {
    std::string bank_id = a.iban.size() >= 9 ? a.iban.substr(4, 5) : "0";
    std::string account_id = !a.iban.empty() ? a.iban : !a.number.empty() ? a.number : std::to_string(a.id);
    Put("<STMTTRNRS><TRNUID>" + std::to_string(a.id) +
        "</TRNUID><STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS>\n<STMTRS><CURDEF>" +
        Xml(a.currency.code) + "</CURDEF>\n<BANKACCTFROM><BANKID>" + Xml(bank_id) +
        "</BANKID><ACCTID>" + Xml(account_id) + "</ACCTID><ACCTTYPE>" + OfxAccountType(a.type) +
        "</ACCTTYPE></BANKACCTFROM>\n<BANKTRANLIST>\n");
    first_date_.clear();
    last_date_.clear();
  }

  void Transaction(const TransactionView& t) override {
    if (first_date_.empty()) first_date_ = t.date;
    last_date_ = t.date;
    std::string memo = Flatten(t.original_wording);
    Put("<STMTTRN><TRNTYPE>" + std::string(OfxTransactionType(t)) + "</TRNTYPE><DTPOSTED>" +
        OfxDate(t.date) + "</DTPOSTED>" +
        (t.vdate && t.vdate->size() == 10 ? "<DTAVAIL>" + OfxDate(*t.vdate) + "</DTAVAIL>" : "") +
        "<TRNAMT>" + MoneyNumber(t.value_minor, t.currency) + "</TRNAMT><FITID>" +
        std::to_string(t.id) + "</FITID><NAME>" + Xml(FirstChars(Describe(t), 32)) + "</NAME>" +
        (memo.empty() ? "" : "<MEMO>" + Xml(FirstChars(memo, 255)) + "</MEMO>") + "</STMTTRN>\n");
  }

  void EndAccount(const AccountView& a) override {
    // DTSTART/DTEND must come first in BANKTRANLIST: written here, spliced in by position.
    std::string range = "<DTSTART>" + OfxDate(first_date_.empty() ? "1970-01-01" : first_date_) +
                        "</DTSTART><DTEND>" + OfxDate(last_date_.empty() ? "1970-01-01" : last_date_) +
                        "</DTEND>\n";
    pending_.insert(list_start_, range);
    std::string as_of = a.last_update ? OfxDateTime(*a.last_update) : OfxDate(last_date_.empty() ? "1970-01-01" : last_date_);
    Put("</BANKTRANLIST>\n<LEDGERBAL><BALAMT>" +
        MoneyNumber(a.balance_minor.value_or(0), a.currency) + "</BALAMT><DTASOF>" + as_of +
        "</DTASOF></LEDGERBAL>\n</STMTRS></STMTTRNRS>\n");
    Flush();
  }

  void End() override {
    Put("</BANKMSGSRSV1>\n</OFX>\n");
    Flush();
    fflush(out_);
  }

 private:
  // An account's statement is kept until EndAccount (its date range goes first).
  void Put(const std::string& text) {
    pending_ += text;
    if (text.compare(0, 14, "<STMTTRNRS><TR") == 0) list_start_ = pending_.size();
  }
  void Flush() {
    fwrite(pending_.data(), 1, pending_.size(), out_);
    pending_.clear();
    list_start_ = 0;
  }
  FILE* out_;
  std::string pending_, first_date_, last_date_;
  size_t list_start_ = 0;
};

const char* QifType(const std::string& type) {
  if (type == "card") return "CCard";
  if (type == "loan" || type == "mortgage") return "Oth L";
  if (type == "market" || type == "pea" || type == "lifeinsurance") return "Invst";
  return "Bank";
}

class QifExport : public ExportWriter {
 public:
  explicit QifExport(FILE* out) : out_(out) {}
  bool grouped_by_account() const override { return true; }
  bool takes_pending() const override { return false; }
  void Begin(const std::vector<AccountView>&) override { Put("!Option:AutoSwitch\n"); }
  void BeginAccount(const AccountView& a) override {
    std::string type = QifType(a.type);
    if (type == "Invst") type = "Bank";  // cash movements only: no security lines here
    Put("!Account\nN" + Flatten(a.bank.empty() ? a.name : a.bank + " " + a.name) + "\nT" + type +
        "\n^\n!Type:" + type + "\n");
  }
  void Transaction(const TransactionView& t) override {
    std::string memo = Flatten(t.original_wording);
    Put("D" + t.date + "\nT" + MoneyNumber(t.value_minor, t.currency) + "\nN" +
        std::to_string(t.id) + "\nP" + Describe(t) + "\n" + (memo.empty() ? "" : "M" + memo + "\n") +
        "^\n");
  }
  void End() override { fflush(out_); }

 private:
  void Put(const std::string& text) { fwrite(text.data(), 1, text.size(), out_); }
  FILE* out_;
};

}  // namespace

std::unique_ptr<ExportWriter> MakeOfxExport(FILE* out) { return std::make_unique<OfxExport>(out); }
std::unique_ptr<ExportWriter> MakeQifExport(FILE* out) { return std::make_unique<QifExport>(out); }

}  // namespace freenahi
