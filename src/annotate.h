// SPDX-License-Identifier: MIT
// Puts the user's own data on transaction views after the query: annotations (pin, note, local
// wording, tags) and the category (rules over Powens, categorize.h). Loaded once per command
// (both tables are small), applied per row; used by transactions, export, summary and report.
#ifndef FREENAHI_ANNOTATE_H_
#define FREENAHI_ANNOTATE_H_

#include <map>
#include <string>

#include "categorize.h"
#include "status.h"
#include "store.h"
#include "store_notes.h"
#include "store_query.h"

namespace freenahi {

class Annotator {
 public:
  // Reads every annotation and rule. InvalidArgument when a stored rule no longer compiles.
  static Result<Annotator> Load(Store& store);
  Annotator() = default;

  // Sets t's pinned, note, local_wording, tags and category.
  void Fill(TransactionView* t) const;
  // The category alone (rules, then Powens' first category, else "uncategorized").
  std::string CategoryOf(const TransactionView& t) const;
  bool empty() const { return annotations_.empty(); }

 private:
  std::map<int64_t, Annotation> annotations_;
  Categorizer categorizer_;
};

// Income and spending per category (rules applied now) and currency, over every transaction
// matching `filter`; rows sorted by spending (largest first), key = category name.
Result<std::vector<SummaryRow>> SummarizeByCategory(Store& store, const TransactionFilter& filter);

// The code of the first "parent/code" entry of TransactionView::categories, if any.
std::optional<std::string> FirstCategory(const std::string& categories);

}  // namespace freenahi

#endif  // FREENAHI_ANNOTATE_H_
