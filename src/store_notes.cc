// SPDX-License-Identifier: MIT
// The SQL behind store_notes.h: annotations, their tags, category rules. Writes are single
// transactions that touch only these tables; the payload upserts never name them.
#include "store_notes.h"

#include <algorithm>

#include "store_schema.h"

namespace freenahi {

using store_internal::SqliteStmt;
using store_internal::WriteTxn;

namespace {

// The row exists before any field is set: pin, note and wording each update one column of it.
constexpr const char* kEnsureRow = R"sql(
INSERT INTO annotations (transaction_id, updated_at) VALUES (?1, ?2)
ON CONFLICT (transaction_id) DO UPDATE SET updated_at = excluded.updated_at)sql";
constexpr const char* kSetPinned = "UPDATE annotations SET pinned = ?2 WHERE transaction_id = ?1";
constexpr const char* kSetNote = "UPDATE annotations SET note = ?2 WHERE transaction_id = ?1";
constexpr const char* kSetWording = "UPDATE annotations SET wording = ?2 WHERE transaction_id = ?1";
constexpr const char* kAddTag =
    "INSERT INTO annotation_tags (transaction_id, tag) VALUES (?1, ?2) ON CONFLICT DO NOTHING";
constexpr const char* kRemoveTag =
    "DELETE FROM annotation_tags WHERE transaction_id = ?1 AND tag = ?2";
// An annotation left with nothing in it goes away, so "annotated" always means something.
constexpr const char* kDropEmpty = R"sql(
DELETE FROM annotations WHERE transaction_id = ?1 AND pinned = 0 AND note IS NULL
  AND wording IS NULL
  AND NOT EXISTS (SELECT 1 FROM annotation_tags t WHERE t.transaction_id = ?1))sql";

constexpr const char* kTransactionExists = "SELECT 1 FROM transactions WHERE id = ?1";
constexpr const char* kAnnotations = R"sql(
SELECT transaction_id, pinned, note, wording FROM annotations
WHERE ?1 IS NULL OR transaction_id = ?1)sql";
constexpr const char* kTags = R"sql(
SELECT transaction_id, tag FROM annotation_tags WHERE ?1 IS NULL OR transaction_id = ?1
ORDER BY transaction_id, tag)sql";

constexpr const char* kAddRule =
    "INSERT INTO category_rules (kind, pattern, category, created_at) VALUES (?1, ?2, ?3, ?4)";
constexpr const char* kListRules =
    "SELECT id, kind, pattern, category, created_at FROM category_rules ORDER BY id";
constexpr const char* kRemoveRule = "DELETE FROM category_rules WHERE id = ?1";

Result<SqliteStmt> Prepare(Store& store, const char* sql, const std::string& what) {
  return SqliteStmt::Prepare(store.raw_handle(), sql, what);
}

// Runs `sql` with (transaction_id, value) after making sure the annotation row exists; drops the
// row again when it ended up empty. All in one write transaction.
template <typename Value>
Status UpdateAnnotation(Store& store, int64_t transaction_id, const char* sql, const Value& value,
                        UnixSeconds now, const std::string& what) {
  sqlite3* db = store.raw_handle();
  WriteTxn txn(db);
  FREENAHI_RETURN_IF_ERROR(txn.Begin(what));
  STORE_ASSIGN_OR_RETURN(SqliteStmt ensure, Prepare(store, kEnsureRow, what));
  ensure.BindAll(transaction_id, now);
  FREENAHI_RETURN_IF_ERROR(ensure.Run());
  STORE_ASSIGN_OR_RETURN(SqliteStmt update, Prepare(store, sql, what));
  update.BindAll(transaction_id, value);
  FREENAHI_RETURN_IF_ERROR(update.Run());
  STORE_ASSIGN_OR_RETURN(SqliteStmt drop, Prepare(store, kDropEmpty, what));
  drop.Bind(1, transaction_id);
  FREENAHI_RETURN_IF_ERROR(drop.Run());
  return txn.Commit(what);
}

Status ChangeTags(Store& store, int64_t transaction_id, const std::vector<std::string>& tags,
                  const char* sql, UnixSeconds now, const std::string& what) {
  sqlite3* db = store.raw_handle();
  WriteTxn txn(db);
  FREENAHI_RETURN_IF_ERROR(txn.Begin(what));
  STORE_ASSIGN_OR_RETURN(SqliteStmt ensure, Prepare(store, kEnsureRow, what));
  ensure.BindAll(transaction_id, now);
  FREENAHI_RETURN_IF_ERROR(ensure.Run());
  STORE_ASSIGN_OR_RETURN(SqliteStmt change, Prepare(store, sql, what));
  for (const std::string& tag : tags) {
    change.BindAll(transaction_id, tag);
    FREENAHI_RETURN_IF_ERROR(change.Run());
    change.Reset();
  }
  STORE_ASSIGN_OR_RETURN(SqliteStmt drop, Prepare(store, kDropEmpty, what));
  drop.Bind(1, transaction_id);
  FREENAHI_RETURN_IF_ERROR(drop.Run());
  return txn.Commit(what);
}

std::string Txn(int64_t id) { return "transaction " + std::to_string(id); }

Result<std::map<int64_t, Annotation>> ReadAnnotations(Store& store,
                                                      std::optional<int64_t> transaction_id) {
  std::map<int64_t, Annotation> out;
  STORE_ASSIGN_OR_RETURN(SqliteStmt rows, Prepare(store, kAnnotations, "read annotations"));
  rows.Bind(1, transaction_id);
  for (;;) {
    STORE_ASSIGN_OR_RETURN(bool row, rows.Step());
    if (!row) break;
    Annotation& a = out[rows.Int64(0)];
    a.transaction_id = rows.Int64(0);
    a.pinned = rows.Int64(1) != 0;
    a.note = rows.OptText(2);
    a.wording = rows.OptText(3);
  }
  STORE_ASSIGN_OR_RETURN(SqliteStmt tags, Prepare(store, kTags, "read tags"));
  tags.Bind(1, transaction_id);
  for (;;) {
    STORE_ASSIGN_OR_RETURN(bool row, tags.Step());
    if (!row) return out;
    Annotation& a = out[tags.Int64(0)];
    a.transaction_id = tags.Int64(0);
    a.tags.push_back(tags.Text(1));
  }
}

}  // namespace

std::string AnnotationSearchSql(size_t tokens) {
  return "t.id IN (" + AnnotationSearchIds(tokens) + ")";
}

std::string AnnotationSearchIds(size_t tokens) {
  std::string sql = "SELECT n.transaction_id FROM annotations n WHERE 1";
  for (size_t i = 0; i < tokens; ++i) {
    sql += " AND freenahi_fold(coalesce(n.wording, '') || ' ' || coalesce(n.note, '') || ' ' || "
           "coalesce((SELECT group_concat(g.tag, ' ') FROM annotation_tags g "
           "WHERE g.transaction_id = n.transaction_id), '')) LIKE ?";
  }
  return sql;
}

bool HasAnnotations(Store& store) {
  Result<SqliteStmt> stmt = Prepare(store, "SELECT 1 FROM annotations LIMIT 1", "look for annotations");
  if (!stmt.ok()) return true;  // let the search itself report the error
  Result<bool> row = stmt->Step();
  return !row.ok() || *row;
}

Status CheckTransactionExists(Store& store, int64_t transaction_id) {
  STORE_ASSIGN_OR_RETURN(SqliteStmt stmt,
                         Prepare(store, kTransactionExists, "look up " + Txn(transaction_id)));
  stmt.Bind(1, transaction_id);
  STORE_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return Status::NotFound(Txn(transaction_id) + ": not found");
  return Status::Ok();
}

Status SetPinned(Store& store, int64_t id, bool pinned, UnixSeconds now) {
  return UpdateAnnotation(store, id, kSetPinned, pinned, now, "pin " + Txn(id));
}

Status SetNote(Store& store, int64_t id, const std::optional<std::string>& note,
               UnixSeconds now) {
  return UpdateAnnotation(store, id, kSetNote, note, now, "note " + Txn(id));
}

Status SetWording(Store& store, int64_t id, const std::optional<std::string>& wording,
                  UnixSeconds now) {
  return UpdateAnnotation(store, id, kSetWording, wording, now, "rename " + Txn(id));
}

Status AddTags(Store& store, int64_t id, const std::vector<std::string>& tags, UnixSeconds now) {
  return ChangeTags(store, id, tags, kAddTag, now, "tag " + Txn(id));
}

Status RemoveTags(Store& store, int64_t id, const std::vector<std::string>& tags,
                  UnixSeconds now) {
  return ChangeTags(store, id, tags, kRemoveTag, now, "untag " + Txn(id));
}

Result<Annotation> GetAnnotation(Store& store, int64_t transaction_id) {
  STORE_ASSIGN_OR_RETURN(auto all, ReadAnnotations(store, transaction_id));
  Annotation a;
  a.transaction_id = transaction_id;
  auto it = all.find(transaction_id);
  return it == all.end() ? a : it->second;
}

Result<std::map<int64_t, Annotation>> AllAnnotations(Store& store) {
  return ReadAnnotations(store, std::nullopt);
}

const char* RuleKindName(RuleKind kind) { return kind == RuleKind::kRegex ? "regex" : "match"; }

Result<int64_t> AddRule(Store& store, const CategoryRule& rule) {
  STORE_ASSIGN_OR_RETURN(SqliteStmt stmt, Prepare(store, kAddRule, "add category rule"));
  stmt.BindAll(RuleKindName(rule.kind), rule.pattern, rule.category, rule.created_at);
  FREENAHI_RETURN_IF_ERROR(stmt.Run());
  return static_cast<int64_t>(sqlite3_last_insert_rowid(store.raw_handle()));
}

Result<std::vector<CategoryRule>> ListRules(Store& store) {
  STORE_ASSIGN_OR_RETURN(SqliteStmt stmt, Prepare(store, kListRules, "list category rules"));
  std::vector<CategoryRule> rules;
  for (;;) {
    STORE_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return rules;
    CategoryRule& r = rules.emplace_back();
    r.id = stmt.Int64(0);
    r.kind = stmt.Text(1) == "regex" ? RuleKind::kRegex : RuleKind::kMatch;
    r.pattern = stmt.Text(2);
    r.category = stmt.Text(3);
    r.created_at = stmt.Int64(4);
  }
}

Status RemoveRule(Store& store, int64_t rule_id) {
  const std::string what = "remove rule " + std::to_string(rule_id);
  STORE_ASSIGN_OR_RETURN(SqliteStmt stmt, Prepare(store, kRemoveRule, what));
  stmt.Bind(1, rule_id);
  FREENAHI_RETURN_IF_ERROR(stmt.Run());
  if (sqlite3_changes(store.raw_handle()) == 0) {
    return Status::NotFound("rule " + std::to_string(rule_id) + ": not found");
  }
  return Status::Ok();
}

}  // namespace freenahi
