// SPDX-License-Identifier: MIT
// The value kinds of the config keys (config_key.h): text, language, bool, integer, size with
// units, listen address, log level, URL, command line, duration; each parsed from its INI text,
// range-checked, and formatted back for the rendered file.
#include <arpa/inet.h>

#include <charconv>
#include <cstdlib>
#include <cstring>

#include "config_key.h"
#include "subprocess.h"  // SplitCommandLine, to refuse a hook command line that cannot run

namespace freenahi {
namespace config_internal {
namespace {

const char* const kLevelNames[] = {"error", "warn", "info", "debug"};

std::string Quoted(std::string_view value) { return "'" + std::string(value) + "'"; }

// Whole-string int64: an optional '-' and digits; false on '+', spaces, other text, overflow.
bool ParseInt64(std::string_view text, int64_t* out) {
  if (text.empty()) return false;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, *out);
  return ec == std::errc() && ptr == end;
}

Status CheckUrl(std::string_view value, bool https_only) {
  if (value.empty() || value.substr(0, 8) == "https://") return Status::Ok();
  if (!https_only && value.substr(0, 7) == "http://") return Status::Ok();
  return Status::InvalidArgument(std::string("not an ") + (https_only ? "https://" : "http(s)://") +
                                 " URL: " + Quoted(value));
}

}  // namespace

std::string FormatSize(int64_t bytes) {
  if (bytes != 0 && bytes % kGiB == 0) return std::to_string(bytes / kGiB) + "GiB";
  if (bytes != 0 && bytes % kMiB == 0) return std::to_string(bytes / kMiB) + "MiB";
  if (bytes != 0 && bytes % kKiB == 0) return std::to_string(bytes / kKiB) + "KiB";
  return std::to_string(bytes);
}

Status ParseText(const Key& key, std::string_view value, Config* config) {
  config->*key.text = std::string(value);
  return Status::Ok();
}

std::string FormatText(const Key& key, const Config& config) { return config.*key.text; }

Status ParseLang(const Key& key, std::string_view value, Config* config) {
  bool ok = value.size() >= 2 && value.size() <= 5;
  for (char c : value) ok = ok && c >= 'a' && c <= 'z';
  if (!ok)
    return Status::InvalidArgument("not a language code (2-5 lowercase letters): " + Quoted(value));
  return ParseText(key, value, config);
}

Status ParseReportLang(const Key& key, std::string_view value, Config* config) {
  if (value != "en" && value != "fr")
    return Status::InvalidArgument("not a report language (en|fr): " + Quoted(value));
  return ParseText(key, value, config);
}

Status ParseBool(const Key& key, std::string_view value, Config* config) {
  static const struct {
    const char* text;
    bool value;
  } kWords[] = {{"on", true},  {"off", false}, {"true", true}, {"false", false},
                {"yes", true}, {"no", false},  {"1", true},    {"0", false}};
  for (const auto& word : kWords) {
    if (value == word.text) {
      config->*key.flag = word.value;
      return Status::Ok();
    }
  }
  return Status::InvalidArgument("not a boolean (on|off|true|false|yes|no|1|0): " + Quoted(value));
}

std::string FormatBool(const Key& key, const Config& config) {
  return config.*key.flag ? "on" : "off";
}

Status ParseInt(const Key& key, std::string_view value, Config* config) {
  int64_t n = 0;
  if (!ParseInt64(value, &n)) return Status::InvalidArgument("not an integer: " + Quoted(value));
  if (n < key.min || n > key.max) {
    return Status::InvalidArgument("out of range " + std::to_string(key.min) + ".." +
                                   std::to_string(key.max) + ": " + Quoted(value));
  }
  config->*key.number = n;
  return Status::Ok();
}

std::string FormatInt(const Key& key, const Config& config) {
  return std::to_string(config.*key.number);
}

// "<integer>[ ]<suffix>", suffix one of K KiB M MiB G GiB (all binary) or none for bytes.
Status ParseSize(const Key& key, std::string_view value, Config* config) {
  static const struct {
    const char* suffix;
    int64_t unit;
  } kUnits[] = {{"", 1},       {"K", kKiB}, {"KiB", kKiB}, {"M", kMiB},
                {"MiB", kMiB}, {"G", kGiB}, {"GiB", kGiB}};
  std::string_view number = value.substr(0, value.find_first_not_of("0123456789"));
  std::string_view suffix = value.substr(number.size());
  while (!suffix.empty() && suffix.front() == ' ') suffix.remove_prefix(1);
  const int64_t* unit = nullptr;
  for (const auto& u : kUnits) {
    if (suffix == u.suffix) unit = &u.unit;
  }
  if (number.empty() || unit == nullptr) {
    return Status::InvalidArgument("not a size: " + Quoted(value));
  }
  int64_t n = 0;  // too many digits for int64 is out of range, like a merely large number
  if (!ParseInt64(number, &n) || n > key.max / *unit || n * *unit < key.min) {
    return Status::InvalidArgument("out of range " + FormatSize(key.min) + ".." +
                                   FormatSize(key.max) + ": " + Quoted(value));
  }
  config->*key.number = n * *unit;
  return Status::Ok();
}

std::string FormatSizeKey(const Key& key, const Config& config) {
  return FormatSize(config.*key.number);
}

bool IsHostChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || c == '_';
}

// "host:port" (host name or IPv4) or "[v6]:port", port 1..65535.
Status ParseListen(const Key& key, std::string_view value, Config* config) {
  const Status malformed =
      Status::InvalidArgument("expected host:port or [v6]:port: " + Quoted(value));
  std::string_view host;
  std::string_view port;
  if (!value.empty() && value.front() == '[') {
    size_t close = value.find(']');
    if (close == std::string_view::npos || value.substr(close + 1, 1) != ":") return malformed;
    host = value.substr(1, close - 1);
    port = value.substr(close + 2);
    std::string address(host.substr(0, host.find('%')));  // a zone (%eth0) is not checked
    in6_addr unused;
    if (inet_pton(AF_INET6, address.c_str(), &unused) != 1) {
      return Status::InvalidArgument("not an IPv6 address: " + Quoted(value));
    }
  } else {
    size_t colon = value.rfind(':');
    if (colon == std::string_view::npos || colon == 0) return malformed;
    host = value.substr(0, colon);
    port = value.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) {
      return Status::InvalidArgument("an IPv6 address needs brackets, [v6]:port: " + Quoted(value));
    }
    for (char c : host) {
      if (!IsHostChar(c)) return Status::InvalidArgument("not a host name: " + Quoted(value));
    }
  }
  int64_t n = 0;
  if (!ParseInt64(port, &n)) return Status::InvalidArgument("not a port: " + Quoted(value));
  if (n < 1 || n > 65535) {
    return Status::InvalidArgument("port out of range 1..65535: " + Quoted(value));
  }
  return ParseText(key, value, config);
}

Status ParseLevel(const Key&, std::string_view value, Config* config) {
  if (!ParseLogLevel(std::string(value), &config->log_level)) {
    return Status::InvalidArgument("not a log level (error|warn|info|debug): " + Quoted(value));
  }
  return Status::Ok();
}

std::string FormatLevel(const Key&, const Config& config) {
  return kLevelNames[static_cast<int>(config.log_level)];
}

// "" or an http(s) URL; `https_only` refuses http://.

Status ParseApiUrl(const Key& key, std::string_view value, Config* config) {
  FREENAHI_RETURN_IF_ERROR(CheckUrl(value, true));
  return ParseText(key, value, config);
}

Status ParseRedirectUri(const Key& key, std::string_view value, Config* config) {
  FREENAHI_RETURN_IF_ERROR(CheckUrl(value, false));
  return ParseText(key, value, config);
}

// A [hooks] command line: words as SplitCommandLine makes them (quotes must balance).
Status ParseCommandLine(const Key& key, std::string_view value, Config* config) {
  Result<std::vector<std::string>> words = SplitCommandLine(value);
  if (!words.ok()) return words.status();
  return ParseText(key, value, config);
}

// "0" (off), "<n>", "<n>s", "<n>m", "<n>h" or "<n>d"; 0 or at least key.min seconds.
Status ParseDuration(const Key& key, std::string_view value, Config* config) {
  static const struct {
    const char* suffix;
    int64_t unit;
  } kUnits[] = {{"", 1}, {"s", 1}, {"m", 60}, {"h", 3600}, {"d", 86400}};
  std::string_view number = value.substr(0, value.find_first_not_of("0123456789"));
  std::string_view suffix = value.substr(number.size());
  const int64_t* unit = nullptr;
  for (const auto& u : kUnits) {
    if (suffix == u.suffix) unit = &u.unit;
  }
  int64_t n = 0;
  if (number.empty() || unit == nullptr || !ParseInt64(number, &n)) {
    return Status::InvalidArgument("not a duration (0, 90s, 30m, 6h, 1d): " + Quoted(value));
  }
  if (n != 0 && (n > key.max / *unit || n * *unit < key.min)) {
    return Status::InvalidArgument("0 (off) or " + std::to_string(key.min) + ".." +
                                   std::to_string(key.max) + " seconds: " + Quoted(value));
  }
  config->*key.number = n * *unit;
  return Status::Ok();
}

std::string FormatDuration(const Key& key, const Config& config) {
  int64_t seconds = config.*key.number;
  if (seconds == 0) return "0";
  if (seconds % 86400 == 0) return std::to_string(seconds / 86400) + "d";
  if (seconds % 3600 == 0) return std::to_string(seconds / 3600) + "h";
  if (seconds % 60 == 0) return std::to_string(seconds / 60) + "m";
  return std::to_string(seconds) + "s";
}

}  // namespace config_internal
}  // namespace freenahi
