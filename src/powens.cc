// SPDX-License-Identifier: MIT
// PowensClient: URL building, Authorization, the rate limit, retries with backoff, and turning
// every failure into one actionable line. The transport (TLS, framing, timeouts) is
// http_client.cc; response bodies are read by powens_page.cc.
#include "powens.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <random>

#include "config.h"

namespace freenahi {
namespace {

constexpr int64_t kWindowMs = 60000;
// Powens counts calls when they arrive: keep a little margin for the handshake of the oldest.
constexpr int64_t kWindowMarginMs = 250;
constexpr int64_t kFirstBackoffMs = 2000;
constexpr int64_t kMaxBackoffMs = 60000;
constexpr int64_t kMaxRetryAfterS = 600;  // a longer Retry-After is an outage: give up instead

int64_t MonotonicMs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

void SleepMs(int64_t ms) {
  timespec ts{static_cast<time_t>(ms / 1000), static_cast<long>((ms % 1000) * 1000000)};
  while (nanosleep(&ts, &ts) != 0) {
  }
}

// "https://host:port/2.0" → "host:port".
std::string HostOf(const std::string& url) {
  size_t start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  size_t end = url.find('/', start);
  return url.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

std::optional<int64_t> RetryAfterSeconds(const HttpClientResponse& response) {
  std::string value = response.Header("retry-after").value_or("");
  if (value.empty() || value.size() > 6) return std::nullopt;
  int64_t seconds = 0;
  for (char c : value) {
    if (c < '0' || c > '9') return std::nullopt;  // an HTTP date: use our own backoff
    seconds = seconds * 10 + (c - '0');
  }
  return seconds;
}

bool Retryable(int status) { return status == 429 || (status >= 500 && status <= 599); }

std::string JsonObject(const std::vector<std::pair<const char*, const std::string*>>& members) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  for (const auto& [key, value] : members) {
    writer.Key(key);
    writer.String(value->c_str(), static_cast<rapidjson::SizeType>(value->size()));
  }
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

struct Advice {
  const char* code;
  const char* text;
};
// Powens error codes (DESIGN §3.5) and connection states → what the user does about them.
const Advice kAdvice[] = {
    {"wrongpass", "the bank refused the login: fix it with `freenahi connect --manage`"},
    {"passwordExpired", "the bank password expired: update it with `freenahi connect --manage`"},
    {"SCARequired", "the bank wants a new strong authentication: `freenahi connect --reconnect ID`"},
    {"webauthRequired", "the bank wants a new strong authentication: `freenahi connect --reconnect ID`"},
    {"actionNeeded", "the bank asks for an action: open `freenahi connect --manage`"},
    {"additionalInformationNeeded", "the bank needs more information: open `freenahi connect --manage`"},
    {"noAccount", "no account is enabled yet: enable some with `freenahi connect --manage`"},
    {"websiteUnavailable", "the bank's website is down; Powens retries by itself"},
    {"rateLimiting", "the bank limits syncs; Powens retries by itself"},
    {"tooManySync", "too many syncs in a row; try again later"},
    {"bug", "an error on Powens' side; try again later, or report the request id to Powens"},
    {"invalidClient", "check client_id, client_secret and domain in [powens] (`freenahi doctor`)"},
    {"invalid_client", "check client_id, client_secret and domain in [powens] (`freenahi doctor`)"},
    {"unauthorized", "the stored user token was refused: check the domain and `freenahi doctor`"},
};

}  // namespace

std::string UrlEncode(std::string_view text) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

int64_t RateLimiter::WaitMs(int64_t now_ms) const {
  if (static_cast<int>(calls_.size()) < per_minute_) return 0;
  return std::max<int64_t>(0, calls_.front() + kWindowMs + kWindowMarginMs - now_ms);
}

void RateLimiter::Record(int64_t now_ms) {
  calls_.push_back(now_ms);
  while (static_cast<int>(calls_.size()) > per_minute_) calls_.pop_front();
}

std::vector<int64_t> RateLimiter::Recent(int64_t now_ms) const {
  std::vector<int64_t> recent;
  for (int64_t t : calls_)
    if (t + kWindowMs > now_ms) recent.push_back(t);
  return recent;
}

int64_t BackoffMs(int attempt, std::optional<int64_t> retry_after_s, double random01) {
  if (retry_after_s) return std::min(*retry_after_s, kMaxRetryAfterS) * 1000;
  int64_t base = kFirstBackoffMs << std::min(attempt, 5);
  base = std::min(base, kMaxBackoffMs);
  return static_cast<int64_t>(static_cast<double>(base) * (0.5 + random01));
}

std::string AdviceForCode(const std::string& code, int http_status) {
  for (const Advice& a : kAdvice)
    if (code == a.code) return a.text;
  if (http_status == 401 || http_status == 403)
    return "check client_id, client_secret and domain in [powens], then `freenahi doctor`";
  if (http_status == 429) return "too many calls; lower [powens] rate_limit_per_min or wait";
  if (http_status >= 500) return "Powens is having trouble; try again later";
  return "";
}

std::string DescribePowensError(const std::string& what, int http_status,
                                const std::optional<PowensError>& error) {
  std::string line = "Powens refused " + what + ": HTTP " + std::to_string(http_status);
  std::string code;
  if (error) {
    code = error->code;
    line += " " + error->code;
    const std::string& why = !error->description.empty() ? error->description : error->message;
    if (!why.empty()) line += " (" + why + ")";
    if (!error->request_id.empty()) line += " [request " + error->request_id + "]";
  }
  std::string advice = AdviceForCode(code, http_status);
  if (!advice.empty()) line += "; " + advice;
  return line;
}

PowensClient::PowensClient(PowensOptions options, PowensSeams seams)
    : options_(std::move(options)),
      seams_(std::move(seams)),
      limiter_(options_.rate_limit_per_min),
      host_(HostOf(options_.api_url)) {
  if (!seams_.now_ms) seams_.now_ms = MonotonicMs;
  if (!seams_.sleep_ms) seams_.sleep_ms = SleepMs;
  if (!seams_.random01) {
    auto engine = std::make_shared<std::minstd_rand>(
        static_cast<unsigned>(MonotonicMs()) ^ static_cast<unsigned>(getpid()));
    seams_.random01 = [engine] { return std::uniform_real_distribution<double>(0, 1)(*engine); };
  }
  if (!seams_.fetch) seams_.fetch = HttpFetch;
}

std::string PowensClient::Url(const std::string& target) const {
  if (target.compare(0, 8, "https://") == 0 || target.compare(0, 7, "http://") == 0) return target;
  std::string base = options_.api_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + (target.empty() || target[0] != '/' ? "/" : "") + target;
}

void PowensClient::WaitForRateLimit() {
  int64_t wait = limiter_.WaitMs(seams_.now_ms());
  if (wait <= 0) return;
  if (options_.progress)
    options_.progress("rate limit: waiting " + std::to_string((wait + 999) / 1000) + " s");
  seams_.sleep_ms(wait);
}

Result<std::string> PowensClient::Call(const char* method, const std::string& target,
                                       const std::string& body, const std::string& what,
                                       bool authenticated, HttpClientOptions http) {
  HttpClientRequest request;
  request.method = method;
  request.url = Url(target);
  request.body = body;
  request.headers.emplace_back("Accept", "application/json");
  if (!body.empty()) request.headers.emplace_back("Content-Type", "application/json");
  if (authenticated && !token_.empty()) request.headers.emplace_back("Authorization", "Bearer " + token_);
  const bool idempotent = std::string(method) == "GET";
  for (int attempt = 0;; ++attempt) {
    WaitForRateLimit();
    limiter_.Record(seams_.now_ms());
    ++calls_;
    Result<HttpClientResponse> response = seams_.fetch(request, http);
    const bool last = attempt + 1 >= options_.max_attempts;
    if (!response.ok()) {
      const Status::Code code = response.status().code();
      bool transient = code == Status::Code::kUnavailable || code == Status::Code::kTimeout;
      if (!transient || !idempotent || attempt >= 1 || last)
        return Status::Unavailable("cannot reach Powens at " + host_ + ": " +
                                   response.status().message());
      seams_.sleep_ms(BackoffMs(attempt, std::nullopt, seams_.random01()));
      continue;
    }
    if (response->status >= 200 && response->status <= 299) return std::move(response->body);
    const int status = response->status;
    // A POST/PUT answered 5xx may have done its work: only a 429 (refused up front) is repeated.
    bool retry = Retryable(status) && (idempotent || status == 429) && !last;
    std::optional<int64_t> retry_after = RetryAfterSeconds(*response);
    if (retry && retry_after && *retry_after > kMaxRetryAfterS) retry = false;
    if (!retry) {
      Status::Code code = status == 401 || status == 403 ? Status::Code::kUnauthenticated
                          : Retryable(status)             ? Status::Code::kUnavailable
                                                          : Status::Code::kInvalidArgument;
      std::string line = DescribePowensError(what, status, ParsePowensError(response->body));
      return code == Status::Code::kUnauthenticated ? Status::Unauthenticated(line)
             : code == Status::Code::kUnavailable   ? Status::Unavailable(line)
                                                    : Status::InvalidArgument(line);
    }
    int64_t delay = BackoffMs(attempt, retry_after, seams_.random01());
    if (options_.progress)
      options_.progress("HTTP " + std::to_string(status) + " from " + host_ + ": retrying in " +
                        std::to_string((delay + 999) / 1000) + " s");
    seams_.sleep_ms(delay);
  }
}

Result<std::string> PowensClient::Get(const std::string& target, const std::string& what) {
  return Call("GET", target, "", what, true, options_.http);
}

Result<std::string> PowensClient::Post(const std::string& target, const std::string& json_body,
                                       const std::string& what, bool authenticated) {
  return Call("POST", target, json_body, what, authenticated, options_.http);
}

Result<std::string> PowensClient::Put(const std::string& target, const std::string& what,
                                      int64_t total_timeout_ms) {
  HttpClientOptions http = options_.http;
  http.total_timeout_ms = total_timeout_ms;
  http.read_timeout_ms = std::max<int64_t>(http.read_timeout_ms, total_timeout_ms);
  return Call("PUT", target, "", what, true, http);
}

Result<AuthInitReply> PowensClient::AuthInit(const std::string& client_id,
                                             const std::string& client_secret) {
  std::string body = JsonObject({{"client_id", &client_id}, {"client_secret", &client_secret}});
  Result<std::string> reply = Post("/auth/init", body, "creating the Powens user (auth/init)", false);
  if (!reply.ok()) return reply.status();
  return ParseAuthInit(*reply);
}

Result<std::string> PowensClient::TemporaryCode() {
  Result<std::string> reply =
      Get("/auth/token/code?type=singleAccess", "a webview code (auth/token/code)");
  if (!reply.ok()) return reply.status();
  return ParseTemporaryCode(*reply);
}

PowensOptions PowensOptionsFrom(const Config& config) {
  PowensOptions options;
  options.api_url = config.ApiUrl();
  options.http.ca_file = config.ca_file;
  options.rate_limit_per_min = static_cast<int>(config.rate_limit_per_min);
  return options;
}

}  // namespace freenahi
