// SPDX-License-Identifier: MIT
// The report's charts as inline SVG: net worth stacked by asset class (loans below zero), one line
// per account, income and spending per month, spending per category. Coordinates are doubles (a
// drawing); every figure shown or attached (data-*) is the exact integer money.
#include <algorithm>
#include <cstdio>

#include "output.h"
#include "report.h"
#include "wide_math.h"

namespace freenahi {
namespace {

constexpr double kWidth = 800;
constexpr double kLeft = 132;  // room for "-180 000 €" at the phone font size

const char* ClassColor(AssetClass c) {
  static const char* const kColors[] = {"#4e79a7", "#59a14f", "#f28e2b",
                                        "#b07aa1", "#e15759", "#9c755f"};
  return kColors[static_cast<size_t>(c)];
}

std::string Num(double v) {
  char text[32];
  snprintf(text, sizeof(text), "%.1f", v);
  return text;
}

// Maps money to a y coordinate inside [top, bottom].
struct YScale {
  int64_t lo, hi;
  double top, bottom;
  double operator()(int64_t v) const {
    return bottom - (static_cast<double>(v - lo) / static_cast<double>(hi - lo)) * (bottom - top);
  }
};

// The points drawn: at most `limit`, evenly spaced, the last one always in.
std::vector<size_t> Sample(size_t n, size_t limit) {
  std::vector<size_t> out;
  if (n == 0) return out;
  size_t step = (n + limit - 1) / limit;
  for (size_t i = 0; i < n; i += step) out.push_back(i);
  if (out.back() != n - 1) out.push_back(n - 1);
  return out;
}

// `lines` (≥ 2) horizontal grid lines labelled with whole-unit amounts.
std::string Grid(const YScale& y, double left, double right, const Currency& currency,
                 ReportLang lang, int lines = 5) {
  std::string svg;
  int64_t unit = 1;
  for (int i = 0; i < currency.precision; ++i) unit *= 10;
  for (int k = 0; k < lines; ++k) {
    uint64_t span = static_cast<uint64_t>(y.hi) - static_cast<uint64_t>(y.lo);  // hi ≥ lo
    int64_t v = static_cast<int64_t>(static_cast<uint64_t>(y.lo) +
                                     MultiplyDivide(span, static_cast<uint64_t>(k), lines - 1));
    v = v / unit * unit;
    double py = y(v);
    svg += "<line class=\"grid\" x1=\"" + Num(left) + "\" x2=\"" + Num(right) + "\" y1=\"" +
           Num(py) + "\" y2=\"" + Num(py) + "\"/>";
    svg += "<text class=\"axis\" x=\"" + Num(left - 4) + "\" y=\"" + Num(py + 4) +
           "\" text-anchor=\"end\">" + HtmlEscape(LocaleMoney(v / unit, Currency{currency.code, 0}, lang)) +
           "</text>";
  }
  return svg;
}

std::string Open(double height, const std::string& label) {
  return "<svg viewBox=\"0 0 " + Num(kWidth) + " " + Num(height) +
         "\" role=\"img\" preserveAspectRatio=\"xMidYMid meet\" aria-label=\"" + HtmlEscape(label) +
         "\">";
}

std::string XLabels(const std::vector<std::string>& days, double left, double right, double y,
                    ReportLang lang) {
  std::string svg;
  if (days.empty()) return svg;
  const size_t n = days.size();
  for (size_t k = 0; k < 3 && k < n; ++k) {
    size_t i = n == 1 ? 0 : k * (n - 1) / 2;
    double x = n == 1 ? left : left + (right - left) * static_cast<double>(i) / static_cast<double>(n - 1);
    const char* anchor = k == 0 ? "start" : k == 2 ? "end" : "middle";
    svg += "<text class=\"axis\" x=\"" + Num(x) + "\" y=\"" + Num(y) + "\" text-anchor=\"" + anchor +
           "\">" + HtmlEscape(LocaleDate(days[i], lang)) + "</text>";
  }
  return svg;
}

}  // namespace

std::string NetWorthChart(const ReportData& data) {
  const std::vector<SeriesPoint>& s = data.series;
  if (s.empty()) return "<p class=\"empty\">—</p>";
  const double height = 320, left = kLeft, right = kWidth - 8, top = 18, bottom = height - 28;
  std::vector<size_t> idx = Sample(s.size(), 240);
  int64_t hi = 1, lo = 0;
  for (size_t i : idx) {
    int64_t up = 0, down = 0;
    for (int64_t v : s[i].by_class) (v > 0 ? up : down) += v;
    hi = std::max(hi, up), lo = std::min(lo, down);
  }
  YScale y{lo, hi, top, bottom};
  const size_t m = idx.size();
  auto x = [&](size_t k) {
    return m == 1 ? left : left + (right - left) * static_cast<double>(k) / static_cast<double>(m - 1);
  };
  std::string svg = Open(height, "net worth") + Grid(y, left, right, data.currency, data.lang);
  // Bands: positive parts stacked up from zero, negative parts (loans) stacked down.
  std::vector<int64_t> up_base(m, 0), down_base(m, 0);
  for (AssetClass c : kAllAssetClasses) {
    const size_t ci = static_cast<size_t>(c);
    for (int side = 0; side < 2; ++side) {
      std::vector<int64_t>& base = side == 0 ? up_base : down_base;
      std::vector<int64_t> next = base;
      bool any = false;
      for (size_t k = 0; k < m; ++k) {
        int64_t v = s[idx[k]].by_class[ci];
        if ((side == 0 && v > 0) || (side == 1 && v < 0)) next[k] += v, any = true;
      }
      if (!any) continue;
      std::string d;
      for (size_t k = 0; k < m; ++k) d += (k ? " L" : "M") + Num(x(k)) + " " + Num(y(next[k]));
      for (size_t k = m; k-- > 0;) d += " L" + Num(x(k)) + " " + Num(y(base[k]));
      const int64_t last = s.back().by_class[ci];
      svg += "<path class=\"band\" d=\"" + d + " Z\" fill=\"" + ClassColor(c) + "\" data-class=\"" +
             AssetClassName(c) + "\" data-last=\"" + MoneyNumber(last, data.currency) + "\"><title>" +
             AssetClassName(c) + ": " + HtmlEscape(LocaleMoney(last, data.currency, data.lang)) +
             "</title></path>";
      base = next;
    }
  }
  std::string line;
  for (size_t k = 0; k < m; ++k) line += (k ? " " : "") + Num(x(k)) + "," + Num(y(s[idx[k]].total));
  svg += "<polyline class=\"total\" points=\"" + line + "\"/>";
  svg += "<line class=\"zero\" x1=\"" + Num(left) + "\" x2=\"" + Num(right) + "\" y1=\"" + Num(y(0)) +
         "\" y2=\"" + Num(y(0)) + "\"/>";
  const double slot = m == 1 ? right - left : (right - left) / static_cast<double>(m - 1);
  svg += "<g class=\"points\">";
  for (size_t k = 0; k < m; ++k) {
    const SeriesPoint& p = s[idx[k]];
    svg += "<rect class=\"hover\" x=\"" + Num(std::max(left, x(k) - slot / 2)) + "\" y=\"" + Num(top) +
           "\" width=\"" + Num(slot) + "\" height=\"" + Num(bottom - top) + "\" data-day=\"" + p.day +
           "\" data-net-worth=\"" + MoneyNumber(p.total, data.currency) + "\"><title>" +
           HtmlEscape(LocaleDate(p.day, data.lang) + ": " + LocaleMoney(p.total, data.currency, data.lang)) +
           "</title></rect>";
  }
  svg += "</g>";
  std::vector<std::string> days;
  for (size_t i : idx) days.push_back(s[i].day);
  return svg + XLabels(days, left, right, height - 8, data.lang) + "</svg>";
}

std::string AccountChart(const AccountHistory& h, ReportLang lang) {
  const std::vector<SeriesPoint>& s = h.series;
  if (s.empty()) return "";
  const double height = 150, left = kLeft, right = kWidth - 8, top = 16, bottom = height - 24;
  std::vector<size_t> idx = Sample(s.size(), 240);
  int64_t lo = s[idx[0]].total, hi = lo;
  for (size_t i : idx) lo = std::min(lo, s[i].total), hi = std::max(hi, s[i].total);
  if (hi == lo) hi = lo + 1, lo = lo - 1;
  YScale y{lo, hi, top, bottom};
  const size_t m = idx.size();
  std::string points;
  for (size_t k = 0; k < m; ++k) {
    double x = m == 1 ? left : left + (right - left) * static_cast<double>(k) / static_cast<double>(m - 1);
    points += (k ? " " : "") + Num(x) + "," + Num(y(s[idx[k]].total));
  }
  const Currency& c = h.account.currency;
  std::string svg = Open(height, h.account.name) + Grid(y, left, right, c, lang, 3);
  svg += "<polyline class=\"account\" points=\"" + points + "\" stroke=\"" +
         ClassColor(AssetClassOf(h.account.type)) + "\" data-account-id=\"" +
         std::to_string(h.account.id) + "\" data-last=\"" + MoneyNumber(s.back().total, c) +
         "\"><title>" + HtmlEscape(h.account.name + ": " + LocaleMoney(s.back().total, c, lang)) +
         "</title></polyline>";
  std::vector<std::string> days;
  for (size_t i : idx) days.push_back(s[i].day);
  return svg + XLabels(days, left, right, height - 6, lang) + "</svg>";
}

std::string MonthsChart(const std::vector<SummaryRow>& months, ReportLang lang) {
  if (months.empty()) return "<p class=\"empty\">—</p>";
  const double height = 260, left = kLeft, right = kWidth - 8, top = 18, bottom = height - 28;
  int64_t hi = 1;
  for (const SummaryRow& r : months) hi = std::max({hi, r.income_minor, -r.spending_minor});
  YScale y{0, hi, top, bottom};
  const Currency& c = months.front().currency;
  std::string svg = Open(height, "income and spending per month") + Grid(y, left, right, c, lang);
  const double slot = (right - left) / static_cast<double>(months.size());
  const double bar = std::max(1.0, slot * 0.4);
  const size_t label_every = std::max<size_t>(1, months.size() / 8);
  for (size_t i = 0; i < months.size(); ++i) {
    const SummaryRow& r = months[i];
    const double x0 = left + slot * static_cast<double>(i) + slot * 0.1;
    std::string title = r.key + ": +" + LocaleMoney(r.income_minor, c, lang) + " / " +
                        LocaleMoney(r.spending_minor, c, lang);
    svg += "<g class=\"month\" data-month=\"" + r.key + "\" data-income=\"" + MoneyNumber(r.income_minor, c) +
           "\" data-spending=\"" + MoneyNumber(r.spending_minor, c) + "\"><title>" + HtmlEscape(title) + "</title>";
    svg += "<rect class=\"income\" x=\"" + Num(x0) + "\" y=\"" + Num(y(r.income_minor)) + "\" width=\"" +
           Num(bar) + "\" height=\"" + Num(bottom - y(r.income_minor)) + "\"/>";
    svg += "<rect class=\"spending\" x=\"" + Num(x0 + bar) + "\" y=\"" + Num(y(-r.spending_minor)) +
           "\" width=\"" + Num(bar) + "\" height=\"" + Num(bottom - y(-r.spending_minor)) + "\"/></g>";
    if (i % label_every == 0) {
      svg += "<text class=\"axis\" x=\"" + Num(x0 + bar) + "\" y=\"" + Num(height - 8) +
             "\" text-anchor=\"middle\">" + HtmlEscape(LocaleDate(r.key + "-01", lang, true)) + "</text>";
    }
  }
  return svg + "</svg>";
}

std::string CategoriesChart(const std::vector<SummaryRow>& categories, ReportLang lang) {
  std::vector<const SummaryRow*> spent;
  for (const SummaryRow& r : categories) {
    if (r.spending_minor < 0) spent.push_back(&r);
  }
  if (spent.empty()) return "<p class=\"empty\">—</p>";
  const double row = 30, left = 170, right = kWidth - 150;
  const double height = row * static_cast<double>(spent.size()) + 8;
  int64_t most = 1;
  for (const SummaryRow* r : spent) most = std::max(most, -r->spending_minor);
  std::string svg = Open(height, "spending per category");
  for (size_t i = 0; i < spent.size(); ++i) {
    const SummaryRow& r = *spent[i];
    const double y0 = 4 + row * static_cast<double>(i);
    const double w = (right - left) * static_cast<double>(-r.spending_minor) / static_cast<double>(most);
    std::string amount = LocaleMoney(r.spending_minor, r.currency, lang);
    svg += "<g class=\"category\" data-category=\"" + HtmlEscape(r.key) + "\" data-spending=\"" +
           MoneyNumber(r.spending_minor, r.currency) + "\"><title>" + HtmlEscape(r.key + ": " + amount) +
           "</title><text class=\"label\" x=\"" + Num(left - 6) + "\" y=\"" + Num(y0 + 18) +
           "\" text-anchor=\"end\">" + HtmlEscape(r.key) + "</text><rect class=\"spending\" x=\"" +
           Num(left) + "\" y=\"" + Num(y0 + 4) + "\" width=\"" + Num(std::max(1.0, w)) +
           "\" height=\"" + Num(row - 10) + "\"/><text class=\"value\" x=\"" + Num(left + w + 6) +
           "\" y=\"" + Num(y0 + 18) + "\">" + HtmlEscape(amount) + "</text></g>";
  }
  return svg + "</svg>";
}

}  // namespace freenahi
