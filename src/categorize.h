// SPDX-License-Identifier: MIT
// A transaction's category at query time: the user's rules first (the newest matching rule
// wins), then Powens' own category, else "uncategorized". Rules apply to the past as much as to
// the future, since nothing is stored per transaction. Used by the CLI (transactions, summary,
// export) and the report; knows no SQL (rules come from store_notes.h).
#ifndef FREENAHI_CATEGORIZE_H_
#define FREENAHI_CATEGORIZE_H_

#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "status.h"
#include "store_notes.h"

namespace freenahi {

constexpr const char* kUncategorized = "uncategorized";

// The wordings a rule is matched against: the user's local wording (when renamed), the bank's
// wording and its original wording.
struct CategoryInput {
  std::string local_wording;  // empty when the user did not rename it
  std::string wording;
  std::string original_wording;
  std::optional<std::string> powens_category;  // first Powens category code
};

class Categorizer {
 public:
  // InvalidArgument "rule 3: bad regex '(': ..." when a stored pattern does not compile.
  static Result<Categorizer> Make(const std::vector<CategoryRule>& rules);
  Categorizer() = default;

  // The category name; never empty.
  std::string CategoryOf(const CategoryInput& input) const;
  // The id of the rule that decides, or nullopt when Powens' category (or none) applies.
  std::optional<int64_t> RuleFor(const CategoryInput& input) const;

 private:
  struct Compiled {
    CategoryRule rule;
    std::string lowered;  // kMatch: the pattern in ASCII lower case
    std::regex regex;     // kRegex
  };
  bool Matches(const Compiled& c, const CategoryInput& input) const;
  std::vector<Compiled> newest_first_;
};

// Checks that `pattern` compiles as a rule of `kind` (ECMAScript regex, case-insensitive).
Status ValidateRulePattern(RuleKind kind, const std::string& pattern);

}  // namespace freenahi

#endif  // FREENAHI_CATEGORIZE_H_
