// SPDX-License-Identifier: MIT
// The one output layer of the CLI: aligned human tables (UTF-8 display width, colour only on a
// TTY without NO_COLOR), a streaming JSON writer and RFC 4180 CSV, plus exact money text and
// per-currency totals. Knows nothing of the store; every command prints through it.
#ifndef FREENAHI_OUTPUT_H_
#define FREENAHI_OUTPUT_H_

#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model.h"

namespace freenahi {

enum class OutputFormat { kTable, kJson, kCsv };

// Columns a terminal needs for `utf8`: combining marks and zero-width characters count 0, East
// Asian wide/fullwidth characters (CJK, Hangul, most emoji) 2, everything else 1. Invalid bytes
// count 1 each.
size_t DisplayWidth(std::string_view utf8);

// `utf8` cut to at most `width` columns, ending in "…" when cut. Never splits a character.
std::string TruncateToWidth(std::string_view utf8, size_t width);

// Control characters (tabs, newlines from a bank's wording) replaced by spaces, for one table cell.
std::string OneLine(std::string_view utf8);

// Exact money text: "-42.90 EUR" (never through double).
std::string MoneyText(int64_t minor, const Currency& currency);
// Only the number: "-42.90".
std::string MoneyNumber(int64_t minor, const Currency& currency);

// Sums of minor units per currency code, in code order. Overflow saturates and is reported.
class CurrencyTotals {
 public:
  void Add(const Currency& currency, int64_t minor);
  struct Entry {
    Currency currency;
    int64_t minor = 0;
    int64_t count = 0;
  };
  const std::map<std::string, Entry>& entries() const { return entries_; }
  bool overflowed() const { return overflowed_; }

 private:
  std::map<std::string, Entry> entries_;
  bool overflowed_ = false;
};

// ANSI styling, enabled only when asked for a TTY, NO_COLOR unset or empty, TERM not "dumb".
enum class Tone { kPlain, kHeader, kNegative, kPositive, kDim, kWarn, kTotal };
class Style {
 public:
  static Style For(FILE* stream, bool no_color_flag);
  static Style Plain() { return Style(false); }
  bool color() const { return color_; }
  // `text` wrapped in the tone's escape codes (unchanged without colour).
  std::string Paint(std::string_view text, Tone tone) const;

 private:
  explicit Style(bool color) : color_(color) {}
  bool color_;
};

// A human table: rows are buffered, then printed with every column as wide as its widest cell
// (by display width); right-aligned columns are for amounts. Totals follow a rule line.
class Table {
 public:
  enum class Align { kLeft, kRight };
  struct Column {
    std::string title;
    Align align = Align::kLeft;
    size_t max_width = 0;  // 0: unlimited; wider cells are cut with "…"
  };
  struct Cell {
    Cell(std::string t) : text(std::move(t)) {}  // NOLINT: implicit, rows read as lists
    Cell(const char* t) : text(t) {}               // NOLINT
    Cell(std::string t, Tone c) : text(std::move(t)), tone(c) {}
    std::string text;
    Tone tone = Tone::kPlain;
  };
  explicit Table(std::vector<Column> columns);
  void AddRow(std::vector<Cell> cells);
  void AddTotal(std::vector<Cell> cells);  // printed below a rule, in the total tone
  size_t rows() const { return rows_.size(); }
  // Prints the header, rows, then totals. Trailing spaces are never printed.
  void Print(FILE* out, const Style& style) const;

 private:
  void PrintLine(FILE* out, const Style& style, const std::vector<Cell>& cells,
                 const std::vector<size_t>& widths, Tone line_tone) const;
  std::vector<Column> columns_;
  std::vector<std::vector<Cell>> rows_;
  std::vector<std::vector<Cell>> totals_;
};

// Streams one JSON document to a FILE (or a string): commas, nesting and escaping are handled
// here. Money goes out as an exact decimal string. Invalid UTF-8 bytes become U+FFFD.
class JsonWriter {
 public:
  explicit JsonWriter(FILE* out) : out_(out) {}
  explicit JsonWriter(std::string* sink) : sink_(sink) {}
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;
  ~JsonWriter() { Flush(); }

  void BeginObject();
  void EndObject();
  void BeginArray();
  void EndArray();
  void Key(std::string_view key);
  void String(std::string_view value);
  void Int(int64_t value);
  void Bool(bool value);
  void Null();
  void Money(int64_t minor, int precision);  // "-42.90"
  // Convenience: Key then value.
  void Field(std::string_view key, std::string_view value) { Key(key), String(value); }
  void Field(std::string_view key, const char* value) { Key(key), String(value); }
  void Field(std::string_view key, const std::string& value) { Key(key), String(value); }
  void Field(std::string_view key, int64_t value) { Key(key), Int(value); }
  void Field(std::string_view key, bool value) { Key(key), Bool(value); }
  template <typename T>
  void Field(std::string_view key, const std::optional<T>& value) {
    if (value) return Field(key, *value);
    Key(key), Null();
  }
  // Ends the document with a newline (one document per line for NDJSON) and resets the state.
  void EndDocument();
  void Flush();

 private:
  void BeforeValue();
  void Raw(std::string_view text);
  FILE* out_ = nullptr;
  std::string* sink_ = nullptr;
  std::string buffer_;
  std::vector<bool> first_;  // per open container: no element written yet
  bool after_key_ = false;
};

// RFC 4180 CSV: a header row, CRLF line ends, fields quoted when they hold a comma, quote, CR, LF
// or leading/trailing space (quotes doubled).
class CsvWriter {
 public:
  CsvWriter(FILE* out, const std::vector<std::string>& header);
  void Row(const std::vector<std::string>& fields);

 private:
  FILE* out_;
  std::string line_;
};
std::string CsvField(std::string_view field);

}  // namespace freenahi

#endif  // FREENAHI_OUTPUT_H_
