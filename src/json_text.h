// SPDX-License-Identifier: MIT
// The boundary every JSON parse goes through: is this byte string JSON *text* at all (RFC 8259
// §8.1: UTF-8, and no raw NUL, which RapidJSON reads as the end)? Checked once over the whole
// body before RapidJSON sees it, so its in-situ reader never meets a truncated sequence (a lead
// byte at the very end made it read past the buffer) and every caller applies the same rule.
#ifndef FREENAHI_JSON_TEXT_H_
#define FREENAHI_JSON_TEXT_H_

#include <cstddef>
#include <string_view>

#include "status.h"

namespace freenahi {

// Offset of the first byte that does not belong to valid UTF-8 (RFC 3629: no overlong forms,
// no surrogates, nothing above U+10FFFF, no truncated sequence), or text.size() when valid.
size_t FirstInvalidUtf8(std::string_view text);

// Ok, or InvalidArgument "malformed JSON at offset N: invalid UTF-8" / "...: NUL byte".
Status CheckJsonText(std::string_view body);

}  // namespace freenahi

#endif  // FREENAHI_JSON_TEXT_H_
