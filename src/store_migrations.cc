// SPDX-License-Identifier: MIT
// The schema as an ordered list of forward migrations (PRAGMA user_version = steps applied), and
// how one step is applied: skipped when it needs what this SQLite or this database lacks.
#include <string.h>

#include <iterator>

#include "store_schema.h"

namespace freenahi {
namespace store_internal {

// Every transaction's row of transaction_keys, from its row of transactions (v10, and a first
// sync's rebuild after the trigger was set aside).
#define STORE_FILL_TRANSACTION_KEYS                                                      \
  "INSERT INTO transaction_keys (id, account_id, day, datetime, value_minor, coming, deleted, " \
  "type) SELECT id, account_id, CAST(replace(date, '-', '') AS INTEGER), datetime, "          \
  "value_minor, coming, deleted, type FROM transactions ORDER BY id"
const char* const kFillTransactionKeys = STORE_FILL_TRANSACTION_KEYS;

namespace {

// A step starting with this marker needs SQLite's FTS5; without it the step is skipped.
#define STORE_REQUIRES_FTS5 "-- requires fts5\n"
// A step starting with this marker changes the search index: skipped when the database has none
// (made by a SQLite without FTS5) or this SQLite cannot open it.
#define STORE_REQUIRES_SEARCH_INDEX "-- requires transactions_fts\n"

// Step N brings user_version from N-1 to N. Append only; never edit a released step.
// Money: INTEGER minor units; datetimes: INTEGER unix seconds UTC; bank dates: TEXT YYYY-MM-DD.
// Accounts have no foreign key to connections (nor connections to users): an account_synced
// payload may name a connection we have not seen yet. Children of accounts do reference them:
// Powens always nests them inside their account.
constexpr const char* kMigrations[] = {
    // v1: the tables.
    R"sql(
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  signin INTEGER,
  platform TEXT NOT NULL DEFAULT '',
  auth_token TEXT,  -- secret: the permanent user token
  deleted_at INTEGER
);
CREATE TABLE connections (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL,
  connector_id INTEGER NOT NULL,
  connector_uuid TEXT NOT NULL,
  connector_name TEXT NOT NULL,
  state TEXT,
  error_message TEXT,
  last_update INTEGER,
  created INTEGER,
  active INTEGER NOT NULL CHECK (active IN (0, 1)),
  deleted_at INTEGER,
  updated_at INTEGER NOT NULL  -- when freenahi last wrote this row
);
CREATE TABLE accounts (
  id INTEGER PRIMARY KEY,
  connection_id INTEGER NOT NULL,
  user_id INTEGER NOT NULL,
  number TEXT NOT NULL,
  original_name TEXT NOT NULL,
  name TEXT NOT NULL,
  iban TEXT NOT NULL,
  type TEXT NOT NULL,
  usage TEXT NOT NULL,
  currency TEXT NOT NULL,
  currency_precision INTEGER NOT NULL CHECK (currency_precision BETWEEN 0 AND 18),
  balance_minor INTEGER,
  coming_minor INTEGER,
  last_update INTEGER,
  deleted INTEGER,
  disabled INTEGER
);
CREATE TABLE loans (
  account_id INTEGER PRIMARY KEY REFERENCES accounts(id),
  total_amount_minor INTEGER,
  available_amount_minor INTEGER,
  used_amount_minor INTEGER,
  next_payment_amount_minor INTEGER,
  next_payment_date TEXT,
  subscription_date TEXT,
  maturity_date TEXT,
  rate TEXT,
  nb_payments_left INTEGER,
  nb_payments_total INTEGER,
  duration_months INTEGER,
  type TEXT NOT NULL
);
CREATE TABLE balance_history (
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  day TEXT NOT NULL,  -- Europe/Paris calendar day
  balance_minor INTEGER NOT NULL,
  coming_minor INTEGER,
  PRIMARY KEY (account_id, day)
) WITHOUT ROWID;
CREATE TABLE transactions (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  date TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  rdate TEXT,
  vdate TEXT,
  application_date TEXT,
  datetime INTEGER,
  value_minor INTEGER NOT NULL,
  gross_value_minor INTEGER,
  type TEXT NOT NULL,
  original_wording TEXT NOT NULL,
  simplified_wording TEXT NOT NULL,
  wording TEXT NOT NULL,
  coming INTEGER NOT NULL CHECK (coming IN (0, 1)),
  active INTEGER NOT NULL CHECK (active IN (0, 1)),
  deleted INTEGER,
  last_update INTEGER,
  original_value TEXT,
  original_currency TEXT,
  card TEXT,
  counterparty_label TEXT,  -- the four counterparty_* are NULL when Powens sent none
  counterparty_scheme TEXT,
  counterparty_identification TEXT,
  counterparty_type TEXT,
  categories TEXT NOT NULL DEFAULT ''  -- "parent/code;parent/code", first one is the main one
);
CREATE TABLE investments (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  label TEXT NOT NULL,
  code TEXT NOT NULL,
  code_type TEXT NOT NULL,
  quantity TEXT,
  unitprice TEXT,
  unitvalue TEXT,
  valuation_minor INTEGER NOT NULL,
  diff_minor INTEGER,
  vdate TEXT,
  last_update INTEGER,
  deleted INTEGER
);
CREATE TABLE inbox (
  id INTEGER PRIMARY KEY,
  webhook_id INTEGER UNIQUE,
  event TEXT NOT NULL,
  user_id INTEGER,
  received_at INTEGER NOT NULL,
  body BLOB NOT NULL,
  body_bytes INTEGER NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'applied', 'failed')),
  error TEXT,
  applied_at INTEGER
);
)sql",
    // v2: indexes for the CLI's queries and the inbox drain.
    R"sql(
-- Newest first is (date DESC, datetime DESC, id DESC): the whole key, so no sort step remains.
CREATE INDEX transactions_by_account_date
  ON transactions (account_id, date DESC, datetime DESC, id DESC);
CREATE INDEX transactions_by_date ON transactions (date DESC, datetime DESC, id DESC);
CREATE INDEX investments_by_account ON investments (account_id);
CREATE INDEX inbox_by_state ON inbox (state);
)sql",
    // v3: bodies in their own table, so marking a 10 MB item applied or failed updates a small
    // row instead of rewriting the body (measured: 77 ms and 24 MB of WAL per sync before).
    R"sql(
CREATE TABLE inbox_bodies (
  inbox_id INTEGER PRIMARY KEY REFERENCES inbox(id),
  body BLOB NOT NULL
);
INSERT INTO inbox_bodies (inbox_id, body) SELECT id, body FROM inbox;
ALTER TABLE inbox DROP COLUMN body;
)sql",
    // v4: full-text search over every wording and the counterparty (`transactions --search`),
    // case- and accent-insensitive. External content: the index holds tokens only. Triggers keep
    // it in step with any write to transactions, so the apply path needs no change; 'rebuild'
    // indexes the rows already there. Skipped (version still bumped) when this SQLite has no
    // FTS5: the CLI then scans with the same folding instead (Store::HasFullTextSearch).
    STORE_REQUIRES_FTS5 R"sql(
CREATE VIRTUAL TABLE transactions_fts USING fts5(
  wording, original_wording, simplified_wording, counterparty_label,
  content = 'transactions', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2');
CREATE TRIGGER transactions_fts_insert AFTER INSERT ON transactions BEGIN
  INSERT INTO transactions_fts (rowid, wording, original_wording, simplified_wording,
    counterparty_label)
  VALUES (new.id, new.wording, new.original_wording, new.simplified_wording,
    new.counterparty_label);
END;
CREATE TRIGGER transactions_fts_delete AFTER DELETE ON transactions BEGIN
  INSERT INTO transactions_fts (transactions_fts, rowid, wording, original_wording,
    simplified_wording, counterparty_label)
  VALUES ('delete', old.id, old.wording, old.original_wording, old.simplified_wording,
    old.counterparty_label);
END;
CREATE TRIGGER transactions_fts_update AFTER UPDATE OF id, wording, original_wording,
  simplified_wording, counterparty_label ON transactions
WHEN old.id IS NOT new.id OR old.wording IS NOT new.wording
  OR old.original_wording IS NOT new.original_wording
  OR old.simplified_wording IS NOT new.simplified_wording
  OR old.counterparty_label IS NOT new.counterparty_label BEGIN
  INSERT INTO transactions_fts (transactions_fts, rowid, wording, original_wording,
    simplified_wording, counterparty_label)
  VALUES ('delete', old.id, old.wording, old.original_wording, old.simplified_wording,
    old.counterparty_label);
  INSERT INTO transactions_fts (rowid, wording, original_wording, simplified_wording,
    counterparty_label)
  VALUES (new.id, new.wording, new.original_wording, new.simplified_wording,
    new.counterparty_label);
END;
INSERT INTO transactions_fts (transactions_fts) VALUES ('rebuild');
)sql",
    // v5 (powens-cli): connection health and the pull's memory. alerted_state: the state for
    // which serve last fired a hook (once per change); consent_alerted: the access_expire warned.
    R"sql(
ALTER TABLE connections ADD COLUMN next_try INTEGER;
ALTER TABLE connections ADD COLUMN access_expire INTEGER;
ALTER TABLE connections ADD COLUMN alerted_state TEXT;
ALTER TABLE connections ADD COLUMN consent_alerted INTEGER;
CREATE TABLE pulls (
  user_id INTEGER PRIMARY KEY,
  high_water TEXT,            -- max transaction last_update seen, Powens' naive Paris text
  started_at INTEGER,
  finished_at INTEGER,
  ok INTEGER CHECK (ok IN (0, 1)),
  pages INTEGER NOT NULL DEFAULT 0,
  rows INTEGER NOT NULL DEFAULT 0,
  error TEXT                  -- one line, never a token
);
)sql",
    // v6 (assets): the user's own notes and category rules. Keyed by the Powens transaction id
    // with no foreign key and never written by a payload, so no sync (webhook or pull) can touch
    // them, and a note may outlive a transaction Powens re-sends under the same id.
    R"sql(
CREATE TABLE annotations (
  transaction_id INTEGER PRIMARY KEY,
  pinned INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
  note TEXT,     -- free text; NULL = none
  wording TEXT,  -- the user's wording shown instead of the bank's; NULL = the bank's
  updated_at INTEGER NOT NULL
);
CREATE TABLE annotation_tags (
  transaction_id INTEGER NOT NULL,
  tag TEXT NOT NULL,
  PRIMARY KEY (transaction_id, tag)
) WITHOUT ROWID;
CREATE INDEX annotation_tags_by_tag ON annotation_tags (tag);
CREATE TABLE category_rules (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('match', 'regex')),
  pattern TEXT NOT NULL,
  category TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
)sql",
    // powens2: the `state` of each webview link `freenahi connect` printed, so serve's callback
    // accepts only the return of a link it made, once, before it expires.
    R"sql(
CREATE TABLE webview_states (
  state TEXT PRIMARY KEY,        -- random, 128 bits, hex
  page TEXT NOT NULL,            -- connect, manage, reconnect
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
)sql",
    // v8: covering indexes, so the CLI answers within ~50 ms at a million rows. A row is ~300
    // bytes of wordings; totals, summaries and the search need ~40 bytes of it. The date and
    // account indexes carry those columns (a range's totals never read a row), and the id index
    // serves the search: FTS5 yields ids, each looked up in ~30 MB of index instead of ~300 MB of
    // rows (31,000 matches: 78 → 31 ms). The listing's page is then the only rows read whole.
    R"sql(
DROP INDEX transactions_by_account_date;
DROP INDEX transactions_by_date;
CREATE INDEX transactions_by_account_date ON transactions
  (account_id, date DESC, datetime DESC, id DESC, value_minor, coming, deleted, type);
CREATE INDEX transactions_by_date ON transactions
  (date DESC, datetime DESC, id DESC, account_id, value_minor, coming, deleted, type);
CREATE INDEX transactions_by_id ON transactions
  (id, account_id, date, datetime, value_minor, coming, deleted, type);
)sql",
    // v9: the search index keeps which rows hold a token, not where in them (detail = none) nor
    // each row's token counts (columnsize = 0): the search asks only "every token, as a prefix,
    // anywhere in the row", never phrases, columns or ranking. At a million rows it holds 8 MB
    // instead of 63 MB, and a first sync of 10,000 transactions applies ~5 % faster. The triggers
    // name the table, so they stay; 'rebuild' indexes the rows already there.
    STORE_REQUIRES_SEARCH_INDEX R"sql(
DROP TABLE transactions_fts;
CREATE VIRTUAL TABLE transactions_fts USING fts5(
  wording, original_wording, simplified_wording, counterparty_label,
  content = 'transactions', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2',
  detail = none, columnsize = 0);
INSERT INTO transactions_fts (transactions_fts) VALUES ('rebuild');
)sql",
    // v10: the search's keys in a table of their own. A search's totals read the date, account and
    // amount of every match (31,000 for "carrefour" at a million rows), looked up by id in the
    // v8 id index: ~40 bytes an entry, 40 MB, nearly every page read. A rowid table of just what
    // a search reads and filters on (the date as the integer YYYYMMDD; NULL and 0/1 cost no byte)
    // holds ~27 bytes a row, 27-29 MB when written in id order, and a rowid lookup compares
    // integers, not records: that search 56-61 → 50-52 ms (perf stat, same binary otherwise,
    // without the type). The triggers keep it in step with every write to transactions, as the
    // search index's do; a first sync refills it (FirstSyncIndexing).
    R"sql(
DROP INDEX transactions_by_id;
CREATE TABLE transaction_keys (
  id INTEGER PRIMARY KEY,         -- transactions.id
  account_id INTEGER NOT NULL,
  day INTEGER NOT NULL,           -- transactions.date as YYYYMMDD
  datetime INTEGER,
  value_minor INTEGER NOT NULL,
  coming INTEGER NOT NULL,
  deleted INTEGER,
  type TEXT NOT NULL
);
)sql" STORE_FILL_TRANSACTION_KEYS R"sql(;
CREATE TRIGGER transaction_keys_insert AFTER INSERT ON transactions BEGIN
  INSERT INTO transaction_keys (id, account_id, day, datetime, value_minor, coming, deleted,
    type)
  VALUES (new.id, new.account_id, CAST(replace(new.date, '-', '') AS INTEGER), new.datetime,
    new.value_minor, new.coming, new.deleted, new.type);
END;
CREATE TRIGGER transaction_keys_delete AFTER DELETE ON transactions BEGIN
  DELETE FROM transaction_keys WHERE id = old.id;
END;
CREATE TRIGGER transaction_keys_update AFTER UPDATE OF id, account_id, date, datetime,
  value_minor, coming, deleted, type ON transactions
WHEN old.id IS NOT new.id OR old.account_id IS NOT new.account_id OR old.date IS NOT new.date
  OR old.datetime IS NOT new.datetime OR old.value_minor IS NOT new.value_minor
  OR old.coming IS NOT new.coming OR old.deleted IS NOT new.deleted
  OR old.type IS NOT new.type BEGIN
  UPDATE transaction_keys SET id = new.id, account_id = new.account_id,
    day = CAST(replace(new.date, '-', '') AS INTEGER), datetime = new.datetime,
    value_minor = new.value_minor, coming = new.coming, deleted = new.deleted, type = new.type
  WHERE id = old.id;
END;
)sql",
};

// A migration step marked as needing what this database or this SQLite lacks.
bool SkipsStep(sqlite3* db, const char* sql) {
  const auto marked = [sql](const char* marker) { return strncmp(sql, marker, strlen(marker)) == 0; };
  if (marked(STORE_REQUIRES_FTS5)) return !HasFts5(db);
  if (marked(STORE_REQUIRES_SEARCH_INDEX)) return !SearchIndexReadable(db);
  return false;
}

}  // namespace

int LatestSchemaVersion() { return static_cast<int>(std::size(kMigrations)); }

Status ApplyMigrationStep(sqlite3* db, int from_version, const std::string& what) {
  const char* sql = kMigrations[from_version];
  if (SkipsStep(db, sql)) return Status::Ok();
  return Exec(db, sql, what);
}

}  // namespace store_internal
}  // namespace freenahi
