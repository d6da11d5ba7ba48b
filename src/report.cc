// SPDX-License-Identifier: MIT
// The report page: locale formatting (en/fr), the CSS, and the sections in the original
// Freenahi's order — net worth over time, accounts with shares, each account's history,
// investments, loans, spending per month and per category. Charts come from report_svg.cc.
#include "report.h"

#include <algorithm>

#include "decimal.h"
#include "money.h"
#include "output.h"

namespace freenahi {
namespace {

constexpr const char* kNbsp = "\xC2\xA0";  // U+00A0: keeps "1 234,56 €" on one line

struct Symbol {
  const char* code;
  const char* symbol;
};
constexpr Symbol kSymbols[] = {{"EUR", "€"}, {"USD", "$"}, {"GBP", "£"}, {"CHF", "CHF"}};

// "1234567.89" → groups of three with `group`, decimal point `point`.
std::string Grouped(const std::string& plain, const char* group, const char* point) {
  size_t dot = plain.find('.');
  std::string whole = plain.substr(0, dot), out;
  for (size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) out += group;
    out += whole[i];
  }
  if (dot != std::string::npos) out += point + plain.substr(dot + 1);
  return out;
}

const char* const kMonthsEn[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
const char* const kMonthsFr[] = {"janv.", "févr.", "mars", "avr.", "mai", "juin",
                                 "juil.", "août", "sept.", "oct.", "nov.", "déc."};

struct Words {
  const char* title;
  const char* net_worth;
  const char* assets;
  const char* accounts;
  const char* account;
  const char* type;
  const char* value;
  const char* share;
  const char* history;
  const char* investments;
  const char* holding;
  const char* quantity;
  const char* unit_cost;
  const char* unit_value;
  const char* profit;
  const char* total;
  const char* loans;
  const char* remaining;
  const char* repaid;
  const char* payments;
  const char* next_payment;
  const char* months;
  const char* categories;
  const char* as_of;
  const char* without_loans;
};
constexpr Words kEn = {"freenahi report", "Net worth", "Assets by class", "Accounts", "Account",
                       "Type", "Value", "Share", "History", "Investments", "Holding", "Quantity",
                       "Unit cost", "Unit value", "Profit", "Total", "Loans", "Remaining",
                       "Repaid", "Payments", "Next payment", "Income and spending per month",
                       "Spending per category", "as of", "assets without loans"};
constexpr Words kFr = {"Rapport freenahi", "Patrimoine net", "Actifs par classe", "Comptes",
                       "Compte", "Type", "Valeur", "Part", "Historique", "Placements", "Ligne",
                       "Quantité", "Prix de revient", "Cours", "Plus-value", "Total", "Prêts",
                       "Capital restant", "Remboursé", "Échéances", "Prochaine échéance",
                       "Revenus et dépenses par mois", "Dépenses par catégorie", "au",
                       "actifs hors prêts"};

constexpr const char* kCss = R"css(
:root{--fg:#1d2430;--muted:#5b6575;--line:#d9dee7;--bg:#fff;--pos:#2e7d32;--neg:#c62828}
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);
 background:#f4f6f9;margin:0;padding:12px}
main{max-width:980px;margin:0 auto}
section{background:var(--bg);border:1px solid var(--line);border-radius:8px;padding:12px 14px;
 margin:0 0 14px}
h1{font-size:1.4em;margin:4px 0 12px}h2{font-size:1.1em;margin:0 0 8px}h3{font-size:1em;margin:10px 0 4px}
.big{font-size:1.8em;font-weight:600}.muted{color:var(--muted)}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{padding:4px 8px;border-bottom:1px solid var(--line);text-align:left;white-space:nowrap}
td.n,th.n{text-align:right}tr.total td{font-weight:600;border-top:2px solid var(--fg)}
.neg{color:var(--neg)}.pos{color:var(--pos)}
svg{width:100%;height:auto;display:block}
svg .grid{stroke:var(--line);stroke-width:1}svg .zero{stroke:var(--fg);stroke-width:1}
svg .axis{font-size:12px;fill:var(--muted)}svg .label,svg .value{font-size:13px;fill:var(--fg)}
svg .band{opacity:.85}svg .total{fill:none;stroke:var(--fg);stroke-width:2}
svg .account{fill:none;stroke-width:2}svg .hover{fill:transparent}svg .hover:hover{fill:rgba(0,0,0,.06)}
svg .income{fill:var(--pos)}svg .spending{fill:var(--neg)}
.legend{display:flex;flex-wrap:wrap;gap:6px 14px;margin:6px 0 0;padding:0;list-style:none}
.legend i{display:inline-block;width:11px;height:11px;border-radius:2px;margin-right:5px}
.bar{background:var(--line);border-radius:4px;height:12px;overflow:hidden;min-width:120px}
.bar span{display:block;height:100%;background:var(--pos)}
@media (max-width:600px){body{padding:6px;font-size:14px}section{padding:10px 8px}th,td{padding:3px 5px}
 svg .axis{font-size:20px}svg .label,svg .value{font-size:22px}}
)css";

const char* const kClassColors[] = {"#4e79a7", "#59a14f", "#f28e2b", "#b07aa1", "#e15759", "#9c755f"};

std::string Td(const std::string& text, bool number = false, int64_t sign = 0) {
  std::string cls = number ? "n" : "";
  if (sign < 0) cls += " neg";
  if (sign > 0) cls += " pos";
  return "<td" + (cls.empty() ? "" : " class=\"" + cls + "\"") + ">" + HtmlEscape(text) + "</td>";
}

std::string Th(const char* text, bool number = false) {
  return std::string("<th") + (number ? " class=\"n\"" : "") + ">" + HtmlEscape(text) + "</th>";
}

std::string NetWorthSection(const ReportData& d, const Words& w) {
  const AssetsView& v = d.by_class;
  std::string html = "<section id=\"net-worth\"><h2>" + std::string(w.net_worth) + "</h2>";
  html += "<p class=\"big\" data-net-worth=\"" + MoneyNumber(v.net_worth_minor, d.currency) + "\">" +
          HtmlEscape(LocaleMoney(v.net_worth_minor, d.currency, d.lang)) + "</p>";
  html += "<p class=\"muted\">" + HtmlEscape(LocaleMoney(v.gross_minor, d.currency, d.lang)) + " " +
          w.without_loans + "</p>";
  html += NetWorthChart(d) + "<ul class=\"legend\">";
  for (const AssetLine& line : v.lines) {
    html += "<li><i style=\"background:" + std::string(kClassColors[static_cast<size_t>(line.asset_class)]) +
            "\"></i>" + HtmlEscape(line.label) + " " + HtmlEscape(LocaleMoney(line.value_minor, d.currency, d.lang)) +
            "</li>";
  }
  html += "</ul><h3>" + std::string(w.assets) + "</h3><div class=\"scroll\"><table id=\"classes\"><tr>" +
          Th(w.type) + Th(w.value, true) + Th(w.share, true) + "</tr>";
  for (const AssetLine& line : v.lines) {
    html += "<tr data-class=\"" + std::string(AssetClassName(line.asset_class)) + "\" data-value=\"" +
            MoneyNumber(line.value_minor, d.currency) + "\">" + Td(line.label) +
            Td(LocaleMoney(line.value_minor, d.currency, d.lang), true, line.value_minor < 0 ? -1 : 0) +
            Td(line.share_bp ? LocalePercent(*line.share_bp, d.lang) : "-", true) + "</tr>";
  }
  html += "<tr class=\"total\">" + Td(w.net_worth) + Td(LocaleMoney(v.net_worth_minor, d.currency, d.lang), true) +
          Td("") + "</tr></table></div></section>";
  return html;
}

std::string AccountsSection(const ReportData& d, const Words& w) {
  std::string html = "<section id=\"accounts\"><h2>" + std::string(w.accounts) +
                     "</h2><div class=\"scroll\"><table><tr>" + Th(w.account) + Th(w.type) +
                     Th(w.value, true) + Th(w.share, true) + "</tr>";
  for (const AssetLine& line : d.by_account.lines) {
    html += "<tr data-account-id=\"" + std::to_string(line.account_id.value_or(0)) + "\" data-value=\"" +
            MoneyNumber(line.value_minor, d.currency) + "\">" + Td(line.label) +
            Td(AssetClassName(line.asset_class)) +
            Td(LocaleMoney(line.value_minor, d.currency, d.lang), true, line.value_minor < 0 ? -1 : 0) +
            Td(line.share_bp ? LocalePercent(*line.share_bp, d.lang) : "-", true) + "</tr>";
  }
  html += "</table></div>";
  for (const AccountHistory& h : d.accounts) {
    if (h.series.empty()) continue;
    html += "<h3>" + HtmlEscape(h.account.name) + " — " +
            HtmlEscape(LocaleMoney(h.series.back().total, h.account.currency, d.lang)) + "</h3>" +
            AccountChart(h, d.lang);
  }
  return html + "</section>";
}

std::string InvestmentsSection(const ReportData& d, const Words& w) {
  if (d.holdings.empty()) return "";
  std::string html = "<section id=\"investments\"><h2>" + std::string(w.investments) + "</h2>";
  for (const AccountHoldings& a : d.holdings) {
    const Currency& c = a.currency;
    html += "<h3>" + HtmlEscape(a.account_name) + "</h3><div class=\"scroll\"><table><tr>" + Th(w.holding) +
            Th("ISIN") + Th(w.quantity, true) + Th(w.unit_cost, true) + Th(w.unit_value, true) +
            Th(w.value, true) + Th(w.profit, true) + Th("%", true) + Th(w.share, true) + "</tr>";
    for (const HoldingFigures& h : a.holdings) {
      const int64_t sign = h.profit_minor ? (*h.profit_minor > 0) - (*h.profit_minor < 0) : 0;
      html += "<tr data-investment-id=\"" + std::to_string(h.row.id) + "\" data-valuation=\"" +
              MoneyNumber(h.row.valuation_minor, c) + "\" data-profit=\"" +
              (h.profit_minor ? MoneyNumber(*h.profit_minor, c) : "") + "\">" + Td(h.row.label) +
              Td(h.row.code) + Td(h.row.quantity.value_or("-"), true) + Td(h.row.unitprice.value_or("-"), true) +
              Td(h.row.unitvalue.value_or("-"), true) + Td(LocaleMoney(h.row.valuation_minor, c, d.lang), true) +
              Td(h.profit_minor ? LocaleMoney(*h.profit_minor, c, d.lang) : "-", true, sign) +
              Td(h.profit_bp ? LocalePercent(*h.profit_bp, d.lang) : "-", true, sign) +
              Td(h.share_bp ? LocalePercent(*h.share_bp, d.lang) : "-", true) + "</tr>";
    }
    html += "<tr class=\"total\">" + Td(w.total) + Td("") + Td("") + Td("") + Td("") +
            Td(LocaleMoney(a.valuation_minor, c, d.lang), true) +
            Td(a.profit_minor ? LocaleMoney(*a.profit_minor, c, d.lang) : "-", true) +
            Td(a.profit_bp ? LocalePercent(*a.profit_bp, d.lang) : "-", true) + Td("") + "</tr></table></div>";
  }
  return html + "</section>";
}

std::string LoansSection(const ReportData& d, const Words& w) {
  if (d.loans.empty()) return "";
  std::string html = "<section id=\"loans\"><h2>" + std::string(w.loans) + "</h2><div class=\"scroll\"><table><tr>" +
                     Th(w.account) + Th(w.value, true) + Th(w.remaining, true) + Th(w.payments, true) +
                     Th(w.next_payment) + Th(w.repaid) + "</tr>";
  auto n = [](const std::optional<int64_t>& v) { return v ? std::to_string(*v) : std::string("-"); };
  for (const LoanFigures& f : d.loans) {
    const Loan& l = f.row.loan;
    const Currency& c = f.row.currency;
    const int64_t bp = f.repaid_bp.value_or(0);
    std::string next = l.next_payment_amount_minor ? LocaleMoney(*l.next_payment_amount_minor, c, d.lang) : "-";
    if (l.next_payment_date) next += " (" + LocaleDate(*l.next_payment_date, d.lang) + ")";
    html += "<tr data-account-id=\"" + std::to_string(f.row.account_id) + "\" data-repaid=\"" +
            (f.repaid_bp ? FormatBasisPoints(*f.repaid_bp) : "") + "\">" +
            Td(f.row.account_name + (l.type.empty() ? "" : " (" + l.type + ")")) +
            Td(l.total_amount_minor ? LocaleMoney(*l.total_amount_minor, c, d.lang) : "-", true) +
            Td(f.remaining_minor ? LocaleMoney(*f.remaining_minor, c, d.lang) : "-", true) +
            Td(n(f.payments_done) + " / " + n(l.nb_payments_total), true) + Td(next) +
            "<td><div class=\"bar\" title=\"" + HtmlEscape(LocalePercent(bp, d.lang)) +
            "\"><span style=\"width:" + FormatBasisPoints(std::clamp<int64_t>(bp, 0, 10000)) +
            "%\"></span></div>" + HtmlEscape(f.repaid_bp ? LocalePercent(bp, d.lang) : "-") + "</td></tr>";
  }
  return html + "</table></div></section>";
}

}  // namespace

std::string HtmlEscape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string LocaleMoney(int64_t minor, const Currency& currency, ReportLang lang) {
  std::string plain = FormatMinorUnits(minor, currency.precision);
  const bool negative = !plain.empty() && plain[0] == '-';
  if (negative) plain.erase(0, 1);
  const char* symbol = nullptr;
  for (const Symbol& s : kSymbols) {
    if (currency.code == s.code) symbol = s.symbol;
  }
  const std::string sign = negative ? "-" : "";
  if (lang == ReportLang::kFr) {
    return sign + Grouped(plain, kNbsp, ",") + kNbsp + (symbol ? symbol : currency.code);
  }
  std::string unit = symbol ? symbol : currency.code + kNbsp;
  return sign + unit + Grouped(plain, ",", ".");
}

std::string LocaleDate(const std::string& day, ReportLang lang, bool month_only) {
  if (day.size() < 10) return day;
  int month = (day[5] - '0') * 10 + (day[6] - '0');
  if (month < 1 || month > 12) return day;
  std::string name = lang == ReportLang::kFr ? kMonthsFr[month - 1] : kMonthsEn[month - 1];
  std::string year = day.substr(0, 4);
  if (month_only) return name + " " + year;
  std::string d = day[8] == '0' ? day.substr(9, 1) : day.substr(8, 2);
  return d + " " + name + " " + year;
}

std::string LocalePercent(int64_t basis_points, ReportLang lang) {
  std::string text = FormatBasisPoints(basis_points);
  if (lang == ReportLang::kFr) {
    for (char& c : text)
      if (c == '.') c = ',';
  }
  return text + kNbsp + "%";
}

std::string RenderReport(const ReportData& d) {
  const Words& w = d.lang == ReportLang::kFr ? kFr : kEn;
  std::string html = "<!DOCTYPE html>\n<html lang=\"";
  html += d.lang == ReportLang::kFr ? "fr" : "en";
  html += "\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, "
          "initial-scale=1\"><title>" + std::string(w.title) + " — " + HtmlEscape(LocaleDate(d.as_of, d.lang)) +
          "</title><style>" + kCss + "</style></head><body><main>";
  html += "<h1>" + std::string(w.title) + " <span class=\"muted\">" + w.as_of + " " +
          HtmlEscape(LocaleDate(d.as_of, d.lang)) + "</span></h1>";
  html += NetWorthSection(d, w) + AccountsSection(d, w) + InvestmentsSection(d, w) + LoansSection(d, w);
  html += "<section id=\"months\"><h2>" + std::string(w.months) + "</h2>" + MonthsChart(d.months, d.lang) +
          "</section>";
  html += "<section id=\"categories\"><h2>" + std::string(w.categories) + "</h2>" +
          CategoriesChart(d.categories, d.lang) + "</section>";
  return html + "</main></body></html>\n";
}

}  // namespace freenahi
