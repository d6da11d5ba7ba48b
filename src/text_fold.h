// SPDX-License-Identifier: MIT
// Case- and accent-insensitive text for search, the same way SQLite's FTS5 tokenizer
// `unicode61 remove_diacritics 2` sees it: lower case, diacritics removed, letters and digits
// kept, everything else a separator. Used by the store (search, its fallback) and the CLI.
#ifndef FREENAHI_TEXT_FOLD_H_
#define FREENAHI_TEXT_FOLD_H_

#include <string>
#include <string_view>
#include <vector>

namespace freenahi {

// The folded tokens of `text` joined by single spaces: "Carte 12/03 CAFÉ-Crème" →
// "carte 12 03 cafe creme". Covers Latin (Latin-1, Latin Extended-A), Greek and Cyrillic case;
// other scripts pass through unchanged.
std::string FoldText(std::string_view text);

// FoldText split into tokens.
std::vector<std::string> FoldTokens(std::string_view text);

}  // namespace freenahi

#endif  // FREENAHI_TEXT_FOLD_H_
