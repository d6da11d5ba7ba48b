// SPDX-License-Identifier: MIT
// Shared by payload.cc and payload_envelope.cc only: parse flags and error helpers.
#ifndef FREENAHI_PAYLOAD_INTERNAL_H_
#define FREENAHI_PAYLOAD_INTERNAL_H_

#include <rapidjson/reader.h>

#include <cstdint>
#include <string>
#include <string_view>

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

}  // namespace payload_internal
}  // namespace freenahi

#endif  // FREENAHI_PAYLOAD_INTERNAL_H_
