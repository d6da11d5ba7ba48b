// SPDX-License-Identifier: MIT
// Tests for src/config.cc: INI grammar, every key kind, exact messages with line numbers, secrets
// kept out of messages, path resolution, LoadConfig, ResolveConfigPath, RenderConfig round trip.
#include "config.h"

#include <sys/stat.h>
#include <unistd.h>

#include "catch.h"
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "test_util.h"

namespace freenahi {
namespace {

Result<Config> Parse(const std::string& text, std::vector<std::string>* warnings = nullptr) {
  return ParseConfig(text, "f.ini", warnings);
}

// The message of a parse that must fail.
std::string ParseError(const std::string& text) {
  Result<Config> config = Parse(text);
  REQUIRE_FALSE(config.ok());
  CHECK(config.status().code() == Status::Code::kInvalidArgument);
  return config.status().message();
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Restores $FREENAHI_CONFIG at the end of a test.
class ScopedConfigEnv {
 public:
  ScopedConfigEnv() {
    const char* old = std::getenv("FREENAHI_CONFIG");
    had_ = old != nullptr;
    if (had_) old_ = old;
  }
  ~ScopedConfigEnv() {
    if (had_) {
      setenv("FREENAHI_CONFIG", old_.c_str(), 1);
    } else {
      unsetenv("FREENAHI_CONFIG");
    }
  }

 private:
  bool had_ = false;
  std::string old_;
};

void CheckSameFields(const Config& a, const Config& b) {
  CHECK(a.domain == b.domain);
  CHECK(a.client_id == b.client_id);
  CHECK(a.client_secret == b.client_secret);
  CHECK(a.user_token == b.user_token);
  CHECK(a.webhook_secret == b.webhook_secret);
  CHECK(a.lang == b.lang);
  CHECK(a.signature_max_skew_s == b.signature_max_skew_s);
  CHECK(a.listen == b.listen);
  CHECK(a.tls == b.tls);
  CHECK(a.cert == b.cert);
  CHECK(a.key == b.key);
  CHECK(a.max_body == b.max_body);
  CHECK(a.max_header_bytes == b.max_header_bytes);
  CHECK(a.max_connections == b.max_connections);
  CHECK(a.header_timeout_ms == b.header_timeout_ms);
  CHECK(a.body_timeout_ms == b.body_timeout_ms);
  CHECK(a.database == b.database);
  CHECK(a.log_level == b.log_level);
  CHECK(a.api_url == b.api_url);
  CHECK(a.ca_file == b.ca_file);
  CHECK(a.redirect_uri == b.redirect_uri);
  CHECK(a.rate_limit_per_min == b.rate_limit_per_min);
  CHECK(a.pull_interval_s == b.pull_interval_s);
  CHECK(a.on_new_transactions == b.on_new_transactions);
  CHECK(a.on_sync_error == b.on_sync_error);
  CHECK(a.on_consent_expiring == b.on_consent_expiring);
  CHECK(a.hook_timeout_s == b.hook_timeout_s);
  CHECK(a.keepalive_timeout_ms == b.keepalive_timeout_ms);
  CHECK(a.keepalive_requests == b.keepalive_requests);
}

// Every field away from its default, with values that need quoting.
Config Unusual() {
  Config c;
  c.domain = "acme-sandbox.biapi.pro";
  c.client_id = "12345678";
  c.client_secret = " s3cr#t;with spaces ";
  c.user_token = "\"quoted\"";
  c.webhook_secret = "whsec_fictional_secret_key_0123456789";
  c.lang = "fr";
  c.signature_max_skew_s = 60;
  c.listen = "[::1]:8443";
  c.tls = false;
  c.cert = "/etc/freenahi/cert.pem";
  c.key = "/etc/freenahi/key.pem";
  c.max_body = 3 * 1024 * 1024 + 1;
  c.max_header_bytes = 2048;
  c.max_connections = 4096;
  c.header_timeout_ms = 100;
  c.body_timeout_ms = 3600000;
  c.database = "/srv/freenahi/db.sqlite";
  c.log_level = LogLevel::kDebug;
  c.api_url = "https://api.example.net:8443/2.0/";
  c.ca_file = "/etc/freenahi/test-ca.pem";
  c.redirect_uri = "https://box.example.net/connected";
  c.rate_limit_per_min = 6000;
  c.pull_interval_s = 5400;
  c.on_new_transactions = "/usr/bin/curl -d 'new transactions' https://ntfy.sh/x";
  c.on_sync_error = "\"/opt/my hooks/err\" --flag";
  c.on_consent_expiring = "/bin/true";
  c.hook_timeout_s = 1;
  c.keepalive_timeout_ms = 0;
  c.keepalive_requests = 7;
  return c;
}

// Every error, with its exact text and line number.
struct ErrorCase {
  const char* text;
  const char* message;
};
const ErrorCase kErrorCases[] = {
    {"[powens]\ndomain\n", "f.ini:2: expected 'key = value'"},
    {"[powens]\n= x\n", "f.ini:2: expected 'key = value'"},
    {"[powens]\nmy key = x\n", "f.ini:2: expected 'key = value'"},
    {"\n\n\n\ndomain = x\n", "f.ini:5: key outside of a section"},
    {"[powens\n", "f.ini:1: expected '[section]'"},
    {"[]\n", "f.ini:1: expected '[section]'"},
    {"[a b]\n", "f.ini:1: expected '[section]'"},
    {"[powens]\nclient_id = \"abc\n", "f.ini:2: client_id: missing closing '\"'"},
    {"[powens]\nclient_id = \"\n", "f.ini:2: client_id: missing closing '\"'"},
    {"[server]\n\n\n\n\n\nmax_body = 12XB\n", "f.ini:7: max_body: not a size: '12XB'"},
    {"[server]\nmax_body = \n", "f.ini:2: max_body: not a size: ''"},
    {"[server]\nmax_body = M\n", "f.ini:2: max_body: not a size: 'M'"},
    {"[server]\nmax_body = -5K\n", "f.ini:2: max_body: not a size: '-5K'"},
    {"[server]\nmax_body = 1.5M\n", "f.ini:2: max_body: not a size: '1.5M'"},
    {"[server]\nmax_body = 5k\n", "f.ini:2: max_body: not a size: '5k'"},
    {"[server]\nmax_body = 1023\n", "f.ini:2: max_body: out of range 1KiB..1GiB: '1023'"},
    {"[server]\nmax_body = 2G\n", "f.ini:2: max_body: out of range 1KiB..1GiB: '2G'"},
    {"[server]\nmax_body = 1073741825\n",
     "f.ini:2: max_body: out of range 1KiB..1GiB: '1073741825'"},
    {"[server]\nmax_body = 99999999999999999999G\n",
     "f.ini:2: max_body: out of range 1KiB..1GiB: '99999999999999999999G'"},
    {"[server]\ntls = maybe\n",
     "f.ini:2: tls: not a boolean (on|off|true|false|yes|no|1|0): 'maybe'"},
    {"[server]\ntls = ON\n", "f.ini:2: tls: not a boolean (on|off|true|false|yes|no|1|0): 'ON'"},
    {"[server]\nmax_connections = 0\n", "f.ini:2: max_connections: out of range 1..4096: '0'"},
    {"[server]\nmax_connections = 4097\n",
     "f.ini:2: max_connections: out of range 1..4096: '4097'"},
    {"[server]\nmax_connections = -1\n", "f.ini:2: max_connections: out of range 1..4096: '-1'"},
    {"[server]\nmax_connections = 12a\n", "f.ini:2: max_connections: not an integer: '12a'"},
    {"[server]\nmax_connections = +5\n", "f.ini:2: max_connections: not an integer: '+5'"},
    {"[server]\nmax_connections = 1 2\n", "f.ini:2: max_connections: not an integer: '1 2'"},
    {"[server]\nmax_connections = 99999999999999999999\n",
     "f.ini:2: max_connections: not an integer: '99999999999999999999'"},
    {"[server]\nheader_timeout_ms = 99\n",
     "f.ini:2: header_timeout_ms: out of range 100..3600000: '99'"},
    {"[server]\nbody_timeout_ms = 3600001\n",
     "f.ini:2: body_timeout_ms: out of range 100..3600000: '3600001'"},
    {"[server]\nmax_header_bytes = 1023\n",
     "f.ini:2: max_header_bytes: out of range 1024..1048576: '1023'"},
    {"[server]\nmax_header_bytes = 1048577\n",
     "f.ini:2: max_header_bytes: out of range 1024..1048576: '1048577'"},
    {"[powens]\nsignature_max_skew_s = 0\n",
     "f.ini:2: signature_max_skew_s: out of range 1..86400: '0'"},
    {"[powens]\nsignature_max_skew_s = 86401\n",
     "f.ini:2: signature_max_skew_s: out of range 1..86400: '86401'"},
    {"[server]\nlisten = host\n", "f.ini:2: listen: expected host:port or [v6]:port: 'host'"},
    {"[server]\nlisten = :443\n", "f.ini:2: listen: expected host:port or [v6]:port: ':443'"},
    {"[server]\nlisten = [::1]8443\n",
     "f.ini:2: listen: expected host:port or [v6]:port: '[::1]8443'"},
    {"[server]\nlisten = [::1\n", "f.ini:2: listen: expected host:port or [v6]:port: '[::1'"},
    {"[server]\nlisten = h:0\n", "f.ini:2: listen: port out of range 1..65535: 'h:0'"},
    {"[server]\nlisten = h:70000\n", "f.ini:2: listen: port out of range 1..65535: 'h:70000'"},
    {"[server]\nlisten = h:x\n", "f.ini:2: listen: not a port: 'h:x'"},
    {"[server]\nlisten = h:\n", "f.ini:2: listen: not a port: 'h:'"},
    {"[server]\nlisten = [::1]:x\n", "f.ini:2: listen: not a port: '[::1]:x'"},
    {"[server]\nlisten = ::1:8443\n",
     "f.ini:2: listen: an IPv6 address needs brackets, [v6]:port: '::1:8443'"},
    {"[server]\nlisten = [nope]:8443\n", "f.ini:2: listen: not an IPv6 address: '[nope]:8443'"},
    {"[server]\nlisten = a b:8443\n", "f.ini:2: listen: not a host name: 'a b:8443'"},
    {"[log]\nlevel = loud\n", "f.ini:2: level: not a log level (error|warn|info|debug): 'loud'"},
    {"[powens]\nlang = EN\n", "f.ini:2: lang: not a language code (2-5 lowercase letters): 'EN'"},
    {"[powens]\nlang = e\n", "f.ini:2: lang: not a language code (2-5 lowercase letters): 'e'"},
    {"[powens]\nlang = en-gb\n",
     "f.ini:2: lang: not a language code (2-5 lowercase letters): 'en-gb'"},
    {"[server]\ncert = /c.pem\n", "f.ini: cert and key must be set together"},
    {"[server]\nkey = /k.pem\n", "f.ini: cert and key must be set together"},
};

}  // namespace

TEST_CASE("config: an empty file gives the defaults", "[config]") {
  std::vector<std::string> warnings;
  for (const char* text : {"", "\n\n", "# only a comment\n; another\n", "[powens]\n[log]\n"}) {
    Result<Config> config = Parse(text, &warnings);
    REQUIRE(config.ok());
    CheckSameFields(*config, Config{});
    CHECK(config->path == "f.ini");
  }
  CHECK(warnings.empty());
}

TEST_CASE("config: grammar and every key", "[config]") {
  std::vector<std::string> warnings;
  Result<Config> config = Parse(
      "\xEF\xBB\xBF# comment\r\n"
      "  ; indented comment\n"
      "[ powens ]\n"
      "domain=acme-sandbox\n"
      "  client_id   =   42  \r\n"
      "client_secret = \"  #leading spaces; kept  \"\n"
      "user_token = tok#en;not a comment\n"
      "webhook_secret = \"\"\n"
      "lang = de\n"
      "signature_max_skew_s = 86400\n"
      "[server]\n"
      "listen = 127.0.0.1:8443\n"
      "tls = no\n"
      "cert = /c.pem\n"
      "key = /k.pem\n"
      "max_body = 2 MiB\n"
      "max_header_bytes = 1024\n"
      "max_connections = 1\n"
      "header_timeout_ms = 3600000\n"
      "body_timeout_ms = 100\n"
      "[store]\n"
      "database = /d/x.db\n"
      "[log]\n"
      "level = warn",
      &warnings);
  REQUIRE(config.ok());
  CHECK(warnings.empty());
  CHECK(config->domain == "acme-sandbox");
  CHECK(config->client_id == "42");
  CHECK(config->client_secret == "  #leading spaces; kept  ");
  CHECK(config->user_token == "tok#en;not a comment");
  CHECK(config->webhook_secret.empty());
  CHECK(config->lang == "de");
  CHECK(config->signature_max_skew_s == 86400);
  CHECK(config->listen == "127.0.0.1:8443");
  CHECK_FALSE(config->tls);
  CHECK(config->cert == "/c.pem");
  CHECK(config->key == "/k.pem");
  CHECK(config->max_body == 2 * 1024 * 1024);
  CHECK(config->max_header_bytes == 1024);
  CHECK(config->max_connections == 1);
  CHECK(config->header_timeout_ms == 3600000);
  CHECK(config->body_timeout_ms == 100);
  CHECK(config->database == "/d/x.db");
  CHECK(config->log_level == LogLevel::kWarn);
  CHECK(config->CertPath() == "/c.pem");
  CHECK(config->KeyPath() == "/k.pem");
  CHECK_FALSE(config->cert_is_generated());
}

TEST_CASE("config: quoted values", "[config]") {
  struct Case {
    const char* line;
    const char* value;
  } cases[] = {
      {"client_id = \"a b\"", "a b"},
      {"client_id = \" a \"", " a "},
      {"client_id = \"\"", ""},
      {"client_id = \"#x\"", "#x"},
      {"client_id = a\"b\"", "a\"b\""},
      {"client_id = \"\"\"", "\""},
      {"client_id = \"a=b\"", "a=b"},
      {"client_id = a = b", "a = b"},
      {"client_id =", ""},
      {"client_id = ;x", ";x"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.line);
    Result<Config> config = Parse(std::string("[powens]\n") + c.line + "\n");
    REQUIRE(config.ok());
    CHECK(config->client_id == c.value);
  }
}

TEST_CASE("config: sizes with suffixes", "[config]") {
  struct Case {
    const char* text;
    int64_t bytes;
  } cases[] = {
      {"1024", 1024},          {"1K", 1024},         {"1KiB", 1024},
      {"2048K", 2 << 20},      {"64M", 64 << 20},    {"64MiB", 64 << 20},
      {"64 MiB", 64 << 20},    {"1G", 1 << 30},      {"1GiB", 1 << 30},
      {"1073741824", 1 << 30}, {"1048577", 1048577},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    Result<Config> config = Parse(std::string("[server]\nmax_body = ") + c.text + "\n");
    REQUIRE(config.ok());
    CHECK(config->max_body == c.bytes);
  }
}

TEST_CASE("config: booleans", "[config]") {
  struct Case {
    const char* text;
    bool value;
  } cases[] = {{"on", true},  {"off", false}, {"true", true}, {"false", false},
               {"yes", true}, {"no", false},  {"1", true},    {"0", false}};
  for (const Case& c : cases) {
    CAPTURE(c.text);
    Result<Config> config = Parse(std::string("[server]\ntls = ") + c.text + "\n");
    REQUIRE(config.ok());
    CHECK(config->tls == c.value);
  }
}

TEST_CASE("config: listen forms", "[config]") {
  for (const char* good : {"127.0.0.1:8443", "[::1]:8443", "0.0.0.0:443", "localhost:1",
                           "[::]:65535", "[fe80::1%eth0]:8443", "box.lan:443"}) {
    CAPTURE(good);
    Result<Config> config = Parse(std::string("[server]\nlisten = ") + good + "\n");
    REQUIRE(config.ok());
    CHECK(config->listen == good);
  }
}

TEST_CASE("config: error messages", "[config]") {
  for (const ErrorCase& c : kErrorCases) {
    CAPTURE(c.text);
    CHECK(ParseError(c.text) == c.message);
  }
}

TEST_CASE("config: unknown keys and sections are warnings", "[config]") {
  std::vector<std::string> warnings;
  Result<Config> config = Parse(
      "[server]\n"
      "listen = 127.0.0.1:1\n"
      "lisen = 127.0.0.1:2\n"
      "[mqtt]\n"
      "host = x\n"
      "port = y\n"
      "[powens]\n"
      "level = debug\n",
      &warnings);
  REQUIRE(config.ok());
  CHECK(config->listen == "127.0.0.1:1");
  CHECK(config->log_level == LogLevel::kInfo);
  CHECK(warnings == std::vector<std::string>{"f.ini:3: unknown key 'lisen' in [server]",
                                             "f.ini:4: unknown section [mqtt]",
                                             "f.ini:8: unknown key 'level' in [powens]"});
  // A null `warnings` is allowed.
  CHECK(Parse("[x]\ny = 1\n").ok());
}

TEST_CASE("config: a duplicate key warns and the last one wins", "[config]") {
  std::vector<std::string> warnings;
  Result<Config> config =
      Parse("[server]\nmax_connections = 5\n[store]\n[server]\nmax_connections = 6\n", &warnings);
  REQUIRE(config.ok());
  CHECK(config->max_connections == 6);
  CHECK(warnings == std::vector<std::string>{
                        "f.ini:5: duplicate key 'max_connections' in [server] (line 2), the "
                        "last one wins"});
}

TEST_CASE("config: secrets never appear in messages", "[config]") {
  const std::string kSecret = "S3CRET-VALUE";
  for (const char* key : {"client_secret", "user_token", "webhook_secret"}) {
    CAPTURE(key);
    const std::string k = key;
    // Malformed lines holding a secret: every error names the key or nothing, never the value.
    for (const std::string& text :
         {"[powens]\n" + k + " = \"" + kSecret + "\n", "[powens]\n" + k + " = \"" + kSecret,
          "[powens]\n" + k + " " + kSecret + "\n", "[powens]\n" + kSecret + "\n",
          k + " = " + kSecret + "\n",
          "[powens]\n" + k + " = " + kSecret + "\n[server]\ncert = x\n"}) {
      Result<Config> config = Parse(text);
      REQUIRE_FALSE(config.ok());
      CHECK(config.status().message().find(kSecret) == std::string::npos);
    }
    CHECK(ParseError("[powens]\n" + k + " = \"" + kSecret + "\n") ==
          "f.ini:2: " + k + ": missing closing '\"'");
    // Warnings: duplicates, the wrong section, an unknown section.
    std::vector<std::string> warnings;
    Result<Config> config =
        Parse("[powens]\n" + k + " = " + kSecret + "\n" + k + " = " + kSecret + "2\n[server]\n" +
                  k + " = " + kSecret + "\n[other]\n" + k + " = " + kSecret + "\n",
              &warnings);
    REQUIRE(config.ok());
    CHECK(warnings.size() == 3);
    for (const std::string& warning : warnings) CHECK(warning.find(kSecret) == std::string::npos);
  }
}

TEST_CASE("config: relative paths resolve against the config file's directory", "[config]") {
  struct Case {
    const char* config_path;
    const char* database;
    const char* resolved;
    const char* cert_path;
  } cases[] = {
      {"./var/freenahi.ini", "freenahi.db", "./var/freenahi.db", "./var/freenahi-cert.pem"},
      {"/etc/freenahi/freenahi.ini", "db/f.db", "/etc/freenahi/db/f.db",
       "/etc/freenahi/db/freenahi-cert.pem"},
      {"/f.ini", "f.db", "/f.db", "/freenahi-cert.pem"},
      {"f.ini", "f.db", "f.db", "freenahi-cert.pem"},
      {"var/f.ini", "/abs/f.db", "/abs/f.db", "/abs/freenahi-cert.pem"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.config_path, c.database);
    Result<Config> config =
        ParseConfig(std::string("[store]\ndatabase = ") + c.database, c.config_path, nullptr);
    REQUIRE(config.ok());
    CHECK(config->database == c.resolved);
    CHECK(config->path == c.config_path);
    CHECK(config->cert_is_generated());
    CHECK(config->CertPath() == c.cert_path);
  }
  Result<Config> config =
      ParseConfig("[server]\ncert = tls/c.pem\nkey = /k.pem\n", "/etc/x/f.ini", nullptr);
  REQUIRE(config.ok());
  CHECK(config->CertPath() == "/etc/x/tls/c.pem");
  CHECK(config->KeyPath() == "/k.pem");
  CHECK(Config{}.CertPath() == "/var/lib/freenahi/freenahi-cert.pem");
  CHECK(Config{}.KeyPath() == "/var/lib/freenahi/freenahi-key.pem");
}

TEST_CASE("config: LoadConfig reads, reports and warns about permissions", "[config]") {
  ScopedTempDir dir;
  std::vector<std::string> warnings;
  Result<Config> missing = LoadConfig(dir.path() + "/none.ini", &warnings);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == Status::Code::kNotFound);
  CHECK(missing.status().message() ==
        "config " + dir.path() + "/none.ini: no such file (create one with `freenahi init`)");

  Result<Config> not_a_file = LoadConfig(dir.path(), &warnings);
  REQUIRE_FALSE(not_a_file.ok());
  CHECK(not_a_file.status().code() == Status::Code::kIOError);
  CHECK(not_a_file.status().message() == "config " + dir.path() + ": Is a directory");

  const std::string with_secret = "[powens]\nuser_token = t\n[store]\ndatabase = d.db\n";
  std::string path = dir.Write("private.ini", with_secret, 0600);
  Result<Config> config = LoadConfig(path, &warnings);
  REQUIRE(config.ok());
  CHECK(config->user_token == "t");
  CHECK(config->database == dir.path() + "/d.db");
  CHECK(config->path == path);
  CHECK(warnings.empty());

  path = dir.Write("group.ini", with_secret, 0640);  // root:freenahi, as the .deb installs it
  REQUIRE(LoadConfig(path, &warnings).ok());
  CHECK(warnings.empty());

  path = dir.Write("open.ini", with_secret, 0644);
  REQUIRE(LoadConfig(path, &warnings).ok());
  CHECK(warnings ==
        std::vector<std::string>{path + ": readable by others (chmod 600 or 640 recommended)"});

  warnings.clear();
  path = dir.Write("public.ini", "[server]\nmax_connections = 3\n", 0644);  // no secrets
  REQUIRE(LoadConfig(path, &warnings).ok());
  CHECK(warnings.empty());

  path = dir.Write("bad.ini", "[server]\nmax_connections = x\n", 0600);
  Result<Config> bad = LoadConfig(path, &warnings);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message() == path + ":2: max_connections: not an integer: 'x'");
}

TEST_CASE("config: ResolveConfigPath prefers the flag, then the environment", "[config]") {
  ScopedConfigEnv restore;
  unsetenv("FREENAHI_CONFIG");
  CHECK(ResolveConfigPath("") == kDefaultConfigPath);
  CHECK(ResolveConfigPath("/a.ini") == "/a.ini");
  setenv("FREENAHI_CONFIG", "", 1);
  CHECK(ResolveConfigPath("") == kDefaultConfigPath);
  setenv("FREENAHI_CONFIG", "/env.ini", 1);
  CHECK(ResolveConfigPath("") == "/env.ini");
  CHECK(ResolveConfigPath("/a.ini") == "/a.ini");
}

TEST_CASE("config: etc/freenahi.ini.example is RenderConfig of the defaults", "[config]") {
  const std::string example = ReadFile(FREENAHI_TEST_DATA "/../../etc/freenahi.ini.example");
  REQUIRE_FALSE(example.empty());
  CHECK(example == RenderConfig(Config{}, false));
  std::vector<std::string> warnings;
  Result<Config> config = ParseConfig(example, "/etc/freenahi/freenahi.ini", &warnings);
  REQUIRE(config.ok());
  CHECK(warnings.empty());
  CheckSameFields(*config, Config{});
}

TEST_CASE("config: RenderConfig round-trips every field", "[config]") {
  const Config original = Unusual();
  std::vector<std::string> warnings;
  Result<Config> with = ParseConfig(RenderConfig(original, true), "/x/f.ini", &warnings);
  REQUIRE(with.ok());
  CHECK(warnings.empty());
  CheckSameFields(*with, original);

  const std::string without_text = RenderConfig(original, false);
  for (const std::string* secret :
       {&original.client_secret, &original.user_token, &original.webhook_secret}) {
    CHECK(without_text.find(*secret) == std::string::npos);
  }
  CHECK(without_text.find("\nclient_secret =\n") != std::string::npos);
  Result<Config> without = ParseConfig(without_text, "/x/f.ini", nullptr);
  REQUIRE(without.ok());
  Config expected = original;
  expected.client_secret.clear();
  expected.user_token.clear();
  expected.webhook_secret.clear();
  CheckSameFields(*without, expected);

  for (LogLevel level : {LogLevel::kError, LogLevel::kWarn, LogLevel::kInfo, LogLevel::kDebug}) {
    Config c;
    c.log_level = level;
    c.tls = level == LogLevel::kWarn;
    Result<Config> parsed = ParseConfig(RenderConfig(c, true), "f.ini", nullptr);
    REQUIRE(parsed.ok());
    CheckSameFields(*parsed, c);
  }
}

TEST_CASE("config: ApiUrl derives the API base from domain, or takes api_url", "[config]") {
  struct Case {
    const char* domain;
    const char* api_url;
    const char* expected;
  };
  const Case cases[] = {
      {"acme", "", "https://acme.biapi.pro/2.0/"},
      {"acme-sandbox", "", "https://acme-sandbox.biapi.pro/2.0/"},
      {"acme-sandbox.biapi.pro", "", "https://acme-sandbox.biapi.pro/2.0/"},
      {"acme.biapi.pro/", "", "https://acme.biapi.pro/2.0/"},
      {"https://fake.test:9443/2.0", "", "https://fake.test:9443/2.0/"},
      {"acme", "https://127.0.0.1:8443/api/", "https://127.0.0.1:8443/api/"},
      {"", "https://x.test/2.0", "https://x.test/2.0/"},
      {"", "", ""},
  };
  for (const Case& c : cases) {
    Config config;
    config.domain = c.domain;
    config.api_url = c.api_url;
    INFO(c.domain << " " << c.api_url);
    CHECK(config.ApiUrl() == c.expected);
  }
}

TEST_CASE("config: pull_interval durations and the Powens client keys", "[config]") {
  struct Case {
    const char* value;
    int64_t seconds;
  };
  for (const Case& c : {Case{"0", 0}, Case{"6h", 21600}, Case{"30m", 1800}, Case{"90s", 90},
                        Case{"3600", 3600}, Case{"1d", 86400}}) {
    Result<Config> config = Parse(std::string("[powens]\npull_interval = ") + c.value + "\n");
    REQUIRE(config.ok());
    CHECK(config->pull_interval_s == c.seconds);
  }
  CHECK(Config{}.pull_interval_s == 6 * 3600);
  CHECK(Config{}.rate_limit_per_min == 30);
  CHECK(Config{}.hook_timeout_s == 30);
  CHECK(ParseError("[powens]\npull_interval = 6x\n") ==
        "f.ini:2: pull_interval: not a duration (0, 90s, 30m, 6h, 1d): '6x'");
  CHECK(ParseError("[powens]\npull_interval = 10s\n") ==
        "f.ini:2: pull_interval: 0 (off) or 60..2592000 seconds: '10s'");
  CHECK(ParseError("[powens]\napi_url = http://x/\n") ==
        "f.ini:2: api_url: not an https:// URL: 'http://x/'");
  CHECK(ParseError("[powens]\nredirect_uri = box/connected\n") ==
        "f.ini:2: redirect_uri: not an http(s):// URL: 'box/connected'");
  CHECK(ParseError("[hooks]\non_sync_error = /bin/x 'a b\n") ==
        "f.ini:2: on_sync_error: unbalanced single quote");
  CHECK(ParseError("[hooks]\nhook_timeout_s = 0\n") ==
        "f.ini:2: hook_timeout_s: out of range 1..3600: '0'");
  Result<Config> relative = ParseConfig("[powens]\nca_file = ca.pem\n", "/etc/x/f.ini", nullptr);
  REQUIRE(relative.ok());
  CHECK(relative->ca_file == "/etc/x/ca.pem");
}

}  // namespace freenahi
