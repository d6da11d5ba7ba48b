// SPDX-License-Identifier: MIT
// `freenahi report`'s page: one self-contained HTML file (inline CSS and SVG, no script, nothing
// fetched) drawn from figures already computed (assets.h, annotate.h, store_query.h). Knows no
// SQL and writes no file; cli_report.cc gathers the data and writes the page atomically.
#ifndef FREENAHI_REPORT_H_
#define FREENAHI_REPORT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "assets.h"
#include "store_query.h"

namespace freenahi {

enum class ReportLang { kEn, kFr };

// Money for people: en "€1,234.56" / "-€1,234.56"; fr "1 234,56 €" (no-break spaces). Currencies
// without a known symbol use their code ("USD 12.00", "12,00 USD").
std::string LocaleMoney(int64_t minor, const Currency& currency, ReportLang lang);
// "2024-03-14" → en "14 Mar 2024", fr "14 mars 2024"; with `month_only` "Mar 2024" / "mars 2024".
std::string LocaleDate(const std::string& day, ReportLang lang, bool month_only = false);
// Hundredths of a percent: en "12.34 %", fr "12,34 %".
std::string LocalePercent(int64_t basis_points, ReportLang lang);

struct AccountHistory {
  AccountRow account;
  std::vector<SeriesPoint> series;  // this account alone, over the report's period
};

struct ReportData {
  ReportLang lang = ReportLang::kEn;
  std::string as_of;        // YYYY-MM-DD
  std::string period_name;  // "month", "year", "all"
  Currency currency;        // the main currency: charts are in it
  AssetsView by_class;      // BuildAssetsViews for the main currency
  AssetsView by_account;
  std::vector<SeriesPoint> series;  // net worth per class over the period
  std::vector<AccountHistory> accounts;
  std::vector<AccountHoldings> holdings;
  std::vector<LoanFigures> loans;
  std::vector<SummaryRow> months;      // per month, main currency
  std::vector<SummaryRow> categories;  // per category, main currency
};

// The whole page. Every chart element carries its exact figure in a data-* attribute (plain
// decimal, "-42.90") and a <title> (locale text), so tests and screen readers read the values.
std::string RenderReport(const ReportData& data);

// SVG pieces (report_svg.cc), each a complete <svg> element sized by viewBox, 100% wide.
std::string NetWorthChart(const ReportData& data);
std::string AccountChart(const AccountHistory& history, ReportLang lang);
std::string MonthsChart(const std::vector<SummaryRow>& months, ReportLang lang);
std::string CategoriesChart(const std::vector<SummaryRow>& categories, ReportLang lang);

// Text safe inside HTML elements and attribute values.
std::string HtmlEscape(const std::string& text);

}  // namespace freenahi

#endif  // FREENAHI_REPORT_H_
