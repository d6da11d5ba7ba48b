// SPDX-License-Identifier: MIT
// freenahi_cli_fill: fills a database for scripts/bench-cli.sh through the real store (inbox
// row + ApplyInbox, 10,000 transactions per payload): N transactions over 20 accounts (two
// connections) and 10 years up to END, with French and English wordings, ~1% pending (the
// newest) and ~1% deleted. Deterministic. `freenahi_cli_fill DB N END(YYYY-MM-DD)`.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "model.h"
#include "paris_time.h"
#include "store.h"

namespace freenahi {
namespace {

const char* const kMerchants[] = {
    "CARREFOUR MARKET PARIS 15", "MONOPRIX SAINT-GERMAIN", "BOULANGERIE PÂTISSERIE DU MARCHÉ",
    "SNCF VOYAGEURS", "CAFÉ DE LA GARE", "UBER BV", "NETFLIX.COM", "AMAZON EU SARL",
    "TOTALÉNERGIES STATION", "PHARMACIE CENTRALE", "DELIVEROO FRANCE", "TESCO STORES LONDON",
    "STARBUCKS COFFEE", "DÉCATHLON LYON", "FNAC DARTY", "LEROY MERLIN", "PICARD SURGELÉS",
    "LIBRAIRIE DU PARC", "BOOKSHOP LONDON", "RESTAURANT LE PETIT ZINC", "APPLE.COM/BILL",
    "SPOTIFY AB", "IKEA FRANCE", "LIDL ÉPINAY", "AUCHAN HYPERMARCHÉ", "E.LECLERC DRIVE",
};
const char* const kDebits[] = {
    "PRLV SEPA EDF CLIENTS PARTICULIERS", "PRLV SEPA FREE MOBILE", "PRLV SEPA ASSURANCE MAIF",
    "PRLV SEPA LOYER SCI DES LILAS", "FRAIS TENUE DE COMPTE", "RETRAIT DAB BNP PARIS",
};
const char* const kCredits[] = {
    "VIR SEPA RECU /DE ACME INDUSTRIES SAS /MOTIF SALAIRE", "VIR CAF ALLOCATIONS FAMILIALES",
    "REMBOURSEMENT CPAM SÉCURITÉ SOCIALE", "VIR SEPA RECU /DE JOHN SMITH /MOTIF RENT SHARE",
};
const char* const kTypes[] = {"checking", "checking", "savings", "card", "checking",
                              "savings", "market", "checking", "loan", "checking"};

uint64_t state = 42;
uint64_t Next() {
  state = state * 6364136223846793005ULL + 1442695040888963407ULL;
  return state >> 33;
}

std::string DateOf(int64_t days) { return ParisDate(days * 86400 + 43200); }

void Fill(Transaction* t, int64_t id, const std::string& date, int64_t now) {
  t->id = id;
  t->date = date;
  t->vdate = date;
  uint64_t r = Next() % 100;
  std::string label;
  if (r < 80) {
    label = kMerchants[Next() % (sizeof kMerchants / sizeof *kMerchants)];
    t->type = "card";
    t->value_minor = -static_cast<int64_t>(100 + Next() % 15000);
    t->original_wording = "CARTE X4821 " + date.substr(8, 2) + "/" + date.substr(5, 2) + " " + label;
  } else if (r < 92) {
    label = kDebits[Next() % (sizeof kDebits / sizeof *kDebits)];
    t->type = "order";
    t->value_minor = -static_cast<int64_t>(1000 + Next() % 90000);
    t->original_wording = label + " REF " + std::to_string(Next() % 1000000);
  } else {
    label = kCredits[Next() % (sizeof kCredits / sizeof *kCredits)];
    t->type = "transfer";
    t->value_minor = static_cast<int64_t>(5000 + Next() % 300000);
    t->original_wording = label + " " + date;
    t->counterparty = Counterparty{label.substr(0, 30), "iban", "FR7630006000011234567890189", "debtor"};
  }
  t->simplified_wording = label;
  t->wording = label;
  t->last_update = now;
}

}  // namespace
}  // namespace freenahi

int main(int argc, char** argv) {
  using namespace freenahi;
  if (argc != 4) {
    fprintf(stderr, "usage: freenahi_cli_fill DB N END_DATE\n");
    return 2;
  }
  const std::string end = argv[3];
  const int64_t total = std::atoll(argv[2]);
  const int64_t end_days = DaysFromCivil(std::atoi(end.substr(0, 4).c_str()),
                                         std::atoi(end.substr(5, 2).c_str()),
                                         std::atoi(end.substr(8, 2).c_str()));
  const int64_t span_days = 3653;
  Result<std::unique_ptr<Store>> store = Store::Open(argv[1]);
  if (!store.ok()) return fprintf(stderr, "%s\n", store.status().message().c_str()), 1;
  constexpr int kAccounts = 20, kPerPayload = 10000;
  int64_t next_id = 1, written = 0, now = end_days * 86400;
  for (int64_t batch = 0; written < total; ++batch) {
    Payload payload;
    payload.webhook_id = batch + 1;
    Connection& conn = payload.connection.emplace();
    conn.id = 1;
    conn.user_id = 1;
    conn.connector_name = "Banque Exemple";
    conn.last_update = now;
    for (int a = 0; a < kAccounts; ++a) {
      Account& account = conn.accounts.emplace_back();
      account.id = 100 + a;
      account.connection_id = 1;
      account.user_id = 1;
      account.name = (a % 10 == 0 ? "Compte de dépôt " : a % 10 == 2 ? "Livret A " : "Account ") + std::to_string(a);
      account.type = kTypes[a % 10];
      account.number = "0000" + std::to_string(12345670 + a);
      account.balance_minor = static_cast<int64_t>(Next() % 5000000) * (account.type == "loan" ? -1 : 1);
      account.last_update = now;
    }
    for (int i = 0; i < kPerPayload && written < total; ++i, ++written) {
      const int64_t day = end_days - span_days + written * span_days / total;
      Account& account = conn.accounts[Next() % kAccounts];
      Transaction& t = account.transactions.emplace_back();
      Fill(&t, next_id++, DateOf(day), now);
      t.coming = written >= total - total / 100;
      if (Next() % 100 == 0) t.deleted = now;
    }
    Result<bool> inserted = (*store)->InsertInbox(payload.webhook_id, "connection_synced", 1, "{}", now);
    if (!inserted.ok()) return fprintf(stderr, "%s\n", inserted.status().message().c_str()), 1;
    Status applied = (*store)->ApplyInbox(batch + 1, payload, now);
    if (!applied.ok()) return fprintf(stderr, "%s\n", applied.message().c_str()), 1;
  }
  Status checkpoint = (*store)->Checkpoint();
  printf("filled %lld transactions\n", static_cast<long long>(written));
  return checkpoint.ok() ? 0 : 1;
}
