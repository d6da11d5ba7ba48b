// SPDX-License-Identifier: MIT
// Private to config*.cc: the Key row of config.cc's key table, and the value kinds it points to
// (config_values.cc): how each kind of value is parsed from the INI text and written back.
#ifndef FREENAHI_CONFIG_KEY_H_
#define FREENAHI_CONFIG_KEY_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "config.h"
#include "status.h"

namespace freenahi {
namespace config_internal {

constexpr int64_t kKiB = 1024;
constexpr int64_t kMiB = kKiB * 1024;
constexpr int64_t kGiB = kMiB * 1024;

struct Key;
// Parses `value` (already unquoted) into `config`; the error text is "<cause>", without the key.
// Errors may quote the value; Parser::Assignment drops the cause for secret keys.
using ParseFn = Status (*)(const Key& key, std::string_view value, Config* config);
// The value as it is written back into an INI file.
using FormatFn = std::string (*)(const Key& key, const Config& config);

// One row of the table: a config key, where it lives in Config, and how it is read and written.
struct Key {
  const char* section;
  const char* name;
  const char* doc;  // comment lines for the rendered file, '\n'-separated
  ParseFn parse;
  FormatFn format;
  std::string Config::*text = nullptr;  // string kinds
  int64_t Config::*number = nullptr;    // integer and size kinds
  bool Config::*flag = nullptr;         // bool kind
  int64_t min = 0;                      // integer and size kinds: inclusive range
  int64_t max = 0;
  bool secret = false;  // never echoed in messages, written only when asked
  bool path = false;    // resolved against the config file's directory when relative
};

// The value kinds. Parse* take the value already unquoted; their errors name the cause only.
std::string FormatSize(int64_t bytes);
Status ParseText(const Key& key, std::string_view value, Config* config);
std::string FormatText(const Key& key, const Config& config);
Status ParseLang(const Key& key, std::string_view value, Config* config);
Status ParseReportLang(const Key& key, std::string_view value, Config* config);
Status ParseBool(const Key& key, std::string_view value, Config* config);
std::string FormatBool(const Key& key, const Config& config);
Status ParseInt(const Key& key, std::string_view value, Config* config);
std::string FormatInt(const Key& key, const Config& config);
Status ParseSize(const Key& key, std::string_view value, Config* config);
std::string FormatSizeKey(const Key& key, const Config& config);
bool IsHostChar(char c);
Status ParseListen(const Key& key, std::string_view value, Config* config);
Status ParseLevel(const Key&, std::string_view value, Config* config);
std::string FormatLevel(const Key&, const Config& config);
Status ParseApiUrl(const Key& key, std::string_view value, Config* config);
Status ParseRedirectUri(const Key& key, std::string_view value, Config* config);
Status ParseCommandLine(const Key& key, std::string_view value, Config* config);
Status ParseDuration(const Key& key, std::string_view value, Config* config);
std::string FormatDuration(const Key& key, const Config& config);

}  // namespace config_internal
}  // namespace freenahi

#endif  // FREENAHI_CONFIG_KEY_H_
