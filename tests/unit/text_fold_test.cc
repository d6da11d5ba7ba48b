// SPDX-License-Identifier: MIT
#include "text_fold.h"

#include "catch.h"

namespace freenahi {
namespace {

TEST_CASE("text_fold: lower case, accents removed, punctuation separates", "[text_fold]") {
  struct Case {
    const char* text;
    const char* folded;
  };
  const Case cases[] = {
      {"Carte 12/03 CAFÉ-Crème", "carte 12 03 cafe creme"},
      {"Compte de DÉPÔT", "compte de depot"},
      {"e\xCC\x81" "le\xCC\x80" "ve", "eleve"},  // combining accents dropped
      {"ÇA ŒUVRE Ñandú Øre", "ca œuvre nandu ore"},
      {"  --  ", ""},
      {"PRLV SEPA/EDF_CLIENTS", "prlv sepa edf clients"},
      {"Straße", "straße"},
      {"ΑΘΗΝΑ Москва", "αθηνα москва"},
      {"日本 円", "日本 円"},
      {"bad\xFF" "byte", "bad byte"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    CHECK(FoldText(c.text) == c.folded);
  }
  CHECK(FoldTokens("Café, du  Coin") == std::vector<std::string>{"cafe", "du", "coin"});
}

}  // namespace
}  // namespace freenahi
