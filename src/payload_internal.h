// SPDX-License-Identifier: MIT
// Shared by payload.cc, payload_envelope.cc and powens_page.cc: parse flags, error helpers and
// the record converters.
#ifndef FREENAHI_PAYLOAD_INTERNAL_H_
#define FREENAHI_PAYLOAD_INTERNAL_H_

#include <rapidjson/document.h>
#include <rapidjson/reader.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "model.h"
#include "status.h"

namespace freenahi {
namespace payload_internal {

// Iterative: a deeply nested body cannot exhaust the stack. Numbers stay text. The envelope does
// not validate UTF-8 itself: CheckJsonText (json_text.h) did, once, before any parse.
constexpr unsigned kEnvelopeFlags =
    rapidjson::kParseNumbersAsStringsFlag | rapidjson::kParseIterativeFlag;

// InvalidArgument "malformed JSON at offset N: <reason>".
Status Malformed(size_t offset, const std::string& reason);
Status Malformed(const rapidjson::ParseResult& r);
// RapidJSON reads a NUL as the end of input; JSON text can never hold a raw one.
Status CheckNoNul(std::string_view body);
size_t FirstNonSpace(std::string_view body);
std::string Quote(std::string_view text);  // "\"text\"", shortened past 40 characters
// Ids and counts: an integer, given as a JSON number or string ("2881", "2881.0", "1e3").
Result<int64_t> ParseInteger(std::string_view text);

// The webhook's record converters, for API pages (powens_page.cc): `v` is an object parsed with
// kParseNumbersAsStringsFlag; error paths are relative to it ("accounts[0].balance: ...").
// A connection brings its nested accounts; a transaction takes its account's id and currency.
Status ConvertUser(const rapidjson::Value& v, User* out);
Status ConvertConnection(const rapidjson::Value& v, Connection* out);
Status ConvertAccount(const rapidjson::Value& v, Account* out);
Status ConvertTransaction(const rapidjson::Value& v, const Account& account, Transaction* out);

}  // namespace payload_internal
}  // namespace freenahi

#endif  // FREENAHI_PAYLOAD_INTERNAL_H_
