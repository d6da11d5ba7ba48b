// SPDX-License-Identifier: MIT
// API bodies → model.h records: one RapidJSON DOM per page (numbers kept as text, so money never
// touches a double), the records converted by payload.cc's converters (connection health
// included, as webhooks carry it too), plus the few members only the API has (_links, the auth
// replies, the investments list).
#include "powens_page.h"

#include <rapidjson/document.h>

#include <utility>

#include "paris_time.h"
#include "payload_internal.h"

namespace freenahi {
namespace {

using payload_internal::Malformed;
using JValue = rapidjson::Value;

constexpr unsigned kPageFlags = rapidjson::kParseNumbersAsStringsFlag |
                                rapidjson::kParseIterativeFlag |
                                rapidjson::kParseValidateEncodingFlag;

Status ParseObject(std::string_view body, rapidjson::Document* doc) {
  FREENAHI_RETURN_IF_ERROR(payload_internal::CheckNoNul(body));
  doc->Parse<kPageFlags>(body.data(), body.size());
  if (doc->HasParseError()) return Malformed(*doc);
  if (!doc->IsObject()) return Malformed(payload_internal::FirstNonSpace(body), "not a JSON object");
  return Status::Ok();
}

// The member as text (a string, or a number kept as text); nullopt when absent, null or other.
std::optional<std::string> Text(const JValue& object, const char* key) {
  auto it = object.FindMember(key);
  if (it == object.MemberEnd() || !it->value.IsString()) return std::nullopt;
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

const JValue* Member(const JValue& object, const char* key) {
  auto it = object.FindMember(key);
  return it == object.MemberEnd() || it->value.IsNull() ? nullptr : &it->value;
}

// The array member `key` of the page; InvalidArgument when missing or not an array.
Result<const JValue*> PageArray(const JValue& page, const char* key) {
  const JValue* v = Member(page, key);
  if (v == nullptr || !v->IsArray()) return Status::InvalidArgument(std::string("no ") + key + " array");
  return v;
}

std::string Indexed(const char* key, rapidjson::SizeType i) {
  return std::string(key) + "[" + std::to_string(i) + "]";
}

Status AddConnection(const JValue& v, const std::string& where, PulledPage* page) {
  if (!v.IsObject()) return Status::InvalidArgument(where + ": expected an object");
  Connection& c = page->connections.emplace_back();
  return payload_internal::ConvertConnection(v, &c).WithContext(where);
}

// The account a flat record (transaction, investment) names by id_account, with the currency its
// amounts need; nullopt when the pull did not list that account.
Result<std::optional<Account>> AccountOf(const JValue& v, const std::string& where,
                                         const std::map<int64_t, Currency>& accounts) {
  std::optional<std::string> account_text = Text(v, "id_account");
  Result<int64_t> account_id = account_text ? payload_internal::ParseInteger(*account_text)
                                            : Result<int64_t>(Status::InvalidArgument("missing"));
  if (!account_id.ok()) return account_id.status().WithContext(where + ".id_account");
  auto known = accounts.find(*account_id);
  if (known == accounts.end()) return std::optional<Account>();
  Account shell;
  shell.id = *account_id;
  shell.currency = known->second;
  return std::optional<Account>(std::move(shell));
}

}  // namespace

Result<AuthInitReply> ParseAuthInit(std::string_view body) {
  rapidjson::Document doc;
  FREENAHI_RETURN_IF_ERROR(ParseObject(body, &doc).WithContext("auth/init reply"));
  AuthInitReply reply;
  std::optional<std::string> token = Text(doc, "auth_token");
  std::optional<std::string> user = Text(doc, "id_user");
  if (!token || token->empty()) return Status::InvalidArgument("auth/init reply: no auth_token");
  if (!user) return Status::InvalidArgument("auth/init reply: no id_user");
  Result<int64_t> id = payload_internal::ParseInteger(*user);
  if (!id.ok()) return id.status().WithContext("auth/init reply: id_user");
  reply.token = std::move(*token);
  reply.user_id = *id;
  return reply;
}

Result<std::string> ParseTemporaryCode(std::string_view body) {
  rapidjson::Document doc;
  FREENAHI_RETURN_IF_ERROR(ParseObject(body, &doc).WithContext("auth/token/code reply"));
  std::optional<std::string> code = Text(doc, "code");
  if (!code || code->empty()) return Status::InvalidArgument("auth/token/code reply: no code");
  return *code;
}

std::optional<PowensError> ParsePowensError(std::string_view body) {
  rapidjson::Document doc;
  if (!ParseObject(body, &doc).ok()) return std::nullopt;
  std::optional<std::string> code = Text(doc, "code");
  if (!code) code = Text(doc, "error");  // OAuth-style bodies
  if (!code) return std::nullopt;
  PowensError error;
  error.code = *code;
  error.description = Text(doc, "description").value_or("");
  if (error.description.empty()) error.description = Text(doc, "error_description").value_or("");
  error.message = Text(doc, "message").value_or("");
  error.request_id = Text(doc, "request_id").value_or("");
  return error;
}

Status ParseUserObject(std::string_view body, PulledPage* page) {
  rapidjson::Document doc;
  FREENAHI_RETURN_IF_ERROR(ParseObject(body, &doc).WithContext("user"));
  User user;
  FREENAHI_RETURN_IF_ERROR(payload_internal::ConvertUser(doc, &user).WithContext("user"));
  page->user = std::move(user);
  return Status::Ok();
}

Status ParseConnectionsPage(std::string_view body, PulledPage* page) {
  rapidjson::Document doc;
  FREENAHI_RETURN_IF_ERROR(ParseObject(body, &doc).WithContext("connections"));
  Result<const JValue*> list = PageArray(doc, "connections");
  if (!list.ok()) return list.status().WithContext("connections");
  for (rapidjson::SizeType i = 0; i < (*list)->Size(); ++i) {
    FREENAHI_RETURN_IF_ERROR(AddConnection((**list)[i], Indexed("connections", i), page));
  }
  return Status::Ok();
}

Status ParseConnectionObject(std::string_view body, PulledPage* page) {
  rapidjson::Document doc;
  FREENAHI_RETURN_IF_ERROR(ParseObject(body, &doc).WithContext("connection"));
  return AddConnection(doc, "connection", page);
}

Status ParseAccountsPage(std::string_view body, PulledPage* page) {
  rapidjson::Document doc;
  FREENAHI_RETURN_IF_ERROR(ParseObject(body, &doc).WithContext("accounts"));
  Result<const JValue*> list = PageArray(doc, "accounts");
  if (!list.ok()) return list.status().WithContext("accounts");
  for (rapidjson::SizeType i = 0; i < (*list)->Size(); ++i) {
    const JValue& v = (**list)[i];
    const std::string where = Indexed("accounts", i);
    if (!v.IsObject()) return Status::InvalidArgument(where + ": expected an object");
    Account& account = page->accounts.emplace_back();
    FREENAHI_RETURN_IF_ERROR(payload_internal::ConvertAccount(v, &account).WithContext(where));
  }
  return Status::Ok();
}

Status ParseTransactionsPage(std::string_view body, const std::map<int64_t, Currency>& accounts,
                             PulledPage* page, TransactionsPageInfo* info) {
  rapidjson::Document doc;
  FREENAHI_RETURN_IF_ERROR(ParseObject(body, &doc).WithContext("transactions"));
  Result<const JValue*> list = PageArray(doc, "transactions");
  if (!list.ok()) return list.status().WithContext("transactions");
  page->transactions.reserve(page->transactions.size() + (*list)->Size());
  for (rapidjson::SizeType i = 0; i < (*list)->Size(); ++i) {
    const JValue& v = (**list)[i];
    const std::string where = Indexed("transactions", i);
    if (!v.IsObject()) return Status::InvalidArgument(where + ": expected an object");
    Result<std::optional<Account>> shell = AccountOf(v, where, accounts);
    if (!shell.ok()) return shell.status();
    if (!*shell) {
      ++info->skipped;
      continue;
    }
    Transaction& t = page->transactions.emplace_back();
    FREENAHI_RETURN_IF_ERROR(
        payload_internal::ConvertTransaction(v, **shell, &t).WithContext(where));
    std::optional<std::string> last_update = Text(v, "last_update");
    if (last_update && (!info->max_last_update || *last_update > *info->max_last_update))
      info->max_last_update = last_update;
  }
  info->next_href.reset();
  if (const JValue* links = Member(doc, "_links"); links != nullptr && links->IsObject()) {
    if (const JValue* next = Member(*links, "next"); next != nullptr && next->IsObject()) {
      std::optional<std::string> href = Text(*next, "href");
      if (href && !href->empty()) info->next_href = href;
    }
  }
  return Status::Ok();
}

Result<int64_t> ParseInvestmentsPage(std::string_view body,
                                     const std::map<int64_t, Currency>& accounts,
                                     PulledPage* page) {
  rapidjson::Document doc;
  FREENAHI_RETURN_IF_ERROR(ParseObject(body, &doc).WithContext("investments"));
  Result<const JValue*> list = PageArray(doc, "investments");
  if (!list.ok()) return list.status().WithContext("investments");
  int64_t skipped = 0;
  for (rapidjson::SizeType i = 0; i < (*list)->Size(); ++i) {
    const JValue& v = (**list)[i];
    const std::string where = Indexed("investments", i);
    if (!v.IsObject()) return Status::InvalidArgument(where + ": expected an object");
    Result<std::optional<Account>> shell = AccountOf(v, where, accounts);
    if (!shell.ok()) return shell.status();
    if (!*shell) {
      ++skipped;
      continue;
    }
    Investment& investment = page->investments.emplace_back();
    FREENAHI_RETURN_IF_ERROR(
        payload_internal::ConvertInvestment(v, **shell, &investment).WithContext(where));
  }
  return skipped;
}

}  // namespace freenahi
