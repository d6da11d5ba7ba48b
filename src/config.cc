// SPDX-License-Identifier: MIT
// INI text → Config through one static key table, which also renders the commented example file;
// the kinds of values the keys hold are config_values.cc's.
// Knows nothing of what the values are for; serve, cli and `freenahi init` call it.
#include "config.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "config_key.h"
#include "unique_fd.h"

namespace freenahi {
namespace {

using namespace config_internal;

constexpr Key Text(const char* section, const char* name, std::string Config::*member,
                   const char* doc, ParseFn parse = ParseText) {
  Key key{section, name, doc, parse, FormatText};
  key.text = member;
  return key;
}
constexpr Key Secret(const char* section, const char* name, std::string Config::*member,
                     const char* doc) {
  Key key = Text(section, name, member, doc);
  key.secret = true;
  return key;
}
constexpr Key Path(const char* section, const char* name, std::string Config::*member,
                   const char* doc) {
  Key key = Text(section, name, member, doc);
  key.path = true;
  return key;
}
constexpr Key Int(const char* section, const char* name, int64_t Config::*member, int64_t min,
                  int64_t max, const char* doc, ParseFn parse = ParseInt,
                  FormatFn format = FormatInt) {
  Key key{section, name, doc, parse, format};
  key.number = member;
  key.min = min;
  key.max = max;
  return key;
}
constexpr Key Size(const char* section, const char* name, int64_t Config::*member, int64_t min,
                   int64_t max, const char* doc) {
  return Int(section, name, member, min, max, doc, ParseSize, FormatSizeKey);
}
constexpr Key Bool(const char* section, const char* name, bool Config::*member, const char* doc) {
  Key key{section, name, doc, ParseBool, FormatBool};
  key.flag = member;
  return key;
}

// Every key, in file order. Key names equal Config field names ([log] level → log_level).
const Key kKeys[] = {
    Text("powens", "domain", &Config::domain,
         "Powens domain: \"name-sandbox\" or the full host \"name-sandbox.biapi.pro\"."),
    Text("powens", "client_id", &Config::client_id, "Client id of the Powens application."),
    Secret("powens", "client_secret", &Config::client_secret,
           "Client secret of the Powens application. Secret."),
    Secret("powens", "user_token", &Config::user_token,
           "Permanent token of the Powens user. Powens sends it as the Bearer token of every\n"
           "webhook. Secret."),
    Secret("powens", "webhook_secret", &Config::webhook_secret,
           "Webhook signing secret. When set, every webhook must carry a valid BI-Signature\n"
           "(HMAC-SHA256); when empty, the Bearer token alone authenticates. Secret."),
    Text("powens", "lang", &Config::lang,
         "Language of the webview links: 2 to 5 lowercase letters (en, fr, de, ...).", ParseLang),
    Int("powens", "signature_max_skew_s", &Config::signature_max_skew_s, 1, 86400,
        "Largest accepted distance between BI-Signature-Date and now, in seconds."),
    Text("powens", "api_url", &Config::api_url,
         "Base URL of the Powens API. Empty: derived from domain (\"name\" or \"name-sandbox\"\n"
         "-> https://name[-sandbox].biapi.pro/2.0/; a full host -> https://host/2.0/).",
         ParseApiUrl),
    Path("powens", "ca_file", &Config::ca_file,
         "Extra CA certificate(s) (PEM file) trusted for the API, besides the system bundle\n"
         "(/etc/ssl/certs/ca-certificates.crt, or OpenWrt's /etc/ssl/cert.pem). Empty: none."),
    Text("powens", "redirect_uri", &Config::redirect_uri,
         "Where the Powens webview sends the user back after connecting a bank, e.g.\n"
         "https://box.example.net/connected. Whitelist it in the Powens console.",
         ParseRedirectUri),
    Int("powens", "rate_limit_per_min", &Config::rate_limit_per_min, 1, 6000,
        "Powens API calls per minute at most (30 is the sandbox's limit)."),
    Int("powens", "pull_interval", &Config::pull_interval_s, 60, 30 * 86400,
        "How often serve pulls everything changed from the API, besides webhooks:\n"
        "0 (off), or a duration: 90s, 30m, 6h, 1d (a bare number is seconds).",
        ParseDuration, FormatDuration),
    Text("hooks", "on_new_transactions", &Config::on_new_transactions,
         "Program run when new transactions were stored, e.g. /usr/local/bin/notify --quiet.\n"
         "Split into words like a shell would (quotes, backslashes) but run without one: no\n"
         "variables, no $(...). It gets the event as JSON on stdin and FREENAHI_EVENT,\n"
         "FREENAHI_CONFIG, FREENAHI_COUNT in its environment. Empty: nothing runs.",
         ParseCommandLine),
    Text("hooks", "on_sync_error", &Config::on_sync_error,
         "Program run when a bank connection fails to sync (same rules; FREENAHI_CONNECTION,\n"
         "FREENAHI_STATE in its environment).",
         ParseCommandLine),
    Text("hooks", "on_consent_expiring", &Config::on_consent_expiring,
         "Program run when a bank consent expires soon (same rules; FREENAHI_CONNECTION,\n"
         "FREENAHI_DAYS_LEFT in its environment).",
         ParseCommandLine),
    Int("hooks", "hook_timeout_s", &Config::hook_timeout_s, 1, 3600,
        "Seconds a hook may run; then it is killed with its children."),
    Text("server", "listen", &Config::listen,
         "Address and port to listen on: host:port, or [v6]:port for IPv6 ([::1]:8443).",
         ParseListen),
    Bool("server", "tls", &Config::tls,
         "Serve HTTPS (on) or plain HTTP (off, meant for loopback behind a reverse proxy).\n"
         "Values: on|off, true|false, yes|no, 1|0."),
    Path("server", "cert", &Config::cert,
         "Server certificate chain (PEM file). Empty: a self-signed certificate is generated\n"
         "on first start next to the database (freenahi-cert.pem). Set cert and key together."),
    Path("server", "key", &Config::key,
         "Private key of the certificate (PEM file). Empty: generated with the certificate\n"
         "(freenahi-key.pem)."),
    Size("server", "max_body", &Config::max_body, kKiB, kGiB,
         "Largest request body, after gzip decoding. A first sync carries all history: MBs.\n"
         "Bytes, or with a suffix: K/KiB, M/MiB, G/GiB (all powers of 1024)."),
    Int("server", "max_header_bytes", &Config::max_header_bytes, 1024, 1048576,
        "Largest request line plus headers, in bytes."),
    Int("server", "max_connections", &Config::max_connections, 1, 4096,
        "Connections served at once; more wait in the kernel's backlog unless one of the\n"
        "open ones is idle or slower than min_body_rate (it is then closed for the new one)."),
    Int("server", "header_timeout_ms", &Config::header_timeout_ms, 100, 3600000,
        "Milliseconds from accept to the end of the headers, TLS handshake included (for a\n"
        "later request on a kept-alive connection: from its first byte)."),
    Int("server", "body_timeout_ms", &Config::body_timeout_ms, 100, 3600000,
        "Longest silence while a body arrives, in milliseconds."),
    Int("server", "request_timeout_ms", &Config::request_timeout_ms, 1000, 3600000,
        "Milliseconds from accept to the whole request received, however slowly it trickles\n"
        "(for a later request on a kept-alive connection: from its first byte)."),
    Int("server", "min_body_rate", &Config::min_body_rate, 0, 1073741824,
        "Bytes per second a request body must average over every 5 s window (0: no minimum)."),
    Int("server", "max_connections_per_ip", &Config::max_connections_per_ip, 1, 4096,
        "Connections one client address may hold at once. When every slot is taken, a new client\n"
        "replaces the slowest idle one; past this limit, it replaces one of its own or is refused."),
    Int("server", "keepalive_timeout_ms", &Config::keepalive_timeout_ms, 0, 3600000,
        "Milliseconds a connection may stay idle after an answer, waiting for the client's next\n"
        "request (HTTP keep-alive; 0: every answer closes its connection). An idle connection\n"
        "is the first closed when every slot is taken."),
    Int("server", "keepalive_requests", &Config::keepalive_requests, 1, 1000000,
        "Requests one connection may carry; the last answer closes it."),
    Path("store", "database", &Config::database,
         "SQLite database file. Its directory also holds the generated certificate."),
    Int("store", "keep_applied_bodies", &Config::keep_applied_bodies, 0, 36500,
        "Days the raw body of an applied webhook is kept (for `freenahi inbox replay`); then\n"
        "only its inbox row stays. 0: deleted once applied. Failed items keep theirs."),
    Text("report", "lang", &Config::report_lang,
         "Language of `freenahi report`: en (\"€1,234.56\", \"14 Mar 2024\") or fr\n"
         "(\"1 234,56 €\", \"14 mars 2024\").",
         ParseReportLang),
    Key{"log", "level", "Log level: error, warn, info or debug.", ParseLevel, FormatLevel},
};
constexpr size_t kNumKeys = sizeof(kKeys) / sizeof(kKeys[0]);

std::string_view Trim(std::string_view s) {
  const char* const kSpace = " \t\r\f\v";
  size_t begin = s.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  return s.substr(begin, s.find_last_not_of(kSpace) - begin + 1);
}

bool IsKeyName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!IsHostChar(c)) return false;
  }
  return true;
}

std::string DirName(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return "";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string JoinPath(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  return dir.back() == '/' ? dir + name : dir + "/" + name;
}

// Walks the lines of one file; holds the current section and where each key was last set.
class Parser {
 public:
  Parser(const std::string& path, std::vector<std::string>* warnings)
      : path_(path), warnings_(warnings) {}

  Status Line(std::string_view line, int number);
  Config& config() { return config_; }

 private:
  std::string Where(int number) const { return path_ + ":" + std::to_string(number) + ": "; }
  void Warn(int number, const std::string& message) {
    if (warnings_ != nullptr) warnings_->push_back(Where(number) + message);
  }
  Status Header(std::string_view line, int number);
  Status Assignment(std::string_view line, int number);

  const std::string& path_;
  std::vector<std::string>* warnings_;
  Config config_;
  std::string section_;
  bool in_section_ = false;
  bool known_section_ = false;
  int set_at_[kNumKeys] = {};  // line where each key was last set; 0: not set
};

Status Parser::Line(std::string_view line, int number) {
  line = Trim(line);
  if (line.empty() || line.front() == '#' || line.front() == ';') return Status::Ok();
  if (line.front() == '[') return Header(line, number);
  return Assignment(line, number);
}

Status Parser::Header(std::string_view line, int number) {
  if (line.back() != ']' || line.size() < 3) {
    return Status::InvalidArgument(Where(number) + "expected '[section]'");
  }
  section_ = std::string(Trim(line.substr(1, line.size() - 2)));
  if (!IsKeyName(section_)) return Status::InvalidArgument(Where(number) + "expected '[section]'");
  in_section_ = true;
  known_section_ = false;
  for (const Key& key : kKeys) known_section_ = known_section_ || section_ == key.section;
  // Keys of an unknown section are ignored with this one warning, not one per key.
  if (!known_section_) Warn(number, "unknown section [" + section_ + "]");
  return Status::Ok();
}

Status Parser::Assignment(std::string_view line, int number) {
  size_t equals = line.find('=');
  std::string_view name = Trim(line.substr(0, equals));
  if (equals == std::string_view::npos || !IsKeyName(name)) {
    return Status::InvalidArgument(Where(number) + "expected 'key = value'");
  }
  if (!in_section_) return Status::InvalidArgument(Where(number) + "key outside of a section");
  if (!known_section_) return Status::Ok();
  std::string_view value = Trim(line.substr(equals + 1));
  const std::string context = Where(number) + std::string(name) + ": ";
  if (!value.empty() && value.front() == '"') {
    if (value.size() < 2 || value.back() != '"') {
      return Status::InvalidArgument(context + "missing closing '\"'");
    }
    value = value.substr(1, value.size() - 2);
  }
  for (size_t i = 0; i < kNumKeys; ++i) {
    const Key& key = kKeys[i];
    if (section_ != key.section || name != key.name) continue;
    if (set_at_[i] != 0) {
      Warn(number, "duplicate key '" + std::string(name) + "' in [" + section_ + "] (line " +
                       std::to_string(set_at_[i]) + "), the last one wins");
    }
    set_at_[i] = number;
    Status status = key.parse(key, value, &config_);
    if (status.ok()) return status;
    // The cause may quote the value, which must never reach a log for a secret.
    return Status::InvalidArgument(context + (key.secret ? "invalid value" : status.message()));
  }
  Warn(number, "unknown key '" + std::string(name) + "' in [" + section_ + "]");
  return Status::Ok();
}

// After all lines: relative paths against the file's directory, then cross-key checks.
Status Finish(const std::string& path, Config* config) {
  const std::string dir = DirName(path);
  for (const Key& key : kKeys) {
    if (!key.path) continue;
    std::string& value = config->*key.text;
    if (!value.empty() && value.front() != '/') value = JoinPath(dir, value);
  }
  if (config->cert.empty() != config->key.empty()) {
    return Status::InvalidArgument(path + ": cert and key must be set together");
  }
  config->path = path;
  return Status::Ok();
}

bool HasSecrets(const Config& config) {
  for (const Key& key : kKeys) {
    if (key.secret && !(config.*key.text).empty()) return true;
  }
  return false;
}

// A value as written after "key = ": quoted when a reader would otherwise change it.
std::string RenderValue(const std::string& value) {
  if (value.empty()) return value;
  bool quote = value.front() == '"' || Trim(value).size() != value.size() ||
               value.find_first_of("#;") != std::string::npos;
  return quote ? "\"" + value + "\"" : value;
}

std::string RenderComment(std::string_view text) {
  std::string out;
  while (!text.empty()) {
    size_t newline = text.find('\n');
    out += "# " + std::string(text.substr(0, newline)) + "\n";
    if (newline == std::string_view::npos) break;
    text.remove_prefix(newline + 1);
  }
  return out;
}

std::string RenderKey(const Key& key, const Config& config, bool include_secrets) {
  static const Config kDefaults;
  std::string out = RenderComment(key.doc);
  if (key.number != nullptr && key.parse == ParseDuration) {
    out += "# Range: 0, or " + std::to_string(key.min) + ".." + std::to_string(key.max) +
           " seconds\n";
  } else if (key.number != nullptr) {
    out += "# Range: " + (key.parse == ParseSize ? FormatSize(key.min) : std::to_string(key.min)) +
           ".." + (key.parse == ParseSize ? FormatSize(key.max) : std::to_string(key.max)) + "\n";
  }
  std::string default_value = key.format(key, kDefaults);
  out += "# Default: " + (default_value.empty() ? "(empty)" : default_value) + "\n";
  std::string value = key.format(key, config);
  if (key.secret && !include_secrets) value.clear();
  value = RenderValue(value);
  out += std::string(key.name) + (value.empty() ? " =" : " = " + value) + "\n";
  return out;
}

const char kRenderedHeader[] =
    "# freenahi configuration.\n"
    "#\n"
    "# Syntax: [section] headers, key = value lines, and comment lines starting with '#' or ';'.\n"
    "# There are no comments after a value: '#' and ';' belong to the value, so a secret may\n"
    "# contain them. Put a value in double quotes to keep leading or trailing spaces.\n"
    "# Relative paths (cert, key, database) are resolved against the directory of this file.\n"
    "# This file holds secrets: keep it readable by its owner only (chmod 600).\n";

}  // namespace

std::string Config::ApiUrl() const {
  if (!api_url.empty()) return api_url.back() == '/' ? api_url : api_url + "/";
  if (domain.empty()) return "";
  if (domain.rfind("https://", 0) == 0) return domain.back() == '/' ? domain : domain + "/";
  std::string host = domain;
  while (!host.empty() && host.back() == '/') host.pop_back();
  if (host.find('.') == std::string::npos) host += ".biapi.pro";
  return "https://" + host + "/2.0/";
}

std::string Config::DatabaseDir() const {
  std::string dir = DirName(database);
  return dir.empty() ? "." : dir;  // a bare file name: the current directory
}

std::string Config::CertPath() const {
  return cert.empty() ? JoinPath(DirName(database), "freenahi-cert.pem") : cert;
}

std::string Config::KeyPath() const {
  return cert.empty() ? JoinPath(DirName(database), "freenahi-key.pem") : key;
}

Result<Config> ParseConfig(std::string_view text, const std::string& path,
                           std::vector<std::string>* warnings) {
  Parser parser(path, warnings);
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // UTF-8 byte order mark
  int number = 0;
  while (!text.empty()) {
    size_t newline = text.find('\n');
    FREENAHI_RETURN_IF_ERROR(parser.Line(text.substr(0, newline), ++number));
    if (newline == std::string_view::npos) break;
    text.remove_prefix(newline + 1);
  }
  FREENAHI_RETURN_IF_ERROR(Finish(path, &parser.config()));
  return std::move(parser.config());
}

Result<Config> LoadConfig(const std::string& path, std::vector<std::string>* warnings) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ENOENT) {
      return Status::NotFound("config " + path +
                              ": no such file (create one with `freenahi init`)");
    }
    return Status::IOError("config " + path + ": " + std::strerror(errno));
  }
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) {
    return Status::IOError("config " + path + ": " + std::strerror(errno));
  }
  std::string text;
  char buffer[4096];
  for (;;) {
    ssize_t n = ::read(fd.get(), buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::IOError("config " + path + ": " + std::strerror(errno));
    if (n == 0) break;
    text.append(buffer, static_cast<size_t>(n));
  }
  Result<Config> config = ParseConfig(text, path, warnings);
  // Group read is the packaged layout (root:freenahi 0640, the daemon reads through its group);
  // world read is the mistake worth a warning.
  if (config.ok() && warnings != nullptr && HasSecrets(*config) && (st.st_mode & S_IROTH) != 0) {
    warnings->push_back(path + ": readable by others (chmod 600 or 640 recommended)");
  }
  return config;
}

std::string ResolveConfigPath(const std::string& flag) {
  if (!flag.empty()) return flag;
  const char* env = std::getenv("FREENAHI_CONFIG");
  if (env != nullptr && env[0] != '\0') return env;
  return kDefaultConfigPath;
}

std::string RenderConfig(const Config& config, bool include_secrets) {
  std::string out = kRenderedHeader;
  const char* section = "";
  for (const Key& key : kKeys) {
    if (std::strcmp(section, key.section) != 0) {
      section = key.section;
      out += "\n[" + std::string(section) + "]\n";
    } else {
      out += "\n";
    }
    out += RenderKey(key, config, include_secrets);
  }
  return out;
}

}  // namespace freenahi
