// SPDX-License-Identifier: MIT
// Plain Powens records as freenahi keeps them: what payload.cc fills from JSON and store.cc writes
// to SQLite. Knows neither JSON nor SQLite. Money is integer minor units at the currency's
// precision; datetimes are UTC seconds since the epoch; bank dates stay "YYYY-MM-DD" text.
#ifndef FREENAHI_MODEL_H_
#define FREENAHI_MODEL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace freenahi {

using UnixSeconds = int64_t;  // seconds since 1970-01-01T00:00:00Z

// The webhook events freenahi accepts, one URL path each: /webhook/<name>/.
enum class WebhookEvent {
  kConnectionSynced,
  kConnectionDeleted,
  kAccountSynced,
  kAccountsFetched,
  kAccountEnabled,
  kAccountDisabled,
  kUserDeleted,
};
// Every event, in route order.
constexpr WebhookEvent kAllWebhookEvents[] = {
    WebhookEvent::kConnectionSynced, WebhookEvent::kConnectionDeleted, WebhookEvent::kAccountSynced,
    WebhookEvent::kAccountsFetched,  WebhookEvent::kAccountEnabled,    WebhookEvent::kAccountDisabled,
    WebhookEvent::kUserDeleted,
};
// "connection_synced" ... ; the path segment and the name stored in the inbox.
const char* WebhookEventName(WebhookEvent event);
// Inverse of WebhookEventName; nullopt for an unknown name.
std::optional<WebhookEvent> WebhookEventFromName(const std::string& name);

struct Currency {
  std::string code = "EUR";  // ISO 4217 or Powens' id ("EUR", "USD", "BTC")
  int precision = 2;         // decimals of the minor unit
};

struct Counterparty {
  std::string label;
  std::string account_scheme_name;     // "iban", ...
  std::string account_identification;  // e.g. the IBAN
  std::string type;                    // "debtor" | "creditor"
};

struct Category {
  std::string code;
  std::string parent_code;
};

struct Transaction {
  int64_t id = 0;
  int64_t account_id = 0;
  std::string date;  // YYYY-MM-DD, the bank's calendar date, never shifted
  std::optional<std::string> rdate, vdate, application_date;  // YYYY-MM-DD
  std::optional<UnixSeconds> datetime;                         // given in UTC by Powens
  int64_t value_minor = 0;                    // signed, at the account currency's precision
  std::optional<int64_t> gross_value_minor;   // same precision
  std::string type;                           // "card", "transfer", ...
  std::string original_wording, simplified_wording, wording;
  bool coming = false;  // true = pending, not yet booked
  bool active = true;
  std::optional<UnixSeconds> deleted;      // removed at the bank (soft delete); Paris → UTC
  std::optional<UnixSeconds> last_update;  // Paris → UTC; orders competing versions
  std::optional<std::string> original_value;     // exact decimal text, in original_currency
  std::optional<std::string> original_currency;  // currency code
  std::optional<std::string> card;
  std::optional<Counterparty> counterparty;
  std::vector<Category> categories;
};

struct Investment {
  int64_t id = 0;
  int64_t account_id = 0;
  std::string label, code, code_type;  // code: ISIN usually; code_type: "ISIN", ...
  std::optional<std::string> quantity;   // exact decimal text (fractions of shares)
  std::optional<std::string> unitprice;  // exact decimal text: buy price, may exceed precision
  std::optional<std::string> unitvalue;  // exact decimal text: current price
  int64_t valuation_minor = 0;           // account currency precision
  std::optional<int64_t> diff_minor;     // unrealised gain/loss, same precision
  std::optional<std::string> vdate;      // YYYY-MM-DD of the valuation
  std::optional<UnixSeconds> last_update;
  std::optional<UnixSeconds> deleted;
};

struct Loan {
  std::optional<int64_t> total_amount_minor, available_amount_minor, used_amount_minor;
  std::optional<int64_t> next_payment_amount_minor;
  std::optional<std::string> next_payment_date, subscription_date, maturity_date;  // YYYY-MM-DD
  std::optional<std::string> rate;  // exact decimal text, percent
  std::optional<int64_t> nb_payments_left, nb_payments_total;
  std::optional<int64_t> duration;  // months
  std::string type;                 // "mortgage", "consumer", ...
};

struct Account {
  int64_t id = 0;
  int64_t connection_id = 0;
  int64_t user_id = 0;
  std::string number, original_name, name, iban, type, usage;  // type: checking, savings, ...
  Currency currency;
  std::optional<int64_t> balance_minor;
  std::optional<int64_t> coming_minor;  // sum of pending operations
  std::optional<UnixSeconds> last_update, deleted, disabled;  // Paris → UTC
  std::optional<Loan> loan;
  std::vector<Transaction> transactions;
  std::vector<Investment> investments;
};

struct Connection {
  int64_t id = 0;
  int64_t user_id = 0;
  int64_t connector_id = 0;
  std::string connector_uuid, connector_name;
  std::optional<std::string> state;          // null = fine; "SCARequired", "wrongpass", ...
  std::optional<std::string> error_message;  // the bank's words, when given
  std::optional<UnixSeconds> last_update, created;  // Paris → UTC
  bool active = true;
  // Health, from webhooks and pulls alike: when Powens retries next, and the earliest expiry of
  // the bank consents (sources[].access_expire). Paris → UTC; unreadable values are left out.
  std::optional<UnixSeconds> next_try, access_expire;
  std::vector<Account> accounts;
};

struct User {
  int64_t id = 0;
  std::optional<UnixSeconds> signin;  // Paris → UTC
  std::string platform;
};

// One webhook body after parsing. Which members are set depends on the event:
// connection_synced / accounts_fetched: user (when sent) and connection with its accounts;
// connection_deleted: connection; account_synced / account_enabled / account_disabled: account;
// user_deleted: user.
struct Payload {
  WebhookEvent event = WebhookEvent::kConnectionSynced;
  int64_t webhook_id = 0;  // id_webhook_data: the idempotency key
  std::optional<User> user;
  std::optional<Connection> connection;
  std::optional<Account> account;
};

// One page of the Powens API as pulled (powens_page.cc fills it, Store::ApplyPulled writes it in
// one transaction): connections with their accounts, bare accounts, and transactions and
// investments whose account_id names their account (pages list them flat, not nested).
struct PulledPage {
  std::optional<User> user;  // GET /users/me
  std::vector<Connection> connections;
  std::vector<Account> accounts;
  std::vector<Transaction> transactions;
  std::vector<Investment> investments;
};

}  // namespace freenahi

#endif  // FREENAHI_MODEL_H_
