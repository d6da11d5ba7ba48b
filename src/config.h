// SPDX-License-Identifier: MIT
// The INI file → Config. A table of {section, key, parser, default, doc} drives parsing, the
// example file and `freenahi init`. Errors are "file:line: key: message". Never logs secrets.
#ifndef FREENAHI_CONFIG_H_
#define FREENAHI_CONFIG_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "log.h"
#include "status.h"

namespace freenahi {

constexpr const char* kDefaultConfigPath = "/etc/freenahi/freenahi.ini";

struct Config {
  // [powens]
  std::string domain;          // "name-sandbox" or the full host "name-sandbox.biapi.pro"
  std::string client_id;
  std::string client_secret;   // secret
  std::string user_token;      // secret: permanent user token; webhooks carry it as Bearer
  std::string webhook_secret;  // secret: when set, BI-Signature (HMAC-SHA256) is required
  std::string lang = "en";     // webview language
  int64_t signature_max_skew_s = 300;  // BI-Signature-Date tolerance, seconds
  std::string api_url;       // empty: derived from domain (ApiUrl())
  std::string ca_file;       // extra PEM CA(s) for the API, beside the system bundle; empty: none
  std::string redirect_uri;  // where the webview sends the user back (whitelisted in the console)
  int64_t rate_limit_per_min = 30;  // Powens API calls per minute at most
  int64_t pull_interval_s = 6 * 3600;  // [powens] pull_interval, seconds; 0: no periodic pull

  // [hooks]: command lines split into argv (quotes, no shell); empty: no hook
  std::string on_new_transactions;
  std::string on_sync_error;
  std::string on_consent_expiring;
  int64_t hook_timeout_s = 30;  // a hook still running then is killed (its process group)

  // [server]
  std::string listen = "0.0.0.0:443";  // host:port; [::1]:8443 for IPv6
  bool tls = true;                     // off: plain HTTP, meant for loopback behind a proxy
  std::string cert;  // PEM path; empty: self-signed, generated next to the database
  std::string key;   // PEM path; empty: generated with the certificate
  int64_t max_body = 64 << 20;       // bytes, after gzip decoding
  int64_t max_header_bytes = 16384;  // request line + headers
  int64_t max_connections = 32;      // more wait in the kernel's backlog
  int64_t header_timeout_ms = 10000;  // accept → end of headers (TLS handshake included)
  int64_t body_timeout_ms = 30000;    // longest silence while a body arrives
  int64_t request_timeout_ms = 300000;  // accept → whole request received
  int64_t min_body_rate = 4096;         // bytes/s a body must average over each 5 s
  int64_t max_connections_per_ip = 8;   // slots one client address may hold
  int64_t keepalive_timeout_ms = 5000;  // idle time between two requests on one connection
  int64_t keepalive_requests = 100;     // requests one connection may carry

  // [store]
  std::string database = "/var/lib/freenahi/freenahi.db";
  int64_t keep_applied_bodies = 30;  // days an applied webhook body is kept; 0: deleted at once

  // [report]
  std::string report_lang = "en";  // `freenahi report`: en or fr (dates and amounts)

  // [log]
  LogLevel log_level = LogLevel::kInfo;

  std::string path;  // the file this came from (relative paths in it are resolved against it)

  // Derived: the directory holding the database ("." for a bare file name); where the
  // certificate/key actually are (configured, or beside the database).
  std::string DatabaseDir() const;
  std::string CertPath() const;
  std::string KeyPath() const;
  bool cert_is_generated() const { return cert.empty(); }
  // The API base URL, ending in '/': api_url when set; else from domain: "name" or
  // "name-sandbox" → https://name[-sandbox].biapi.pro/2.0/, a host with a dot →
  // https://host/2.0/, an https:// URL as given. Empty when neither is set.
  std::string ApiUrl() const;
};

// Parses INI text. `path` is used in messages and to resolve relative paths. Unknown sections or
// keys append "file:line: unknown key 'x' in [s]" to `warnings` (may be null) and are ignored.
// Errors (InvalidArgument): "file:line: key: message", e.g. "f.ini:7: max_body: not a size".
Result<Config> ParseConfig(std::string_view text, const std::string& path,
                           std::vector<std::string>* warnings);
// Reads and parses the file. NotFound/IOError name the path.
Result<Config> LoadConfig(const std::string& path, std::vector<std::string>* warnings);

// The config path: `flag` when non-empty, else $FREENAHI_CONFIG, else kDefaultConfigPath.
std::string ResolveConfigPath(const std::string& flag);

// A complete commented INI, every key with its doc and default; values from `config`.
// Secrets are written only when `include_secrets`. etc/freenahi.ini.example is this text.
std::string RenderConfig(const Config& config, bool include_secrets);

}  // namespace freenahi

#endif  // FREENAHI_CONFIG_H_
