// SPDX-License-Identifier: MIT
#include "output.h"

#include <cstdio>
#include <string>

#include "catch.h"
#include "test_util.h"

namespace freenahi {
namespace {

// Runs `print` with a FILE backed by memory and returns what it wrote.
template <typename F>
std::string Capture(F print) {
  char* data = nullptr;
  size_t size = 0;
  FILE* f = open_memstream(&data, &size);
  REQUIRE(f != nullptr);
  print(f);
  fclose(f);
  std::string out(data, size);
  free(data);
  return out;
}

TEST_CASE("output: display width counts characters, wide CJK and zero-width marks", "[output]") {
  CHECK(DisplayWidth("Compte de dépôt") == 15);
  CHECK(DisplayWidth("Compte de de\xCC\x81po\xCC\x82t") == 15);  // combining accents: 0
  CHECK(DisplayWidth("日本") == 4);
  CHECK(DisplayWidth("abc") == 3);
  CHECK(DisplayWidth("\xFF") == 1);  // an invalid byte counts one
  CHECK(TruncateToWidth("Compte de dépôt", 8) == "Compte \u2026");
  CHECK(TruncateToWidth("日本語", 4) == "日\u2026");
  CHECK(TruncateToWidth("abc", 3) == "abc");
}

TEST_CASE("output: table columns align by display width, amounts right", "[output]") {
  Table table({{"ACCOUNT"}, {"BALANCE", Table::Align::kRight}, {"NOTE"}});
  table.AddRow({"Compte de dépôt", "1523.47 EUR", "ok"});
  table.AddRow({"Livret A", "-8.00 EUR", ""});
  table.AddRow({"口座", "0.10 EUR", "x"});
  table.AddTotal({"total", "1515.57 EUR"});
  std::string out = Capture([&](FILE* f) { table.Print(f, Style::Plain()); });
  CHECK(out ==
        "ACCOUNT              BALANCE  NOTE\n"
        "Compte de dépôt  1523.47 EUR  ok\n"
        "Livret A           -8.00 EUR\n"
        "口座                0.10 EUR  x\n"
        "----------------------------------\n"
        "total            1515.57 EUR\n");
}

TEST_CASE("output: colour only when asked, never for a pipe", "[output]") {
  CHECK(Style::Plain().Paint("x", Tone::kNegative) == "x");
  FILE* pipe = tmpfile();
  CHECK_FALSE(Style::For(pipe, false).color());
  fclose(pipe);
}

TEST_CASE("output: JSON writer nests, escapes, and keeps money exact", "[output]") {
  std::string out;
  {
    JsonWriter w(&out);
    w.BeginObject();
    w.Field("name", "Caf\xC3\xA9 \"du\" coin\n\t\\");
    w.Key("amounts");
    w.BeginArray();
    w.Money(-4290, 2);
    w.Money(1, 2);
    w.Money(5, 0);
    w.EndArray();
    w.Field("n", int64_t{-7});
    w.Field("ok", true);
    w.Field("none", std::optional<std::string>());
    w.Field("bad", "\xFF\x01");
    w.Key("empty");
    w.BeginObject();
    w.EndObject();
    w.EndObject();
    w.EndDocument();
  }
  CHECK(out ==
        "{\"name\":\"Café \\\"du\\\" coin\\n\\t\\\\\",\"amounts\":[\"-42.90\",\"0.01\",\"5\"],"
        "\"n\":-7,\"ok\":true,\"none\":null,\"bad\":\"\xEF\xBF\xBD\\u0001\",\"empty\":{}}\n");
}

TEST_CASE("output: CSV follows RFC 4180", "[output]") {
  CHECK(CsvField("plain") == "plain");
  CHECK(CsvField("a,b") == "\"a,b\"");
  CHECK(CsvField("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(CsvField("two\nlines") == "\"two\nlines\"");
  CHECK(CsvField(" padded") == "\" padded\"");
  std::string out = Capture([](FILE* f) {
    CsvWriter csv(f, {"id", "wording"});
    csv.Row({"1", "CB CAFÉ, PARIS"});
  });
  CHECK(out == "id,wording\r\n1,\"CB CAFÉ, PARIS\"\r\n");
}

TEST_CASE("output: totals per currency are exact over many small amounts", "[output]") {
  CurrencyTotals totals;
  for (int i = 0; i < 100000; ++i) totals.Add(Currency{"EUR", 2}, 1);
  totals.Add(Currency{"USD", 2}, -5);
  REQUIRE(totals.entries().size() == 2);
  const auto& eur = totals.entries().at("EUR");
  CHECK(MoneyText(eur.minor, eur.currency) == "1000.00 EUR");
  CHECK(eur.count == 100000);
  CHECK(MoneyText(totals.entries().at("USD").minor, Currency{"USD", 2}) == "-0.05 USD");
  CHECK_FALSE(totals.overflowed());
}

}  // namespace
}  // namespace freenahi
