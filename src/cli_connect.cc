// SPDX-License-Identifier: MIT
// `freenahi connect [--lang fr] [--manage] [--reconnect ID]`: a single-use code from Powens, then
// the webview link (every value URL-encoded) and, on a terminal, the same link as a QR code.
#include <cstdio>
#include <ctime>
#include <string>
#include <utility>
#include <vector>

#include "cli.h"
#include "cli_powens.h"
#include "crypto.h"
#include "qr_terminal.h"

namespace freenahi {
namespace {

constexpr const char* kWebview = "https://webview.powens.com/";
constexpr UnixSeconds kStateLifetimeS = 3600;  // bank login and SCA can take a while

bool ParseConnectionId(const std::string& text, int64_t* id) {
  if (text.empty() || text.size() > 18) return false;
  *id = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    *id = *id * 10 + (c - '0');
  }
  return *id > 0;
}

std::string Query(const std::vector<std::pair<const char*, std::string>>& params) {
  std::string query;
  for (const auto& [name, value] : params) {
    query += query.empty() ? "?" : "&";
    query += std::string(name) + "=" + UrlEncode(value);
  }
  return query;
}

}  // namespace

int CmdConnect(const CliArgs& args) {
  int code = kExitOk;
  std::optional<Config> config = LoadConfigForCli(args, &code);
  if (!config) return code;
  std::string page = "connect";
  int64_t reconnect_id = 0;
  if (auto id = args.Value("reconnect")) {
    if (!ParseConnectionId(*id, &reconnect_id))
      return CliError(kExitUsage, "--reconnect takes a connection id (see `freenahi status`)");
    page = "reconnect";
  }
  if (args.Has("manage")) {
    if (reconnect_id != 0) return CliError(kExitUsage, "--manage and --reconnect exclude each other");
    page = "manage";
  }
  std::string lang = args.Value("lang").value_or(config->lang);
  if (lang.empty() || lang.size() > 5) return CliError(kExitUsage, "--lang takes a language code (en, fr, de...)");
  if (config->client_id.empty() || config->domain.empty())
    return CliError(kExitUsage, "[powens] client_id and domain are not set: run `freenahi init`");
  if (config->redirect_uri.empty() && page != "manage")
    return CliError(kExitUsage, "[powens] redirect_uri is not set: run `freenahi init` (Powens "
                                "requires it for connect and reconnect)");
  std::unique_ptr<Store> store = OpenPowensStore(*config, &code);
  if (!store) return code;
  std::optional<PowensUser> user = RequirePowensUser(store.get(), &code);
  if (!user) return code;
  std::unique_ptr<PowensClient> client = MakePowensClient(*config, &*user, false);
  Result<std::string> temporary = client->TemporaryCode();
  if (!temporary.ok()) return CliError(kExitFailure, temporary.status().message());
  // The callback accepts only this value, once, within the hour (serve_powens.cc): a page on
  // the box that anyone could call with a made-up connection id stays inert.
  Result<std::string> nonce = RandomBytes(16);
  if (!nonce.ok()) return CliError(kExitFailure, nonce.status().message());
  const std::string state = HexLower(*nonce);
  const UnixSeconds now = static_cast<UnixSeconds>(time(nullptr));
  Status remembered = store->AddWebviewState(state, page, now, now + kStateLifetimeS);
  if (!remembered.ok()) return CliError(kExitFailure, remembered.message());
  std::vector<std::pair<const char*, std::string>> params = {
      {"domain", PowensDomainHost(config->domain)}, {"client_id", config->client_id}};
  if (!config->redirect_uri.empty()) params.emplace_back("redirect_uri", config->redirect_uri);
  params.emplace_back("code", *temporary);
  params.emplace_back("state", state);
  params.emplace_back("connector_capabilities", "bank,bankwealth");
  if (reconnect_id != 0) params.emplace_back("connection_id", std::to_string(reconnect_id));
  std::string url = kWebview + lang + "/" + page + Query(params);
  const bool tty = StdoutIsTty();
  if (tty) {
    std::string qr = QrForTerminal(url);
    if (!qr.empty()) printf("%s\n", qr.c_str());
    printf("Open this link (valid for a few minutes, once; its return for an hour) on your phone\n"
           "or computer:\n");
  }
  printf("%s\n", url.c_str());
  if (tty && page == "connect")
    printf("\nPick your bank, log in, then ENABLE the accounts you want: new accounts are disabled\n"
           "by default. Transactions arrive by webhook; `freenahi status` shows the connection.\n");
  return kExitOk;
}

extern const CommandSpec kConnectCommand = {
    "connect", "print the Powens link (and QR code) that connects a bank",
     "usage: freenahi connect [--config PATH] [--lang fr] [--manage | --reconnect CONNECTION_ID]\n"
     "  Gets a single-use code from Powens and prints the webview link: connect a new bank,\n"
     "  --manage to enable accounts or fix a login, --reconnect ID to renew a bank's consent\n"
     "  (SCA). On a terminal, also as a QR code for a phone. The webview comes back to\n"
     "  [powens] redirect_uri, which `freenahi serve` answers and then pulls the new data; it\n"
     "  accepts only the return of a link printed here, once, within the hour.\n"
     "example: freenahi connect --lang fr\n",
    "lang reconnect", "manage", CmdConnect};

}  // namespace freenahi
