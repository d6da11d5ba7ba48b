// SPDX-License-Identifier: MIT
// Tests for categorize.cc: the newest matching rule wins over older ones and over Powens.
#include "categorize.h"

#include "catch.h"

namespace freenahi {
namespace {

CategoryRule Rule(int64_t id, RuleKind kind, const std::string& pattern, const std::string& name) {
  CategoryRule r;
  r.id = id, r.kind = kind, r.pattern = pattern, r.category = name;
  return r;
}

TEST_CASE("categorize: rules, then Powens, then uncategorized", "[categorize]") {
  Categorizer c = Categorizer::Make({Rule(1, RuleKind::kMatch, "librairie", "books"),
                                     Rule(2, RuleKind::kRegex, "^(PARKING|PEAGE) ", "car"),
                                     Rule(3, RuleKind::kMatch, "du parc", "leisure")})
                      .value();
  CategoryInput parc{"", "LIBRAIRIE DU PARC", "CB LIBRAIRIE DU PARC 14/03", std::nullopt};
  CHECK(c.CategoryOf(parc) == "leisure");  // rules 1 and 3 match: the newest wins
  CHECK(c.RuleFor(parc) == std::optional<int64_t>(3));
  CategoryInput parking{"", "parking centre ville", "", std::string("transport")};
  CHECK(c.CategoryOf(parking) == "car");  // regexes are case-insensitive too
  CategoryInput salary{"", "ACME INDUSTRIES SAS", "", std::string("salary")};
  CHECK(c.CategoryOf(salary) == "salary");
  CHECK(!c.RuleFor(salary));
  CategoryInput none{"", "ENERGIE", "", std::nullopt};
  CHECK(c.CategoryOf(none) == kUncategorized);
  CategoryInput renamed{"Librairie (cadeau)", "XYZ 123", "", std::nullopt};
  CHECK(c.CategoryOf(renamed) == "books");  // the user's own wording is matched too
}

TEST_CASE("categorize: a bad regex is an error with the rule id", "[categorize]") {
  CHECK(!ValidateRulePattern(RuleKind::kRegex, "(").ok());
  CHECK(ValidateRulePattern(RuleKind::kMatch, "(").ok());
  CHECK(!ValidateRulePattern(RuleKind::kMatch, "").ok());
  Result<Categorizer> bad = Categorizer::Make({Rule(4, RuleKind::kRegex, "[a-", "x")});
  REQUIRE(!bad.ok());
  CHECK(bad.status().message().rfind("rule 4: bad regex '[a-'", 0) == 0);
}

}  // namespace
}  // namespace freenahi
