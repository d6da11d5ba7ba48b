// SPDX-License-Identifier: MIT
// The user's own data beside the bank's: transaction annotations (pin, note, local wording, tags)
// and category rules. Kept in tables no payload writes, keyed by the Powens transaction id, so
// every sync leaves them alone. The SQL lives in store_notes.cc; commands call these functions.
#ifndef FREENAHI_STORE_NOTES_H_
#define FREENAHI_STORE_NOTES_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model.h"
#include "status.h"
#include "store.h"

namespace freenahi {

struct Annotation {
  int64_t transaction_id = 0;
  bool pinned = false;
  std::optional<std::string> note;     // nullopt: none
  std::optional<std::string> wording;  // the user's wording; nullopt: show the bank's
  std::vector<std::string> tags;       // sorted, unique
  bool empty() const { return !pinned && !note && !wording && tags.empty(); }
};

// NotFound "transaction 7: not found" when no such transaction was ever stored: the user
// annotates what they can see.
Status CheckTransactionExists(Store& store, int64_t transaction_id);

// For the transaction search (store_query.cc): a condition on `t.id` true when the annotation's
// note, wording and tags, folded with freenahi_fold, contain every one of `tokens` token
// parameters (bound as "% tok%", in order).
std::string AnnotationSearchSql(size_t tokens);
// The same as a SELECT of the matching transaction ids.
std::string AnnotationSearchIds(size_t tokens);
// False when the user has annotated nothing: the search then leaves the annotations out.
bool HasAnnotations(Store& store);

// Each writes one row in its own transaction; `now` stamps updated_at.
Status SetPinned(Store& store, int64_t transaction_id, bool pinned, UnixSeconds now);
Status SetNote(Store& store, int64_t transaction_id, const std::optional<std::string>& note,
               UnixSeconds now);
Status SetWording(Store& store, int64_t transaction_id, const std::optional<std::string>& wording,
                  UnixSeconds now);
Status AddTags(Store& store, int64_t transaction_id, const std::vector<std::string>& tags,
               UnixSeconds now);
Status RemoveTags(Store& store, int64_t transaction_id, const std::vector<std::string>& tags,
                  UnixSeconds now);

// One transaction's annotation (empty() when none); all of them keyed by transaction id.
Result<Annotation> GetAnnotation(Store& store, int64_t transaction_id);
Result<std::map<int64_t, Annotation>> AllAnnotations(Store& store);

enum class RuleKind { kMatch, kRegex };  // substring (case-insensitive) | ECMAScript regex
const char* RuleKindName(RuleKind kind);  // "match", "regex"

struct CategoryRule {
  int64_t id = 0;
  RuleKind kind = RuleKind::kMatch;
  std::string pattern;
  std::string category;
  UnixSeconds created_at = 0;
};

// Returns the new rule's id.
Result<int64_t> AddRule(Store& store, const CategoryRule& rule);
// Oldest first (ids ascending).
Result<std::vector<CategoryRule>> ListRules(Store& store);
// NotFound "rule 7: not found" when no such rule.
Status RemoveRule(Store& store, int64_t rule_id);

}  // namespace freenahi

#endif  // FREENAHI_STORE_NOTES_H_
