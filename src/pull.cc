// SPDX-License-Identifier: MIT
// The pull: user → connections (expand=accounts) → accounts (?all, loans included) →
// investments (one page, like the webhook's account.investments) → transactions pages
// (limit=1000&all&last_update=<mark>, following _links.next.href unchanged until null). Each
// page is parsed, applied in its own store transaction and dropped before the next is fetched.
#include "pull.h"

#include <map>

namespace freenahi {
namespace {

constexpr const char* kPageSize = "1000";
constexpr int64_t kMaxPages = 1000000;  // a server that never stops paging is a bug, not history

class Puller {
 public:
  Puller(PowensClient* client, Store* store, const PullOptions& options,
         const std::function<UnixSeconds()>& now)
      : client_(client), store_(store), options_(options), now_(now) {}

  Status Run(const std::optional<std::string>& high_water);
  const PullSummary& summary() const { return summary_; }
  const std::optional<std::string>& max_last_update() const { return max_last_update_; }

 private:
  std::string Scope() const {
    return options_.connection_id
               ? "/users/me/connections/" + std::to_string(*options_.connection_id)
               : "/users/me";
  }
  Status Apply(const PulledPage& page, const std::string& what);
  void Progress(const std::string& line) const {
    if (options_.progress) options_.progress(line);
  }
  Status PullUser();
  Status PullConnections();
  Status PullAccounts();
  Status PullInvestments();
  Status PullTransactions(const std::optional<std::string>& high_water);

  PowensClient* client_;
  Store* store_;
  const PullOptions& options_;
  const std::function<UnixSeconds()>& now_;
  std::map<int64_t, Currency> currencies_;  // account id → currency, for transaction amounts
  PullSummary summary_;
  std::optional<std::string> max_last_update_;
};

Status Puller::Apply(const PulledPage& page, const std::string& what) {
  FREENAHI_RETURN_IF_ERROR(store_->ApplyPulled(page, now_()).WithContext(what));
  ++summary_.pages;
  int64_t rows = static_cast<int64_t>(page.connections.size() + page.accounts.size() +
                                      page.transactions.size() + page.investments.size());
  for (const Connection& c : page.connections) rows += static_cast<int64_t>(c.accounts.size());
  summary_.rows += rows;
  Progress(what + ": page " + std::to_string(summary_.pages) + ", " + std::to_string(rows) +
           " rows");
  return Status::Ok();
}

Status Puller::PullUser() {
  Result<std::string> body = client_->Get("/users/me", "reading the user");
  if (!body.ok()) return body.status();
  PulledPage page;
  FREENAHI_RETURN_IF_ERROR(ParseUserObject(*body, &page));
  return Apply(page, "user");
}

Status Puller::PullConnections() {
  PulledPage page;
  if (options_.connection_id) {
    Result<std::string> body = client_->Get(Scope() + "?expand=accounts", "reading the connection");
    if (!body.ok()) return body.status();
    FREENAHI_RETURN_IF_ERROR(ParseConnectionObject(*body, &page));
  } else {
    Result<std::string> body =
        client_->Get("/users/me/connections?expand=accounts", "listing connections");
    if (!body.ok()) return body.status();
    FREENAHI_RETURN_IF_ERROR(ParseConnectionsPage(*body, &page));
  }
  for (const Connection& c : page.connections)
    for (const Account& a : c.accounts) currencies_[a.id] = a.currency;
  return Apply(page, "connections");
}

Status Puller::PullAccounts() {
  Result<std::string> body = client_->Get(Scope() + "/accounts?all", "listing accounts");
  if (!body.ok()) return body.status();
  PulledPage page;
  FREENAHI_RETURN_IF_ERROR(ParseAccountsPage(*body, &page));
  for (const Account& a : page.accounts) currencies_[a.id] = a.currency;
  return Apply(page, "accounts");
}

// Not paginated by Powens. A domain without the wealth product may refuse the call (4xx): the
// rest of the pull still matters more, so that is a warning; a network failure, a 5xx or a 429
// left after the retries still fails the pull.
Status Puller::PullInvestments() {
  Result<std::string> body = client_->Get(Scope() + "/investments", "listing investments");
  if (!body.ok()) {
    const Status::Code code = body.status().code();
    if (code != Status::Code::kInvalidArgument && code != Status::Code::kUnauthenticated)
      return body.status();
    summary_.warnings.push_back("investments not pulled: " + body.status().message());
    return Status::Ok();
  }
  PulledPage page;
  Result<int64_t> skipped = ParseInvestmentsPage(*body, currencies_, &page);
  if (!skipped.ok()) return skipped.status();
  summary_.skipped += *skipped;
  return Apply(page, "investments");
}

Status Puller::PullTransactions(const std::optional<std::string>& high_water) {
  std::string target = TransactionsTarget(options_, high_water);
  std::string previous;
  for (int64_t n = 0; n < kMaxPages; ++n) {
    Result<std::string> body = client_->Get(target, "listing transactions");
    if (!body.ok()) return body.status();
    PulledPage page;
    TransactionsPageInfo info;
    FREENAHI_RETURN_IF_ERROR(ParseTransactionsPage(*body, currencies_, &page, &info));
    std::string().swap(*body);  // one page in memory at a time
    summary_.skipped += info.skipped;
    if (info.max_last_update && (!max_last_update_ || *info.max_last_update > *max_last_update_))
      max_last_update_ = info.max_last_update;
    FREENAHI_RETURN_IF_ERROR(Apply(page, "transactions"));
    if (!info.next_href) return Status::Ok();
    if (*info.next_href == target || *info.next_href == previous)
      return Status::InvalidArgument("transactions: the next page link points back (" +
                                     std::to_string(n + 1) + " pages read)");
    previous = std::move(target);
    target = std::move(*info.next_href);
  }
  return Status::InvalidArgument("transactions: more than a million pages");
}

Status Puller::Run(const std::optional<std::string>& high_water) {
  FREENAHI_RETURN_IF_ERROR(PullUser());
  FREENAHI_RETURN_IF_ERROR(PullConnections());
  FREENAHI_RETURN_IF_ERROR(PullAccounts());
  FREENAHI_RETURN_IF_ERROR(PullInvestments());
  return PullTransactions(high_water);
}

}  // namespace

std::string TransactionsTarget(const PullOptions& options,
                               const std::optional<std::string>& high_water) {
  std::string scope = options.connection_id
                          ? "/users/me/connections/" + std::to_string(*options.connection_id)
                          : "/users/me";
  std::string target = scope + "/transactions?limit=" + kPageSize + "&all";
  // A connection pull is usually a new bank: all of it. A user pull resumes from the mark.
  if (!options.full && !options.connection_id && high_water)
    target += "&last_update=" + UrlEncode(*high_water);
  return target;
}

Result<PullSummary> RunPull(PowensClient* client, Store* store, const PowensUser& user,
                            const PullOptions& options, const std::function<UnixSeconds()>& now) {
  Result<std::optional<PullRecord>> last = store->LastPull(user.id);
  if (!last.ok()) return last.status();
  std::optional<std::string> high_water = *last ? (*last)->high_water : std::nullopt;
  FREENAHI_RETURN_IF_ERROR(store->RecordPullStart(user.id, now()));
  Puller puller(client, store, options, now);
  Status pulled = puller.Run(high_water);
  const PullSummary& s = puller.summary();
  // A partial pull (one connection, or one that failed half-way) never moves the mark: the
  // pages are not ordered by last_update, so a later page may hold older changes.
  std::optional<std::string> mark =
      pulled.ok() && !options.connection_id ? puller.max_last_update() : std::nullopt;
  Status recorded =
      store->RecordPullEnd(user.id, now(), pulled.ok(), s.pages, s.rows, pulled.message(), mark);
  if (!pulled.ok()) return pulled;
  if (!recorded.ok()) return recorded;
  return s;
}

}  // namespace freenahi
