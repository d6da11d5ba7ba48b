// SPDX-License-Identifier: MIT
// Human output: UTF-8 display width, aligned tables, ANSI colour rules, money text and totals.
// JSON and CSV writers live in output_json.cc; commands call these, never printf tables of their own.
#include "output.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <algorithm>

#include "money.h"

namespace freenahi {
namespace {

// Decodes one UTF-8 sequence at text[*pos]; advances *pos. Invalid bytes: one byte, -1.
int32_t NextCodepoint(std::string_view text, size_t* pos) {
  const unsigned char c = static_cast<unsigned char>(text[*pos]);
  size_t length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (length == 0 || *pos + length > text.size()) return ++*pos, -1;
  int32_t cp = length == 1 ? c : c & (0x7F >> length);
  for (size_t i = 1; i < length; ++i) {
    const unsigned char next = static_cast<unsigned char>(text[*pos + i]);
    if ((next & 0xC0) != 0x80) return ++*pos, -1;
    cp = (cp << 6) | (next & 0x3F);
  }
  *pos += length;
  return cp;
}

struct Range {
  int32_t first, last;
};

// Zero-width: combining marks, zero-width spaces/joiners, variation selectors.
constexpr Range kZeroWidth[] = {
    {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x0610, 0x061A}, {0x064B, 0x065F},
    {0x0E31, 0x0E31}, {0x0E34, 0x0E3A}, {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF}, {0x200B, 0x200F},
    {0x2028, 0x202E}, {0x2060, 0x2064}, {0x20D0, 0x20FF}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F},
    {0xFEFF, 0xFEFF}, {0xE0100, 0xE01EF},
};
// East Asian Wide and Fullwidth blocks, and the emoji planes terminals draw double.
constexpr Range kWide[] = {
    {0x1100, 0x115F}, {0x231A, 0x231B}, {0x2329, 0x232A}, {0x23E9, 0x23EC}, {0x25FD, 0x25FE},
    {0x2614, 0x2615}, {0x2648, 0x2653}, {0x26AA, 0x26AB}, {0x26BD, 0x26BE}, {0x2705, 0x2705},
    {0x2E80, 0x303E}, {0x3041, 0x33FF}, {0x3400, 0x4DBF}, {0x4E00, 0x9FFF}, {0xA000, 0xA4CF},
    {0xA960, 0xA97F}, {0xAC00, 0xD7A3}, {0xF900, 0xFAFF}, {0xFE10, 0xFE19}, {0xFE30, 0xFE6F},
    {0xFF00, 0xFF60}, {0xFFE0, 0xFFE6}, {0x1F300, 0x1F64F}, {0x1F900, 0x1F9FF},
    {0x20000, 0x3FFFD},
};

template <size_t N>
bool InRanges(const Range (&ranges)[N], int32_t cp) {
  for (const Range& r : ranges)
    if (cp >= r.first && cp <= r.last) return true;
  return false;
}

size_t CodepointWidth(int32_t cp) {
  if (cp < 0) return 1;
  if (cp < 0x300) return cp < 0x20 || (cp >= 0x7F && cp < 0xA0) ? 0 : 1;
  if (InRanges(kZeroWidth, cp)) return 0;
  return InRanges(kWide, cp) ? 2 : 1;
}

const char* ToneCode(Tone tone) {
  switch (tone) {
    case Tone::kPlain: return "";
    case Tone::kHeader: return "\033[1m";
    case Tone::kNegative: return "\033[31m";
    case Tone::kPositive: return "\033[32m";
    case Tone::kDim: return "\033[2m";
    case Tone::kWarn: return "\033[33m";
    case Tone::kTotal: return "\033[1m";
  }
  return "";
}

}  // namespace

size_t DisplayWidth(std::string_view utf8) {
  size_t width = 0;
  for (size_t pos = 0; pos < utf8.size();) width += CodepointWidth(NextCodepoint(utf8, &pos));
  return width;
}

std::string TruncateToWidth(std::string_view utf8, size_t width) {
  if (DisplayWidth(utf8) <= width) return std::string(utf8);
  if (width == 0) return std::string();
  size_t used = 0, pos = 0;
  while (pos < utf8.size()) {
    size_t next = pos;
    size_t w = CodepointWidth(NextCodepoint(utf8, &next));
    if (used + w > width - 1) break;  // keep one column for the ellipsis
    used += w;
    pos = next;
  }
  return std::string(utf8.substr(0, pos)) + "\u2026";
}

std::string OneLine(std::string_view utf8) {
  std::string out(utf8);
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
  return out;
}

std::string MoneyNumber(int64_t minor, const Currency& currency) {
  return FormatMinorUnits(minor, currency.precision);
}

std::string MoneyText(int64_t minor, const Currency& currency) {
  return FormatMinorUnits(minor, currency.precision) + " " + currency.code;
}

void CurrencyTotals::Add(const Currency& currency, int64_t minor) {
  auto it = entries_.find(currency.code);
  if (it == entries_.end()) it = entries_.emplace(currency.code, Entry{currency, 0, 0}).first;
  Entry& e = it->second;
  if (__builtin_add_overflow(e.minor, minor, &e.minor)) overflowed_ = true;
  ++e.count;
}

Style Style::For(FILE* stream, bool no_color_flag) {
  if (no_color_flag || !isatty(fileno(stream))) return Style(false);
  const char* no_color = getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') return Style(false);
  const char* term = getenv("TERM");
  if (term == nullptr || strcmp(term, "dumb") == 0) return Style(false);
  return Style(true);
}

std::string Style::Paint(std::string_view text, Tone tone) const {
  if (!color_ || tone == Tone::kPlain || text.empty()) return std::string(text);
  return std::string(ToneCode(tone)) + std::string(text) + "\033[0m";
}

Table::Table(std::vector<Column> columns) : columns_(std::move(columns)) {}

void Table::AddRow(std::vector<Cell> cells) { rows_.push_back(std::move(cells)); }
void Table::AddTotal(std::vector<Cell> cells) { totals_.push_back(std::move(cells)); }

void Table::PrintLine(FILE* out, const Style& style, const std::vector<Cell>& cells,
                      const std::vector<size_t>& widths, Tone line_tone) const {
  std::string line, pending_spaces;
  for (size_t i = 0; i < columns_.size(); ++i) {
    std::string text = i < cells.size() ? cells[i].text : std::string();
    Tone tone = line_tone != Tone::kPlain ? line_tone : i < cells.size() ? cells[i].tone : Tone::kPlain;
    size_t pad = widths[i] - std::min(widths[i], DisplayWidth(text));
    if (i > 0) pending_spaces += "  ";
    if (columns_[i].align == Align::kRight) pending_spaces.append(pad, ' ');
    if (!text.empty()) {
      line += pending_spaces + style.Paint(text, tone);
      pending_spaces.clear();
    }
    if (columns_[i].align == Align::kLeft) pending_spaces.append(pad, ' ');
  }
  line += '\n';
  fwrite(line.data(), 1, line.size(), out);
}

void Table::Print(FILE* out, const Style& style) const {
  std::vector<size_t> widths(columns_.size());
  std::vector<Cell> header;
  auto fit = [this](const std::vector<Cell>& cells) {
    std::vector<Cell> fitted = cells;
    for (size_t i = 0; i < fitted.size() && i < columns_.size(); ++i) {
      fitted[i].text = OneLine(fitted[i].text);
      if (columns_[i].max_width) fitted[i].text = TruncateToWidth(fitted[i].text, columns_[i].max_width);
    }
    return fitted;
  };
  std::vector<std::vector<Cell>> rows, totals;
  for (const auto& r : rows_) rows.push_back(fit(r));
  for (const auto& r : totals_) totals.push_back(fit(r));
  for (size_t i = 0; i < columns_.size(); ++i) {
    header.emplace_back(columns_[i].title);
    widths[i] = DisplayWidth(columns_[i].title);
  }
  for (const auto* group : {&rows, &totals})
    for (const auto& r : *group)
      for (size_t i = 0; i < r.size() && i < widths.size(); ++i)
        widths[i] = std::max(widths[i], DisplayWidth(r[i].text));
  PrintLine(out, style, header, widths, Tone::kHeader);
  for (const auto& r : rows) PrintLine(out, style, r, widths, Tone::kPlain);
  if (totals.empty()) return;
  size_t total_width = 0;
  for (size_t w : widths) total_width += w;
  total_width += 2 * (widths.empty() ? 0 : widths.size() - 1);
  std::string rule(total_width, '-');
  fprintf(out, "%s\n", style.Paint(rule, Tone::kDim).c_str());
  for (const auto& r : totals) PrintLine(out, style, r, widths, Tone::kTotal);
}

}  // namespace freenahi
