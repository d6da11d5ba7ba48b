// SPDX-License-Identifier: MIT
// A deterministic generator of CONNECTION_SYNCED bodies shaped like Powens' (tests/data/powens):
// several accounts and currencies (EUR, USD, JPY with precision 0, BTC with 8), French and
// English wordings with escapes and accents, pending and deleted transactions, foreign amounts,
// counterparties, categories, a loan, investments, and members freenahi does not read. "Update"
// bodies re-send part of an earlier body, change part and delete part. Header-only: used by
// freenahi_bench (figures) and payload_stream_test (differential test).
#ifndef FREENAHI_TESTS_BENCH_PAYLOAD_GEN_H_
#define FREENAHI_TESTS_BENCH_PAYLOAD_GEN_H_

#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <string>

namespace freenahi {
namespace payload_gen {

struct Options {
  int64_t transactions = 1000;
  int64_t webhook_id = 7770001;
  uint64_t seed = 1;
  // Update body: for the first `transactions` ids of the body made with the same seed, re-send
  // 1 in 2 unchanged, change 1 in 4 (newer last_update), delete 1 in 8; plus 1 in 10 new ones.
  bool update = false;
  // The second account sends "currency" and "id" after its arrays (ParsePayload's order does
  // not matter; the streaming parse then keeps that account's arrays in memory).
  bool late_currency = false;
  bool padding = true;  // big members freenahi does not read, as Powens sends ("information")
};

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed * 6364136223846793005ULL + 1442695040888963407ULL) {}
  uint64_t Next() {
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return state_ * 2685821657736338717ULL;
  }
  int64_t Below(int64_t n) { return static_cast<int64_t>(Next() % static_cast<uint64_t>(n)); }

 private:
  uint64_t state_;
};

struct AccountSpec {
  int64_t id;
  const char* name;
  const char* type;
  const char* currency;
  int precision;
};

constexpr AccountSpec kAccounts[] = {
    {2881, "Compte de d\\u00e9p\\u00f4t", "checking", "EUR", 2},
    {2882, "Livret A", "savings", "EUR", 2},
    {2883, "US Checking \\\"Main\\\"", "checking", "USD", 2},
    {2884, "Carte Tokyo", "card", "JPY", 0},
    {2885, "Portefeuille crypto", "market", "BTC", 8},
};
constexpr int kNumAccounts = sizeof(kAccounts) / sizeof(kAccounts[0]);

constexpr const char* kWordings[] = {
    "CARTE X4821 LECLERC PARIS 11",
    "PRLV SEPA EDF CLIENTS PARTICULIERS",
    "VIR SEPA RECU /DE M. DUPONT /MOTIF loyer",
    "CB BOULANGERIE DU MARCH\xc3\x89",
    "Card payment AMAZON EU SARL",
    "Direct debit SPOTIFY AB",
    "Transfer from SAVINGS \\\"rainy day\\\"",
    "RETRAIT DAB 12/03 CR\xc3\x89" "DIT AGRICOLE",
    "ECH PRET IMMO 0012345 \\/ mensualit\\u00e9",
    "Salary ACME Ltd \\u2014 March",
};
constexpr int kNumWordings = sizeof(kWordings) / sizeof(kWordings[0]);

inline void Append(std::string* out, const char* format, ...) __attribute__((format(printf, 2, 3)));
inline void Append(std::string* out, const char* format, ...) {
  char buffer[1024];
  va_list args;
  va_start(args, format);
  int n = std::vsnprintf(buffer, sizeof(buffer), format, args);
  va_end(args);
  out->append(buffer, static_cast<size_t>(n < 0 ? 0 : n));
}

// An amount at `precision` as JSON: a number, or (1 in 5) a string, as Powens sometimes sends.
inline std::string Amount(Rng* rng, int64_t minor, int precision) {
  std::string sign = minor < 0 ? "-" : "";
  uint64_t m = static_cast<uint64_t>(minor < 0 ? -minor : minor);
  std::string text = sign + std::to_string(m);
  if (precision > 0) {
    uint64_t scale = 1;
    for (int i = 0; i < precision; ++i) scale *= 10;
    std::string frac = std::to_string(m % scale);
    frac.insert(0, static_cast<size_t>(precision) - frac.size(), '0');
    text = sign + std::to_string(m / scale) + "." + frac;
  }
  return rng->Below(5) == 0 ? "\"" + text + "\"" : text;
}

// One transaction; `version` > 0 changes its value, wording and last_update.
inline void Transaction(std::string* out, Rng* rng, const AccountSpec& a, int64_t t, int version,
                        bool deleted, const Options& o) {
  Rng fixed(static_cast<uint64_t>(t) * 7919 + 17);  // what does not change between versions
  const int day = 1 + static_cast<int>(t % 28), month = 1 + static_cast<int>((t / 28) % 12);
  int64_t minor = fixed.Below(200000) - 150000;
  if (a.precision == 8) minor = fixed.Below(5000000) - 2500000;
  minor += version * 1000;
  Append(out, "{\"id\":%lld,\"id_account\":%lld,\"application_date\":\"2023-%02d-%02d\",",
         static_cast<long long>(300000 + t), static_cast<long long>(a.id), month, day);
  Append(out, "\"date\":\"2023-%02d-%02d\",\"datetime\":%s,\"vdate\":\"2023-%02d-%02d\",", month,
         day, fixed.Below(3) == 0 ? "\"2023-03-14 08:01:55\"" : "null", month, day);
  Append(out, "\"rdate\":\"2023-%02d-%02d\",\"rdatetime\":null,\"value\":%s,", month, day,
         Amount(rng, minor, a.precision).c_str());
  Append(out, "\"gross_value\":%s,\"type\":\"%s\",",
         fixed.Below(4) == 0 ? Amount(rng, minor, a.precision).c_str() : "null",
         fixed.Below(2) ? "card" : "transfer");
  const char* wording = kWordings[(fixed.Below(kNumWordings) + version) % kNumWordings];
  Append(out, "\"original_wording\":\"%s %lld\",\"simplified_wording\":\"%s\",", wording,
         static_cast<long long>(t), wording);
  Append(out, "\"stemmed_wording\":\"x\",\"wording\":\"%s%s\",", wording, version ? " (v2)" : "");
  const int cats = static_cast<int>(fixed.Below(3));
  out->append("\"categories\":[");
  for (int c = 0; c < cats; ++c) {
    Append(out, "%s{\"code\":\"c%d\",\"parent_code\":\"p%d\",\"id\":%d}", c ? "," : "", c, c, c);
  }
  const bool coming = fixed.Below(20) == 0 && version == 0;
  Append(out, "],\"id_category\":9998,\"coming\":%s,\"active\":%s,\"id_cluster\":null,",
         coming ? "true" : "false", fixed.Below(50) == 0 ? "false" : "true");
  Append(out, "\"last_update\":\"2024-03-%02d 08:%02d:55\",\"deleted\":%s,", 14 + version,
         static_cast<int>(t % 60), deleted ? "\"2024-03-20 10:00:00\"" : "null");
  if (fixed.Below(6) == 0) {
    Append(out, "\"original_value\":%s,\"original_currency\":%s,",
           Amount(rng, minor * 3, 2).c_str(),
           fixed.Below(2) ? "\"GBP\"" : "{\"id\":\"CHF\",\"symbol\":\"CHF\",\"precision\":2}");
  } else {
    out->append("\"original_value\":null,\"original_currency\":null,");
  }
  Append(out, "\"card\":%s,", fixed.Below(2) ? "\"XXXXXXXXXXXX4821\"" : "null");
  if (fixed.Below(3) == 0) {
    out->append("\"counterparty\":null,");
  } else {
    Append(out, "\"counterparty\":{\"label\":\"%s\",\"account_scheme_name\":\"iban\",", wording);
    out->append("\"account_identification\":\"FR7612739000709876543210987\",\"type\":\"creditor\"},");
  }
  out->append("\"state\":\"parsed\",\"documents_count\":0");
  if (o.padding) {
    out->append(",\"information\":{\"padding\":\"0123456789012345678901234567890123456789");
    out->append("0123456789012345678901234567890123456789\",\"nested\":[[1,2],{\"a\":[]}]}");
  }
  out->push_back('}');
}

inline void Investments(std::string* out, const AccountSpec& a) {
  out->append(",\"investments\":[");
  for (int i = 0; i < 3; ++i) {
    Append(out, "%s{\"id\":%d,\"id_account\":%lld,\"label\":\"Fonds %c\",\"code\":\"FR00000%05d\",",
           i ? "," : "", 9100 + i, static_cast<long long>(a.id), 'A' + i, i);
    Append(out, "\"code_type\":\"ISIN\",\"quantity\":%d.125,\"unitprice\":\"101.3333\",", i + 1);
    Append(out, "\"unitvalue\":102.5,\"valuation\":\"%d.12345678\",\"diff\":-0.5,", 1000 + i);
    out->append("\"vdate\":\"2024-03-13\",\"last_update\":\"2024-03-14 08:02:00\",\"deleted\":null}");
  }
  out->push_back(']');
}

inline void AccountHead(std::string* out, const AccountSpec& a, bool with_id_currency) {
  if (with_id_currency) {
    Append(out, "\"id\":%lld,\"currency\":{\"id\":\"%s\",\"symbol\":\"x\",\"precision\":%d},",
           static_cast<long long>(a.id), a.currency, a.precision);
  }
  Append(out, "\"id_connection\":317,\"id_user\":1042,\"number\":\"000%lld\",",
         static_cast<long long>(a.id));
  const char* balance = a.precision == 0 ? "152347" : a.precision == 8 ? "0.15234700" : "1523.47";
  Append(out, "\"original_name\":\"%s\",\"name\":\"%s\",\"balance\":\"%s\",", a.name, a.name,
         balance);
  Append(out, "\"coming\":null,\"last_update\":\"2024-03-14 08:02:09\",\"deleted\":null,");
  Append(out, "\"disabled\":null,\"iban\":\"FR7630001007941234567%05lld\",\"type\":\"%s\",",
         static_cast<long long>(a.id), a.type);
  out->append("\"usage\":\"PRIV\",");
  if (a.id == 2882) {
    out->append("\"loan\":{\"total_amount\":200000,\"rate\":\"1.25\",\"nb_payments_left\":\"120\",");
    out->append("\"maturity_date\":\"2034-03-01\",\"type\":\"mortgage\",\"duration\":240},");
  } else {
    out->append("\"loan\":null,");
  }
}

// The body. Transaction ids are 300000 + t for t in [0, n) (update: some beyond).
inline std::string Generate(const Options& o) {
  Rng rng(o.seed * 31 + (o.update ? 7 : 0));
  std::string out;
  out.reserve(static_cast<size_t>(o.transactions) * 1100 + 4096);
  Append(&out, "{\"id_webhook_data\":%lld,", static_cast<long long>(o.webhook_id));
  out.append("\"user\":{\"id\":1042,\"signin\":\"2024-03-01 09:12:44\",\"platform\":\"sharedAccess\"},");
  out.append("\"connection\":{\"id\":317,\"id_user\":1042,\"id_connector\":40,\"state\":null,");
  out.append("\"error_message\":null,\"last_update\":\"2024-03-14 08:02:11\",");
  out.append("\"created\":\"2024-03-01 09:15:03\",\"active\":true,\"fields\":[{\"name\":\"x\"}],");
  out.append("\"connector\":{\"id\":40,\"uuid\":\"7c1e5b8a-2f44-4d1b-9e3a-6b0f2d9c1a57\",");
  out.append("\"name\":\"Connecteur de test\"},\"accounts\":[");
  const int64_t total = o.update ? o.transactions + o.transactions / 10 : o.transactions;
  for (int ai = 0; ai < kNumAccounts; ++ai) {
    const AccountSpec& a = kAccounts[ai];
    const bool late = o.late_currency && ai == 1;
    out.append(ai ? ",{" : "{");
    AccountHead(&out, a, !late);
    out.append("\"transactions\":[");
    bool first = true;
    for (int64_t t = ai; t < total; t += kNumAccounts) {
      int version = 0;
      bool deleted = false;
      if (o.update && t < o.transactions) {
        const int64_t r = (t * 2654435761LL) % 8;
        if (r >= 4 && r < 6) continue;  // not re-sent
        if (r == 6) version = 1;        // changed
        if (r == 7) deleted = true;     // deleted at the bank
      }
      if (!first) out.push_back(',');
      first = false;
      Transaction(&out, &rng, a, t, version, deleted, o);
    }
    out.push_back(']');
    if (a.id == 2885) Investments(&out, a);
    if (late) {
      Append(&out, ",\"id\":%lld,\"currency\":{\"id\":\"%s\",\"precision\":%d}",
             static_cast<long long>(a.id), a.currency, a.precision);
    }
    out.push_back('}');
  }
  out.append("],\"subscriptions\":[]}}\n");
  return out;
}

}  // namespace payload_gen
}  // namespace freenahi

#endif  // FREENAHI_TESTS_BENCH_PAYLOAD_GEN_H_
