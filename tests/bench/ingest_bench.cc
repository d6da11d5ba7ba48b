// SPDX-License-Identifier: MIT
// freenahi_bench: the DESIGN §5 ingest target in-process. Times the bare floor (RapidJSON DOM
// parse + one-transaction bulk INSERT of the same rows) against freenahi's own pipeline
// (ParseEnvelope + InsertInbox + IngestPending), medians of N runs; figures only, no asserts.
// Run by scripts/bench.sh; `freenahi_bench PAYLOAD [--runs N] [--dir DIR] [--ablate]`;
// `freenahi_bench --generate N [--update] [--seed S] [--webhook-id W] > body.json`.
#include <malloc.h>
#include <rapidjson/document.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ingest.h"
#include "log.h"
#include "payload_gen.h"
#include "payload.h"
#include "store.h"

namespace freenahi {
namespace {

using Clock = std::chrono::steady_clock;

double MsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "freenahi_bench: error: %s\n", message.c_str());
  std::exit(1);
}

// ---- memory: VmHWM reset through /proc/self/clear_refs ("5"), Linux >= 4.0 ------------------

long StatusKiB(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const size_t len = std::strlen(field);
  while (std::getline(in, line)) {
    if (line.compare(0, len, field) == 0 && line.size() > len && line[len] == ':')
      return std::strtol(line.c_str() + len + 1, nullptr, 10);
  }
  return -1;
}

bool ResetPeak() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  out.flush();
  return static_cast<bool>(out);
}

// ---- the bare floor ---------------------------------------------------------------------------

struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct StmtCloser {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using Db = std::unique_ptr<sqlite3, SqliteCloser>;
using Stmt = std::unique_ptr<sqlite3_stmt, StmtCloser>;

void Exec(sqlite3* db, const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : "?";
    sqlite3_free(error);
    Die(std::string(sql) + ": " + message);
  }
}

// The same 25 columns as freenahi's transactions table, without its CHECKs or foreign key.
constexpr const char* kFloorSchema = R"sql(
CREATE TABLE transactions (id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL, date TEXT NOT NULL,
  rdate TEXT, vdate TEXT, application_date TEXT, datetime INTEGER, value_minor INTEGER NOT NULL,
  gross_value_minor INTEGER, type TEXT NOT NULL, original_wording TEXT NOT NULL,
  simplified_wording TEXT NOT NULL, wording TEXT NOT NULL, coming INTEGER NOT NULL,
  active INTEGER NOT NULL, deleted TEXT, last_update TEXT, original_value TEXT,
  original_currency TEXT, card TEXT, counterparty_label TEXT, counterparty_scheme TEXT,
  counterparty_identification TEXT, counterparty_type TEXT, categories TEXT NOT NULL))sql";
// Informational variant: the same secondary structures as freenahi's schema (v10): two covering
// indexes and the search keys' table, fed by a trigger.
constexpr const char* kFloorIndexes = R"sql(
CREATE INDEX transactions_by_account_date ON transactions
  (account_id, date DESC, datetime DESC, id DESC, value_minor, coming, deleted, type);
CREATE INDEX transactions_by_date ON transactions
  (date DESC, datetime DESC, id DESC, account_id, value_minor, coming, deleted, type);
CREATE TABLE transaction_keys (id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL,
  day INTEGER NOT NULL, datetime INTEGER, value_minor INTEGER NOT NULL, coming INTEGER NOT NULL,
  deleted INTEGER, type TEXT NOT NULL);
CREATE TRIGGER transaction_keys_insert AFTER INSERT ON transactions BEGIN
  INSERT INTO transaction_keys VALUES (new.id, new.account_id,
    CAST(replace(new.date, '-', '') AS INTEGER), new.datetime, new.value_minor, new.coming,
    new.deleted, new.type);
END)sql";
constexpr const char* kFloorInsert =
    "INSERT INTO transactions VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
    "?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25)";

void BindText(sqlite3_stmt* stmt, int index, const rapidjson::Value& object, const char* name) {
  auto it = object.FindMember(name);
  if (it == object.MemberEnd() || !it->value.IsString()) {
    sqlite3_bind_null(stmt, index);
    return;
  }
  sqlite3_bind_text(stmt, index, it->value.GetString(),
                    static_cast<int>(it->value.GetStringLength()), SQLITE_STATIC);
}

void BindBool(sqlite3_stmt* stmt, int index, const rapidjson::Value& object, const char* name) {
  auto it = object.FindMember(name);
  sqlite3_bind_int(stmt, index, it != object.MemberEnd() && it->value.IsTrue() ? 1 : 0);
}

int64_t Minor(const rapidjson::Value& v) {
  return v.IsNumber() ? static_cast<int64_t>(std::llround(v.GetDouble() * 100)) : 0;
}

struct FloorTimes {
  double parse_ms = 0, insert_ms = 0, total_ms = 0;
  size_t rows = 0;
};

FloorTimes RunFloor(const std::string& bytes, const std::string& path, bool with_indexes) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  sqlite3* raw = nullptr;
  if (sqlite3_open(path.c_str(), &raw) != SQLITE_OK) Die("open " + path);
  Db db(raw);
  Exec(db.get(), "PRAGMA journal_mode = WAL");
  Exec(db.get(), "PRAGMA synchronous = FULL");
  // Durable at the WAL's fsync, like freenahi's pipeline, which checkpoints later (as serve does).
  Exec(db.get(), "PRAGMA wal_autocheckpoint = 0");
  Exec(db.get(), kFloorSchema);
  if (with_indexes) Exec(db.get(), kFloorIndexes);

  FloorTimes times;
  const auto start = Clock::now();
  rapidjson::Document doc;
  doc.Parse(bytes.data(), bytes.size());
  if (doc.HasParseError() || !doc.IsObject()) Die("payload is not a JSON object");
  times.parse_ms = MsSince(start);

  const auto insert_start = Clock::now();
  Exec(db.get(), "BEGIN IMMEDIATE");
  sqlite3_stmt* raw_stmt = nullptr;
  if (sqlite3_prepare_v2(db.get(), kFloorInsert, -1, &raw_stmt, nullptr) != SQLITE_OK)
    Die("prepare insert");
  Stmt stmt(raw_stmt);
  std::string categories;
  for (const auto& account : doc["connection"]["accounts"].GetArray()) {
    for (const auto& t : account["transactions"].GetArray()) {
      sqlite3_stmt* s = stmt.get();
      sqlite3_bind_int64(s, 1, t["id"].GetInt64());
      sqlite3_bind_int64(s, 2, t["id_account"].GetInt64());
      BindText(s, 3, t, "date");
      BindText(s, 4, t, "rdate");
      BindText(s, 5, t, "vdate");
      BindText(s, 6, t, "application_date");
      BindText(s, 7, t, "datetime");
      sqlite3_bind_int64(s, 8, Minor(t["value"]));
      if (t["gross_value"].IsNumber()) {
        sqlite3_bind_int64(s, 9, Minor(t["gross_value"]));
      } else {
        sqlite3_bind_null(s, 9);
      }
      BindText(s, 10, t, "type");
      BindText(s, 11, t, "original_wording");
      BindText(s, 12, t, "simplified_wording");
      BindText(s, 13, t, "wording");
      BindBool(s, 14, t, "coming");
      BindBool(s, 15, t, "active");
      BindText(s, 16, t, "deleted");
      BindText(s, 17, t, "last_update");
      BindText(s, 18, t, "original_value");
      BindText(s, 19, t, "original_currency");
      BindText(s, 20, t, "card");
      const rapidjson::Value& cp = t["counterparty"];
      const bool has_cp = cp.IsObject();
      int index = 21;
      for (const char* name : {"label", "account_scheme_name", "account_identification", "type"}) {
        if (has_cp) {
          BindText(s, index++, cp, name);
        } else {
          sqlite3_bind_null(s, index++);
        }
      }
      categories.clear();
      for (const auto& c : t["categories"].GetArray()) {
        if (!categories.empty()) categories += ';';
        categories.append(c["parent_code"].GetString()).append("/").append(c["code"].GetString());
      }
      sqlite3_bind_text(s, 25, categories.data(), static_cast<int>(categories.size()),
                        SQLITE_TRANSIENT);
      if (sqlite3_step(s) != SQLITE_DONE) Die(std::string("insert: ") + sqlite3_errmsg(db.get()));
      sqlite3_reset(s);
      ++times.rows;
    }
  }
  stmt.reset();
  Exec(db.get(), "COMMIT");
  times.insert_ms = MsSince(insert_start);
  times.total_ms = MsSince(start);
  return times;
}

// ---- freenahi's pipeline ----------------------------------------------------------------------

constexpr UnixSeconds kNow = 1710399732;

std::unique_ptr<Store> FreshStore(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  Store::Options options;
  options.manual_checkpoint = true;  // as serve opens it: checkpoints after ingesting, off the clock
  auto store = Store::Open(path, options);
  if (!store.ok()) Die(store.status().message());
  return std::move(*store);
}

// What serve does for one webhook: envelope, inbox commit, then IngestPending (read back, parse,
// apply in one transaction). `strip` (--ablate only): SQL run on the fresh database first.
double RunPipeline(const std::string& bytes, const std::string& path, const char* strip = nullptr) {
  std::unique_ptr<Store> store = FreshStore(path);
  if (strip != nullptr) {  // a second connection: the store's statements re-prepare by themselves
    sqlite3* raw = nullptr;
    if (sqlite3_open(path.c_str(), &raw) != SQLITE_OK) Die("open " + path);
    Db db(raw);
    Exec(db.get(), strip);
  }
  const auto start = Clock::now();
  Result<Envelope> envelope = ParseEnvelope(bytes);
  if (!envelope.ok()) Die(envelope.status().message());
  Result<bool> stored =
      store->InsertInbox(envelope->webhook_id, "connection_synced", envelope->user_id, bytes, kNow);
  if (!stored.ok() || !*stored) Die("insert inbox: " + stored.status().message());
  IngestCounts counts = IngestPending(store.get(), kNow);
  if (counts.applied != 1) Die("the payload was not applied");
  return MsSince(start);
}

// --ablate: the same pipeline on databases without what the floor does not maintain, to see
// what each costs. A measurement only: the product keeps every index and trigger.
int Ablate(const std::string& bytes, const std::string& path, int runs) {
  const char* kNoFts =
      "DROP TRIGGER transactions_fts_insert; DROP TRIGGER transactions_fts_delete;"
      "DROP TRIGGER transactions_fts_update;";
  const char* kNoIndexes =
      "DROP INDEX transactions_by_account_date; DROP INDEX transactions_by_date;"
      "DROP TRIGGER transaction_keys_insert; DROP TRIGGER transaction_keys_delete;"
      "DROP TRIGGER transaction_keys_update;";
  const std::string both = std::string(kNoFts) + kNoIndexes;
  const std::pair<const char*, const char*> variants[] = {
      {"as shipped", nullptr}, {"without the FTS5 triggers", kNoFts},
      {"without the 2 indexes and the search keys", kNoIndexes}, {"without both", both.c_str()},
      {"no FTS5 triggers, one 'rebuild' after", kNoFts}};
  constexpr size_t kVariants = sizeof(variants) / sizeof(variants[0]);
  std::vector<std::vector<double>> ms(kVariants);
  std::vector<double> floor_ms;
  for (int run = 0; run < runs; ++run) {  // interleaved, so drift hits all alike
    floor_ms.push_back(RunFloor(bytes, path + ".floor", false).total_ms);
    for (size_t v = 0; v < kVariants; ++v) {
      double total = RunPipeline(bytes, path, variants[v].second);
      if (v == kVariants - 1) {  // the index built in one pass from the rows now stored
        sqlite3* raw = nullptr;
        if (sqlite3_open(path.c_str(), &raw) != SQLITE_OK) Die("open " + path);
        Db db(raw);
        const auto start = Clock::now();
        Exec(db.get(), "INSERT INTO transactions_fts (transactions_fts) VALUES ('rebuild')");
        total += MsSince(start);
      }
      ms[v].push_back(total);
    }
  }
  const double floor = Median(floor_ms);
  std::printf("%-40s %10.1f ms\n", "floor (DOM parse + bulk insert)", floor);
  for (size_t v = 0; v < kVariants; ++v)
    std::printf("%-40s %10.1f ms  ratio %.2f\n", variants[v].first, Median(ms[v]), Median(ms[v]) / floor);
  return 0;
}

struct Phases {
  double envelope_ms = 0, insert_ms = 0, stream_ms = 0;
  double dom_read_ms = 0, dom_parse_ms = 0, dom_apply_ms = 0;  // the old path, for comparison
  double duplicate_ms = 0;  // the same body again under another webhook id: all rows known
};

Result<ApplyStats> ApplyStreaming(Store* store, int64_t id) {
  return store->ApplyInboxStreaming(
      id,
      [](ByteSource* body, RecordSink* records) {
        return StreamPayload(WebhookEvent::kConnectionSynced, body, records);
      },
      kNow);
}

int64_t StoreBody(Store* store, const std::string& bytes, int64_t webhook_id) {
  Result<bool> stored = store->InsertInbox(webhook_id, "connection_synced", 1042, bytes, kNow);
  if (!stored.ok() || !*stored) Die("insert inbox: " + stored.status().message());
  Result<std::vector<int64_t>> pending = store->PendingInboxIds(1);
  if (!pending.ok() || pending->empty()) Die("no pending item");
  return pending->front();
}

// The same steps one by one, to see where the time goes; then the old DOM path on the same body.
Phases RunPhases(const std::string& bytes, const std::string& path) {
  Phases p;
  {
    std::unique_ptr<Store> store = FreshStore(path);
    auto t = Clock::now();
    Result<Envelope> envelope = ParseEnvelope(bytes);
    if (!envelope.ok()) Die(envelope.status().message());
    p.envelope_ms = MsSince(t);
    t = Clock::now();
    const int64_t id = StoreBody(store.get(), bytes, 1);
    p.insert_ms = MsSince(t);
    t = Clock::now();
    Result<ApplyStats> applied = ApplyStreaming(store.get(), id);
    if (!applied.ok()) Die(applied.status().message());
    p.stream_ms = MsSince(t);
    const int64_t again = StoreBody(store.get(), bytes, 2);
    t = Clock::now();
    Result<ApplyStats> duplicate = ApplyStreaming(store.get(), again);
    if (!duplicate.ok()) Die(duplicate.status().message());
    p.duplicate_ms = MsSince(t);
  }
  std::unique_ptr<Store> store = FreshStore(path);
  const int64_t id = StoreBody(store.get(), bytes, 1);
  auto t = Clock::now();
  Result<std::string> body = store->InboxBody(id);
  if (!body.ok()) Die(body.status().message());
  p.dom_read_ms = MsSince(t);
  t = Clock::now();
  Result<Payload> payload = ParsePayload(WebhookEvent::kConnectionSynced, std::move(*body));
  if (!payload.ok()) Die(payload.status().message());
  p.dom_parse_ms = MsSince(t);
  t = Clock::now();
  Status applied = store->ApplyInbox(id, *payload, kNow);
  if (!applied.ok()) Die(applied.message());
  p.dom_apply_ms = MsSince(t);
  return p;
}

// Peak RSS is measured in a fresh process per pipeline (this binary with --peak): in a process
// that already ran, glibc keeps freed heap resident and the growth would read as zero.
struct Peak {
  long baseline_kib = -1;  // VmRSS with the payload loaded, before the pipeline
  long hwm_kib = -1;       // VmHWM after it
  long after_kib = -1;     // VmRSS after it: what freed memory the heap keeps
  long trimmed_kib = -1;   // VmRSS after malloc_trim(0) (glibc), -1 elsewhere
};

void PrintPeak(const std::function<void()>& fn) {
  Peak peak;
  peak.baseline_kib = StatusKiB("VmRSS");
  if (!ResetPeak()) Die("cannot reset VmHWM through /proc/self/clear_refs");
  fn();
  peak.hwm_kib = StatusKiB("VmHWM");
  peak.after_kib = StatusKiB("VmRSS");
#ifdef __GLIBC__
  malloc_trim(0);
  peak.trimmed_kib = StatusKiB("VmRSS");
#endif
  std::printf("PEAK baseline_kib=%ld hwm_kib=%ld after_kib=%ld trimmed_kib=%ld\n",
              peak.baseline_kib, peak.hwm_kib, peak.after_kib, peak.trimmed_kib);
}

Peak MeasurePeak(const std::string& self, const std::string& payload, const std::string& dir,
                 const char* mode) {
  std::string command = "'" + self + "' '" + payload + "' --dir '" + dir + "' --peak " + mode;
  Peak peak;
  FILE* child = popen(command.c_str(), "r");
  if (child == nullptr) return peak;
  char line[256];
  while (std::fgets(line, sizeof line, child) != nullptr) {
    std::sscanf(line, "PEAK baseline_kib=%ld hwm_kib=%ld after_kib=%ld trimmed_kib=%ld",
                &peak.baseline_kib, &peak.hwm_kib, &peak.after_kib, &peak.trimmed_kib);
  }
  pclose(child);
  return peak;
}

std::string SelfPath() {
  std::error_code error;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
  return error ? std::string() : self.string();
}

struct Args {
  std::string payload;
  int runs = 5;
  std::string dir;
  std::string peak;  // "floor" | "freenahi": child mode, one run, prints a PEAK line
  bool ablate = false;
};

Args ParseArgs(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--runs" && i + 1 < argc) {
      args.runs = std::max(1, std::atoi(argv[++i]));
    } else if (a == "--dir" && i + 1 < argc) {
      args.dir = argv[++i];
    } else if (a == "--peak" && i + 1 < argc) {
      args.peak = argv[++i];
    } else if (a == "--ablate") {
      args.ablate = true;
    } else if (a == "-h" || a == "--help") {
      std::printf("usage: freenahi_bench PAYLOAD [--runs N] [--dir DIR] [--ablate]\n");
      std::exit(0);
    } else if (args.payload.empty() && a[0] != '-') {
      args.payload = a;
    } else {
      Die("unexpected argument " + a + " (see --help)");
    }
  }
  if (args.payload.empty()) Die("usage: freenahi_bench PAYLOAD [--runs N] [--dir DIR]");
  return args;
}

// freenahi_bench --generate N [--update] [--seed S] [--webhook-id W]: prints a body.
int Generate(int argc, char** argv) {
  payload_gen::Options o;
  o.transactions = std::atoll(argv[2]);
  for (int i = 3; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--update") {
      o.update = true;
    } else if (a == "--seed" && i + 1 < argc) {
      o.seed = std::strtoull(argv[++i], nullptr, 10);
    } else if (a == "--webhook-id" && i + 1 < argc) {
      o.webhook_id = std::atoll(argv[++i]);
    } else {
      Die("unexpected argument " + a);
    }
  }
  const std::string body = payload_gen::Generate(o);
  return std::fwrite(body.data(), 1, body.size(), stdout) == body.size() ? 0 : 1;
}

int Main(int argc, char** argv) {
  if (argc >= 3 && std::string(argv[1]) == "--generate") return Generate(argc, argv);
  Args args = ParseArgs(argc, argv);
  SetLogLevel(LogLevel::kError);
  std::error_code size_error;
  const auto size = std::filesystem::file_size(args.payload, size_error);
  std::ifstream in(args.payload, std::ios::binary);
  if (!in || size_error) Die("cannot read " + args.payload);
  std::string read_bytes(size, '\0');  // one copy resident, not a stream buffer and a string
  if (!in.read(read_bytes.data(), static_cast<std::streamsize>(size))) Die("short read");
  std::string bytes = std::move(read_bytes);

  std::string owned_dir;
  if (args.dir.empty()) {
    std::string pattern = (std::filesystem::temp_directory_path() / "freenahi-bench-XXXXXX");
    if (mkdtemp(pattern.data()) == nullptr) Die("mkdtemp");
    owned_dir = args.dir = pattern;
  }
  const std::string floor_db = args.dir + "/floor.db";
  const std::string store_db = args.dir + "/store.db";

  if (args.ablate) {
    int rc = Ablate(bytes, store_db, args.runs);
    std::error_code ignored;
    if (!owned_dir.empty()) std::filesystem::remove_all(owned_dir, ignored);
    return rc;
  }
  if (!args.peak.empty()) {
    if (args.peak == "floor") {
      PrintPeak([&] { RunFloor(bytes, floor_db, false); });
    } else if (args.peak == "freenahi") {
      PrintPeak([&] { RunPipeline(bytes, store_db); });
    } else if (args.peak == "apply" || args.peak == "apply-dom") {
      // The apply alone, as the daemon runs it after the answer: the body is in the inbox and
      // no longer in this process's memory.
      std::unique_ptr<Store> store = FreshStore(store_db);
      const int64_t id = StoreBody(store.get(), bytes, 1);
      std::string().swap(bytes);
#ifdef __GLIBC__
      malloc_trim(0);
#endif
      if (args.peak == "apply") {
        PrintPeak([&] {
          if (!ApplyStreaming(store.get(), id).ok()) Die("apply failed");
        });
      } else {
        PrintPeak([&] {
          Result<std::string> body = store->InboxBody(id);
          Result<Payload> payload = ParsePayload(WebhookEvent::kConnectionSynced, std::move(*body));
          if (!payload.ok() || !store->ApplyInbox(id, *payload, kNow).ok()) Die("apply failed");
        });
      }
    } else {
      Die("--peak takes floor, freenahi, apply or apply-dom");
    }
    return 0;
  }

  std::printf("payload: %s, %.1f MB, %d runs, databases in %s\n", args.payload.c_str(),
              bytes.size() / 1e6, args.runs, args.dir.c_str());
  std::vector<double> floor_ms, floor_parse_ms, floor_insert_ms, indexed_ms, pipeline_ms;
  size_t rows = 0;
  for (int run = 0; run < args.runs; ++run) {  // interleaved, so drift hits all alike
    FloorTimes f = RunFloor(bytes, floor_db, false);
    floor_ms.push_back(f.total_ms);
    floor_parse_ms.push_back(f.parse_ms);
    floor_insert_ms.push_back(f.insert_ms);
    rows = f.rows;
    FloorTimes indexed = RunFloor(bytes, floor_db, true);
    indexed_ms.push_back(indexed.insert_ms);
    double p = RunPipeline(bytes, store_db);
    pipeline_ms.push_back(p);
    std::printf(
        "  run %d: floor %.1f ms (parse %.1f + insert %.1f; indexed insert %.1f), "
        "freenahi %.1f ms\n",
        run + 1, f.total_ms, f.parse_ms, f.insert_ms, indexed.insert_ms, p);
  }
  Phases ph = RunPhases(bytes, store_db);
  const double floor = Median(floor_ms), pipeline = Median(pipeline_ms);
  const std::string self = SelfPath();
  Peak floor_peak = MeasurePeak(self, args.payload, args.dir, "floor");
  Peak pipeline_peak = MeasurePeak(self, args.payload, args.dir, "freenahi");
  Peak apply_peak = MeasurePeak(self, args.payload, args.dir, "apply");
  Peak apply_dom_peak = MeasurePeak(self, args.payload, args.dir, "apply-dom");

  std::printf("\n%-46s %10s\n", "in-process, median", "ms");
  std::printf("%-46s %10.1f\n", "floor: RapidJSON DOM parse", Median(floor_parse_ms));
  std::printf("%-46s %10.1f\n", "floor: bulk INSERT, one txn (WAL, FULL)", Median(floor_insert_ms));
  std::printf("%-46s %10.1f   (%zu rows)\n", "floor total", floor, rows);
  std::printf("%-46s %10.1f   (not the target's floor)\n",
              "  info: same INSERT with the store's indexes, keys", Median(indexed_ms));
  std::printf("%-46s %10.1f\n", "freenahi: envelope+inbox+ingest", pipeline);
  std::printf("%-46s %10.2f   (target <= 2.00)\n", "ratio freenahi / floor", pipeline / floor);
  std::printf("\nfreenahi phases (one run):\n");
  std::printf("  %-44s %10.1f\n", "ParseEnvelope (SAX)", ph.envelope_ms);
  std::printf("  %-44s %10.1f\n", "InsertInbox (body blob, commit+fsync)", ph.insert_ms);
  std::printf("  %-44s %10.1f\n", "ApplyInboxStreaming (blob->SAX->upserts)", ph.stream_ms);
  std::printf("  %-44s %10.1f\n", "  same body again (duplicates, no new row)", ph.duplicate_ms);
  std::printf("  old DOM path, for comparison:\n");
  std::printf("  %-44s %10.1f\n", "  InboxBody (whole body in memory)", ph.dom_read_ms);
  std::printf("  %-44s %10.1f\n", "  ParsePayload (DOM -> structs)", ph.dom_parse_ms);
  std::printf("  %-44s %10.1f\n", "  ApplyInbox (upserts, one txn)", ph.dom_apply_ms);
  auto mib = [](long kib) { return kib / 1024.0; };
  std::printf("\npeak RSS, fresh process, payload (%.1f MiB) loaded first:\n",
              bytes.size() / 1048576.0);
  for (const auto& [name, p] :
       {std::pair<const char*, Peak>{"floor", floor_peak}, {"freenahi", pipeline_peak},
        {"apply", apply_peak}, {"apply-dom", apply_dom_peak}}) {
    std::printf(
        "  %-10s baseline %.1f MiB, peak %.1f MiB (growth %.1f), after %.1f MiB, "
        "after malloc_trim %.1f MiB\n",
        name, mib(p.baseline_kib), mib(p.hwm_kib), mib(p.hwm_kib - p.baseline_kib),
        mib(p.after_kib), mib(p.trimmed_kib));
  }
  // One machine-readable line for scripts/bench.sh.
  std::printf(
      "RESULT floor_ms=%.1f pipeline_ms=%.1f ratio=%.3f rows=%zu floor_peak_growth_kib=%ld "
      "pipeline_peak_growth_kib=%ld first_apply_ms=%.1f duplicate_apply_ms=%.1f "
      "apply_peak_growth_kib=%ld apply_dom_peak_growth_kib=%ld\n",
      floor, pipeline, pipeline / floor, rows, floor_peak.hwm_kib - floor_peak.baseline_kib,
      pipeline_peak.hwm_kib - pipeline_peak.baseline_kib, ph.stream_ms, ph.duplicate_ms,
      apply_peak.hwm_kib - apply_peak.baseline_kib,
      apply_dom_peak.hwm_kib - apply_dom_peak.baseline_kib);
  if (!owned_dir.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(owned_dir, ignored);
  }
  return 0;
}

}  // namespace
}  // namespace freenahi

int main(int argc, char** argv) { return freenahi::Main(argc, argv); }
