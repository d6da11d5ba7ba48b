// SPDX-License-Identifier: MIT
// Folding for search: decode UTF-8, lower-case, strip diacritics (precomposed Latin letters and
// combining marks), split on anything that is not a letter or digit. Table-driven, no locale.
#include "text_fold.h"

#include <cstdint>

namespace freenahi {
namespace {

// U+00C0..U+017F → base letter (lower case), 0 when the character is not a letter to fold.
// Built from the Unicode decompositions of Latin-1 Supplement and Latin Extended-A.
constexpr const char kLatin1[] =  // U+00C0..U+00FF
    "aaaaaaaceeeeiiii"            // C0-CF (Æ → 'a' is wrong, handled below)
    "dnooooo ouuuuyts"            // D0-DF (× at D7 is not a letter; Þ ß below)
    "aaaaaaaceeeeiiii"            // E0-EF
    "dnooooo ouuuuyty";           // F0-FF (÷ at F7)
constexpr const char kLatinExtA[] =  // U+0100..U+017F
    "aaaaaaccccccccdd"
    "ddeeeeeeeeeegggg"
    "gggghhhhiiiiiiii"
    "iijjjjkkklllllll"
    "lllnnnnnnnnnoooo"
    "oooorrrrrrssssss"
    "ssttttttuuuuuuuu"
    "uuuuwwyyyzzzzzzs";

bool IsCombining(uint32_t cp) {
  return (cp >= 0x300 && cp <= 0x36F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
         (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x20D0 && cp <= 0x20FF) ||
         (cp >= 0xFE20 && cp <= 0xFE2F);
}

void AppendUtf8(std::string* out, uint32_t cp) {
  if (cp < 0x80) {
    *out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    *out += static_cast<char>(0xC0 | (cp >> 6));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *out += static_cast<char>(0xE0 | (cp >> 12));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *out += static_cast<char>(0xF0 | (cp >> 18));
    *out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Decodes one code point; invalid bytes yield U+FFFD (a separator).
uint32_t Next(std::string_view text, size_t* pos) {
  const unsigned char c = static_cast<unsigned char>(text[*pos]);
  size_t length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (length == 0 || *pos + length > text.size()) return ++*pos, 0xFFFD;
  uint32_t cp = length == 1 ? c : c & (0x7F >> length);
  for (size_t i = 1; i < length; ++i) {
    const unsigned char next = static_cast<unsigned char>(text[*pos + i]);
    if ((next & 0xC0) != 0x80) return ++*pos, 0xFFFD;
    cp = (cp << 6) | (next & 0x3F);
  }
  *pos += length;
  return cp;
}

enum class Kind { kSeparator, kDrop, kToken };

// Folds `cp` into *folded (0 when dropped). Letters and digits of other scripts count as tokens
// (a rough rule: anything from U+00C0 up that is not punctuation or a symbol block).
Kind Fold(uint32_t cp, uint32_t* folded) {
  *folded = cp;
  if (cp < 0x80) {
    if (cp >= 'A' && cp <= 'Z') return *folded = cp + 32, Kind::kToken;
    bool alnum = (cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9');
    return alnum ? Kind::kToken : Kind::kSeparator;
  }
  if (IsCombining(cp)) return Kind::kDrop;
  if (cp == 0xAA || cp == 0xB5 || cp == 0xBA) return Kind::kToken;
  if (cp < 0xC0 || cp == 0xD7 || cp == 0xF7) return Kind::kSeparator;
  if (cp == 0xC6) return *folded = 0xE6, Kind::kToken;  // Æ → æ (no decomposition)
  if (cp == 0xD0) return *folded = 0xF0, Kind::kToken;  // Ð → ð
  if (cp == 0xD8) return *folded = 'o', Kind::kToken;   // Ø: FTS5 folds it to o
  if (cp == 0xF8) return *folded = 'o', Kind::kToken;
  if (cp == 0xDE) return *folded = 0xFE, Kind::kToken;  // Þ → þ
  if (cp == 0xDF || cp == 0xE6 || cp == 0xF0 || cp == 0xFE) return Kind::kToken;
  if (cp <= 0xFF) return *folded = static_cast<unsigned char>(kLatin1[cp - 0xC0]), Kind::kToken;
  if (cp <= 0x17F) {
    if (cp == 0x131 || cp == 0x138 || cp == 0x149) return Kind::kToken;  // ı ĸ ŉ
    if (cp == 0x152 || cp == 0x153) return *folded = 0x153, Kind::kToken;  // Œ → œ
    if (cp == 0x132 || cp == 0x133) return *folded = 0x133, Kind::kToken;  // Ĳ → ĳ
    return *folded = static_cast<unsigned char>(kLatinExtA[cp - 0x100]), Kind::kToken;
  }
  if (cp >= 0x391 && cp <= 0x3A9) return *folded = cp + 32, Kind::kToken;  // Greek capitals
  if (cp >= 0x410 && cp <= 0x42F) return *folded = cp + 32, Kind::kToken;  // Cyrillic А-Я
  if (cp >= 0x400 && cp <= 0x40F) return *folded = cp + 80, Kind::kToken;  // Ѐ-Џ
  if ((cp >= 0x2000 && cp <= 0x2BFF) || (cp >= 0x3000 && cp <= 0x303F) || cp == 0xFFFD ||
      (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF0F))
    return Kind::kSeparator;  // punctuation, symbols, arrows, CJK punctuation
  return Kind::kToken;
}

}  // namespace

std::vector<std::string> FoldTokens(std::string_view text) {
  std::vector<std::string> tokens;
  std::string current;
  for (size_t pos = 0; pos < text.size();) {
    uint32_t folded;
    Kind kind = Fold(Next(text, &pos), &folded);
    if (kind == Kind::kDrop) continue;
    if (kind == Kind::kToken) {
      AppendUtf8(&current, folded);
    } else if (!current.empty()) {
      tokens.push_back(std::move(current));
      current.clear();
    }
  }
  if (!current.empty()) tokens.push_back(std::move(current));
  return tokens;
}

std::string FoldText(std::string_view text) {
  std::string out;
  for (const std::string& token : FoldTokens(text)) {
    if (!out.empty()) out += ' ';
    out += token;
  }
  return out;
}

}  // namespace freenahi
