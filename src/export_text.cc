// SPDX-License-Identifier: MIT
// Export as CSV (RFC 4180, one row per transaction), JSON (one document: accounts and
// transactions) and NDJSON (one transaction per line), plus the format table and the helpers
// the journal writers share.
#include <map>

#include "export.h"
#include "output.h"
#include "text_fold.h"

namespace freenahi {
namespace {

std::string JoinTags(const std::vector<std::string>& tags) {
  std::string out;
  for (const std::string& tag : tags) out += (out.empty() ? "" : " ") + tag;
  return out;
}

class CsvExport : public ExportWriter {
 public:
  explicit CsvExport(FILE* out) : out_(out) {}
  void Begin(const std::vector<AccountView>&) override {
    csv_ = std::make_unique<CsvWriter>(
        out_, std::vector<std::string>{"id", "date", "value_date", "account_id", "account", "bank",
                                       "amount", "currency", "type", "wording", "original_wording",
                                       "counterparty", "status", "categories", "category",
                                       "local_wording", "note", "tags", "pinned"});
  }
  void Transaction(const TransactionView& t) override {
    csv_->Row({std::to_string(t.id), t.date, t.vdate.value_or(""), std::to_string(t.account_id),
               t.account_name, t.bank, MoneyNumber(t.value_minor, t.currency), t.currency.code,
               t.type, t.wording, t.original_wording, t.counterparty,
               t.deleted ? "deleted" : t.coming ? "pending" : "booked", t.categories, t.category,
               t.local_wording, t.note, JoinTags(t.tags), t.pinned ? "1" : "0"});
  }
  void End() override {}

 private:
  FILE* out_;
  std::unique_ptr<CsvWriter> csv_;
};

class JsonExport : public ExportWriter {
 public:
  JsonExport(FILE* out, bool ndjson) : w_(out), ndjson_(ndjson) {}
  void Begin(const std::vector<AccountView>& accounts) override {
    if (ndjson_) return;
    w_.BeginObject();
    w_.Key("accounts");
    w_.BeginArray();
    for (const AccountView& a : accounts) {
      w_.BeginObject();
      w_.Field("id", a.id);
      w_.Field("bank", a.bank);
      w_.Field("name", a.name);
      w_.Field("type", a.type);
      w_.Field("iban", a.iban);
      w_.Field("number", a.number);
      w_.Field("currency", a.currency.code);
      w_.Key("balance");
      a.balance_minor ? w_.Money(*a.balance_minor, a.currency.precision) : w_.Null();
      w_.EndObject();
    }
    w_.EndArray();
    w_.Key("transactions");
    w_.BeginArray();
  }
  void Transaction(const TransactionView& t) override {
    w_.BeginObject();
    w_.Field("id", t.id);
    w_.Field("account_id", t.account_id);
    w_.Field("date", t.date);
    w_.Field("value_date", t.vdate);
    w_.Key("amount");
    w_.Money(t.value_minor, t.currency.precision);
    w_.Field("currency", t.currency.code);
    w_.Field("type", t.type);
    w_.Field("wording", t.wording);
    w_.Field("original_wording", t.original_wording);
    w_.Field("counterparty", t.counterparty);
    w_.Field("pending", t.coming);
    w_.Field("deleted", t.deleted.has_value());
    w_.Field("categories", t.categories);
    w_.Field("category", t.category);
    w_.Field("local_wording", t.local_wording);
    w_.Field("note", t.note);
    w_.Key("tags");
    w_.BeginArray();
    for (const std::string& tag : t.tags) w_.String(tag);
    w_.EndArray();
    w_.Field("pinned", t.pinned);
    w_.EndObject();
    if (ndjson_) w_.EndDocument();
  }
  void End() override {
    if (!ndjson_) {
      w_.EndArray();
      w_.EndObject();
      w_.EndDocument();
    }
    w_.Flush();
  }

 private:
  JsonWriter w_;
  bool ndjson_;
};

// Journal components: no ':' (the separator), no tabs or double spaces (ledger's column rule).
std::string LedgerComponent(const std::string& text) {
  std::string out;
  for (char c : Flatten(text)) out += (c == ':' || c == ';') ? '-' : c;
  return out.empty() ? "Unnamed" : out;
}

// Beancount: [A-Z0-9][A-Za-z0-9-]*, from the folded words, each capitalised.
std::string BeancountComponent(const std::string& text) {
  std::string out;
  for (const std::string& token : FoldTokens(text)) {
    std::string ascii;
    for (char c : token)
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) ascii += c;
    if (ascii.empty()) continue;
    if (!out.empty()) out += '-';
    ascii[0] = static_cast<char>(toupper(static_cast<unsigned char>(ascii[0])));
    out += ascii;
  }
  return out.empty() ? "Unnamed" : out;
}

}  // namespace

std::optional<ExportFormat> ExportFormatFromName(const std::string& name) {
  static const std::map<std::string, ExportFormat> kNames = {
      {"csv", ExportFormat::kCsv},       {"json", ExportFormat::kJson},
      {"ndjson", ExportFormat::kNdjson}, {"ledger", ExportFormat::kLedger},
      {"hledger", ExportFormat::kLedger}, {"beancount", ExportFormat::kBeancount},
      {"ofx", ExportFormat::kOfx},       {"qif", ExportFormat::kQif},
  };
  auto it = kNames.find(name);
  if (it == kNames.end()) return std::nullopt;
  return it->second;
}

std::unique_ptr<ExportWriter> MakeCsvExport(FILE* out) { return std::make_unique<CsvExport>(out); }
std::unique_ptr<ExportWriter> MakeJsonExport(FILE* out, bool ndjson) {
  return std::make_unique<JsonExport>(out, ndjson);
}

std::unique_ptr<ExportWriter> MakeExportWriter(ExportFormat format, FILE* out) {
  switch (format) {
    case ExportFormat::kCsv: return MakeCsvExport(out);
    case ExportFormat::kJson: return MakeJsonExport(out, false);
    case ExportFormat::kNdjson: return MakeJsonExport(out, true);
    case ExportFormat::kLedger: return MakeLedgerExport(out);
    case ExportFormat::kBeancount: return MakeBeancountExport(out);
    case ExportFormat::kOfx: return MakeOfxExport(out);
    case ExportFormat::kQif: return MakeQifExport(out);
  }
  return MakeCsvExport(out);
}

std::string Flatten(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
    if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
    out += c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string Describe(const TransactionView& t) {
  for (const std::string* s : {&t.local_wording, &t.wording, &t.simplified_wording, &t.original_wording}) {
    std::string flat = Flatten(*s);
    if (!flat.empty()) return flat;
  }
  return "(no wording)";
}

std::vector<std::string> JournalAccountNames(const std::vector<AccountView>& accounts,
                                             bool beancount) {
  std::vector<std::string> names;
  std::map<std::string, int> uses;
  auto component = beancount ? BeancountComponent : LedgerComponent;
  for (const AccountView& a : accounts) {
    bool loan = a.type == "loan" || a.type == "mortgage" || a.type == "consumercredit" ||
                a.type == "revolvingcredit";
    std::string name = std::string(loan ? "Liabilities" : "Assets") + ":" +
                       component(a.bank.empty() ? "Bank" : a.bank) + ":" + component(a.name);
    names.push_back(name);
    ++uses[name];
  }
  for (size_t i = 0; i < names.size(); ++i)
    if (uses[names[i]] > 1) names[i] += (beancount ? "-" : " ") + std::to_string(accounts[i].id);
  return names;
}

}  // namespace freenahi
