// SPDX-License-Identifier: MIT
// Annotator: a map lookup and a rule match per transaction.
#include "annotate.h"

#include <algorithm>

namespace freenahi {

std::optional<std::string> FirstCategory(const std::string& categories) {
  if (categories.empty()) return std::nullopt;
  std::string first = categories.substr(0, categories.find(';'));
  size_t slash = first.find('/');
  return slash == std::string::npos ? first : first.substr(slash + 1);
}

Result<std::vector<SummaryRow>> SummarizeByCategory(Store& store, const TransactionFilter& filter) {
  Result<Annotator> annotator = Annotator::Load(store);
  if (!annotator.ok()) return annotator.status();
  std::map<std::pair<std::string, std::string>, SummaryRow> groups;  // (category, currency)
  Status walked = ForEachTransaction(
      store, filter, TransactionOrder::kOldestFirst, 0, 0, [&](const TransactionView& t) {
        std::string category = annotator->CategoryOf(t);
        SummaryRow& row = groups[{category, t.currency.code}];
        row.key = category;
        row.currency = t.currency;
        (t.value_minor >= 0 ? row.income_minor : row.spending_minor) += t.value_minor;
        ++row.count;
        return Status::Ok();
      });
  if (!walked.ok()) return walked;
  std::vector<SummaryRow> rows;
  for (auto& [key, row] : groups) rows.push_back(row);
  std::stable_sort(rows.begin(), rows.end(), [](const SummaryRow& a, const SummaryRow& b) {
    if (a.currency.code != b.currency.code) return a.currency.code < b.currency.code;
    return a.spending_minor < b.spending_minor;
  });
  return rows;
}

Result<Annotator> Annotator::Load(Store& store) {
  Annotator a;
  Result<std::map<int64_t, Annotation>> annotations = AllAnnotations(store);
  if (!annotations.ok()) return annotations.status();
  a.annotations_ = std::move(*annotations);
  Result<std::vector<CategoryRule>> rules = ListRules(store);
  if (!rules.ok()) return rules.status();
  Result<Categorizer> categorizer = Categorizer::Make(*rules);
  if (!categorizer.ok()) return categorizer.status();
  a.categorizer_ = std::move(*categorizer);
  return a;
}

std::string Annotator::CategoryOf(const TransactionView& t) const {
  CategoryInput input;
  auto it = annotations_.find(t.id);
  if (it != annotations_.end() && it->second.wording) input.local_wording = *it->second.wording;
  input.wording = t.wording;
  input.original_wording = t.original_wording;
  input.powens_category = FirstCategory(t.categories);
  return categorizer_.CategoryOf(input);
}

void Annotator::Fill(TransactionView* t) const {
  t->category = CategoryOf(*t);
  auto it = annotations_.find(t->id);
  t->pinned = false;
  t->note.clear();
  t->local_wording.clear();
  t->tags.clear();
  if (it == annotations_.end()) return;
  const Annotation& a = it->second;
  t->pinned = a.pinned;
  t->note = a.note.value_or("");
  t->local_wording = a.wording.value_or("");
  t->tags = a.tags;
}

}  // namespace freenahi
