// SPDX-License-Identifier: MIT
// Rule matching: case-insensitive substring (ASCII letters folded; accents are compared as is)
// or std::regex (ECMAScript, icase). std::regex throws on a bad pattern: caught here.
#include "categorize.h"

#include <algorithm>
#include <cctype>

namespace freenahi {
namespace {

std::string Lower(const std::string& text) {
  std::string out = text;
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Result<std::regex> Compile(const std::string& pattern) {
  try {
    return std::regex(pattern, std::regex::ECMAScript | std::regex::icase);
  } catch (const std::regex_error& e) {
    return Status::InvalidArgument("bad regex '" + pattern + "': " + e.what());
  }
}

}  // namespace

Status ValidateRulePattern(RuleKind kind, const std::string& pattern) {
  if (pattern.empty()) return Status::InvalidArgument("the pattern is empty");
  if (kind == RuleKind::kMatch) return Status::Ok();
  return Compile(pattern).status();
}

Result<Categorizer> Categorizer::Make(const std::vector<CategoryRule>& rules) {
  Categorizer c;
  for (auto it = rules.rbegin(); it != rules.rend(); ++it) {
    Compiled compiled;
    compiled.rule = *it;
    if (it->kind == RuleKind::kRegex) {
      Result<std::regex> regex = Compile(it->pattern);
      if (!regex.ok()) return regex.status().WithContext("rule " + std::to_string(it->id));
      compiled.regex = std::move(regex).value();
    } else {
      compiled.lowered = Lower(it->pattern);
    }
    c.newest_first_.push_back(std::move(compiled));
  }
  std::stable_sort(c.newest_first_.begin(), c.newest_first_.end(),
                   [](const Compiled& a, const Compiled& b) { return a.rule.id > b.rule.id; });
  return c;
}

bool Categorizer::Matches(const Compiled& c, const CategoryInput& input) const {
  for (const std::string* text : {&input.local_wording, &input.wording, &input.original_wording}) {
    if (text->empty()) continue;
    if (c.rule.kind == RuleKind::kMatch) {
      if (Lower(*text).find(c.lowered) != std::string::npos) return true;
    } else if (std::regex_search(*text, c.regex)) {
      return true;
    }
  }
  return false;
}

std::optional<int64_t> Categorizer::RuleFor(const CategoryInput& input) const {
  for (const Compiled& c : newest_first_) {
    if (Matches(c, input)) return c.rule.id;
  }
  return std::nullopt;
}

std::string Categorizer::CategoryOf(const CategoryInput& input) const {
  for (const Compiled& c : newest_first_) {
    if (Matches(c, input)) return c.rule.category;
  }
  if (input.powens_category && !input.powens_category->empty()) return *input.powens_category;
  return kUncategorized;
}

}  // namespace freenahi
