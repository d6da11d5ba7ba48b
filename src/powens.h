// SPDX-License-Identifier: MIT
// The Powens API as freenahi calls it: one blocking client over http_client.h with a per-process
// rate limit, backoff with jitter on 429/5xx (Retry-After honoured), and every failure turned
// into one line that says what to do. Never logs tokens or secrets. Used by the CLI commands and
// by `freenahi pull` (which serve runs as a child process, so nothing here blocks the loop).
#ifndef FREENAHI_POWENS_H_
#define FREENAHI_POWENS_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http_client.h"
#include "powens_page.h"
#include "status.h"

namespace freenahi {

struct Config;

// At most `per_minute` calls in any 60 s window (a sliding window of call times, with a 250 ms
// margin so that the server, which counts arrivals, never sees one too many).
class RateLimiter {
 public:
  explicit RateLimiter(int per_minute) : per_minute_(per_minute < 1 ? 1 : per_minute) {}
  // Milliseconds to wait at `now_ms` before the next call may start (0: now).
  int64_t WaitMs(int64_t now_ms) const;
  void Record(int64_t now_ms);
  // Call times (same clock) of the last minute: what a following process must count too.
  std::vector<int64_t> Recent(int64_t now_ms) const;

 private:
  int per_minute_;
  std::deque<int64_t> calls_;  // start times, oldest first, at most per_minute_
};

// Delay before retry number `attempt` (0 = the first retry): Retry-After when given (seconds),
// else 2 s doubling up to 60 s, times a jitter factor in [0.5, 1.5) taken from `random01`.
int64_t BackoffMs(int attempt, std::optional<int64_t> retry_after_s, double random01);

// Percent-encodes everything but RFC 3986's unreserved characters (A-Z a-z 0-9 - . _ ~).
std::string UrlEncode(std::string_view text);

// What the user should do about a Powens error code ("run `freenahi connect --manage`"...);
// empty when there is nothing specific to say.
std::string AdviceForCode(const std::string& code, int http_status);

// "Powens refused <what>: <code> (<description>) [request <id>]; <advice>".
std::string DescribePowensError(const std::string& what, int http_status,
                                const std::optional<PowensError>& error);

struct PowensOptions {
  std::string api_url;   // "https://<domain>.biapi.pro/2.0"
  HttpClientOptions http;
  int rate_limit_per_min = 30;
  int max_attempts = 5;  // per call, retries included
  // One line per page / wait, for a terminal (`freenahi pull` on a TTY); may be empty.
  std::function<void(const std::string&)> progress;
};

// The seams tests replace: time, sleeping, randomness, and the transport.
struct PowensSeams {
  std::function<int64_t()> now_ms;               // monotonic
  std::function<void(int64_t)> sleep_ms;
  std::function<double()> random01;
  std::function<Result<HttpClientResponse>(const HttpClientRequest&, const HttpClientOptions&)>
      fetch;
};

class PowensClient {
 public:
  // Fills missing seams with the real clock, nanosleep, a seeded PRNG and HttpFetch.
  PowensClient(PowensOptions options, PowensSeams seams = {});

  void set_token(std::string token) { token_ = std::move(token); }
  const std::string& host() const { return host_; }
  int64_t calls() const { return calls_; }
  RateLimiter& limiter() { return limiter_; }

  // `target`: a path under api_url ("/users/me/accounts?all") or an absolute href from _links,
  // used unchanged. `what` names the call in errors ("list transactions"). Returns the body of
  // a 2xx answer; errors are one line (DescribePowensError, or "cannot reach <host>: ...").
  Result<std::string> Get(const std::string& target, const std::string& what);
  Result<std::string> Post(const std::string& target, const std::string& json_body,
                           const std::string& what, bool authenticated = true);
  // A long call (a bank sync takes minutes): `total_timeout_ms` replaces the configured one.
  Result<std::string> Put(const std::string& target, const std::string& what,
                          int64_t total_timeout_ms);

  // The calls every command makes.
  Result<AuthInitReply> AuthInit(const std::string& client_id, const std::string& client_secret);
  Result<std::string> TemporaryCode();

 private:
  Result<std::string> Call(const char* method, const std::string& target, const std::string& body,
                           const std::string& what, bool authenticated, HttpClientOptions http);
  void WaitForRateLimit();
  std::string Url(const std::string& target) const;

  PowensOptions options_;
  PowensSeams seams_;
  RateLimiter limiter_;
  std::string host_;
  std::string token_;  // secret: never logged
  int64_t calls_ = 0;
};

// PowensOptions from the config: api_url, ca_file, rate_limit_per_min; timeouts for one call.
PowensOptions PowensOptionsFrom(const Config& config);

}  // namespace freenahi

#endif  // FREENAHI_POWENS_H_
