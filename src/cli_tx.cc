// SPDX-License-Identifier: MIT
// `freenahi tx pin|unpin|note|rename|tag|untag|show ID ...`: the user's own notes on a
// transaction, kept beside the bank's data (store_notes.h) so no sync overwrites them. Opens the
// database read-write with a busy timeout: works while `serve` runs.
#include <cstdio>
#include <ctime>

#include "cli.h"
#include "cli_internal.h"
#include "store.h"
#include "store_notes.h"

namespace freenahi {
namespace {

bool ParseId(const std::string& text, int64_t* id) {
  if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos)
    return false;
  *id = std::stoll(text);  // ≤ 18 digits: fits
  return true;
}

void PrintAnnotation(const CliArgs& args, const Annotation& a) {
  if (args.json()) {
    JsonWriter w(stdout);
    w.BeginObject();
    w.Field("transaction_id", a.transaction_id);
    w.Field("pinned", a.pinned);
    w.Field("note", a.note);
    w.Field("wording", a.wording);
    w.Key("tags");
    w.BeginArray();
    for (const std::string& t : a.tags) w.String(t);
    w.EndArray();
    w.EndObject();
    w.EndDocument();
    return;
  }
  std::string tags;
  for (const std::string& t : a.tags) tags += (tags.empty() ? "#" : " #") + t;
  printf("transaction %lld: %s%s%s%s\n", static_cast<long long>(a.transaction_id),
         a.pinned ? "pinned" : "not pinned", a.wording ? ("; wording \"" + *a.wording + "\"").c_str() : "",
         a.note ? ("; note \"" + *a.note + "\"").c_str() : "", tags.empty() ? "" : ("; " + tags).c_str());
}

// Checks `TAG`s: one word each, no spaces or commas (they separate tags in exports).
bool ValidTags(const std::vector<std::string>& tags, std::string* bad) {
  for (const std::string& t : tags) {
    if (t.empty() || t.find_first_of(" \t,;:#\n") != std::string::npos) return *bad = t, false;
  }
  return true;
}

int RunTx(const CliArgs& args) {
  const std::vector<std::string>& p = args.positional;
  if (p.size() < 2) return CliError(kExitUsage, "usage: freenahi tx pin|unpin|note|rename|tag|untag|show ID ... (see --help)");
  const std::string& verb = p[0];
  int64_t id;
  if (!ParseId(p[1], &id)) return CliError(kExitUsage, "tx " + verb + ": '" + p[1] + "' is not a transaction id");
  std::vector<std::string> rest(p.begin() + 2, p.end());
  auto want = [&](size_t min, size_t max) { return rest.size() >= min && rest.size() <= max; };
  bool ok_arity = (verb == "pin" || verb == "unpin" || verb == "show") ? want(0, 0)
                  : (verb == "note" || verb == "rename")              ? want(1, 1)
                  : (verb == "tag" || verb == "untag")                ? want(1, 64)
                                                                      : false;
  if (verb != "pin" && verb != "unpin" && verb != "show" && verb != "note" && verb != "rename" &&
      verb != "tag" && verb != "untag")
    return CliError(kExitUsage, "tx: unknown action '" + verb + "' (pin, unpin, note, rename, tag, untag, show)");
  if (!ok_arity) return CliError(kExitUsage, "tx " + verb + ": wrong number of arguments (see freenahi tx --help)");
  std::string bad;
  if ((verb == "tag" || verb == "untag") && !ValidTags(rest, &bad))
    return CliError(kExitUsage, "tx " + verb + ": '" + bad + "' is not a tag (one word, no spaces, commas or #)");
  Result<std::unique_ptr<Store>> store = OpenStoreForCli(args, verb != "show");
  if (!store.ok()) return StoreError(store.status());
  Store& s = **store;
  Status exists = CheckTransactionExists(s, id);
  if (!exists.ok()) return StoreError(exists);
  const UnixSeconds now = static_cast<UnixSeconds>(time(nullptr));
  auto text_or_clear = [&]() { return rest[0].empty() ? std::nullopt : std::optional<std::string>(rest[0]); };
  Status done = Status::Ok();
  if (verb == "pin" || verb == "unpin") done = SetPinned(s, id, verb == "pin", now);
  if (verb == "note") done = SetNote(s, id, text_or_clear(), now);
  if (verb == "rename") done = SetWording(s, id, text_or_clear(), now);
  if (verb == "tag") done = AddTags(s, id, rest, now);
  if (verb == "untag") done = RemoveTags(s, id, rest, now);
  if (!done.ok()) return StoreError(done);
  Result<Annotation> now_there = GetAnnotation(s, id);
  if (!now_there.ok()) return StoreError(now_there.status());
  PrintAnnotation(args, *now_there);
  return kExitOk;
}

}  // namespace

extern const CommandSpec kTxCommand = {
    "tx", "your own notes on a transaction: pin, note, rename, tags (kept across syncs)",
    "usage: freenahi tx pin|unpin ID\n"
    "       freenahi tx note ID TEXT        (\"\" removes the note)\n"
    "       freenahi tx rename ID TEXT      (\"\" shows the bank's wording again)\n"
    "       freenahi tx tag|untag ID TAG...\n"
    "       freenahi tx show ID [--json]\n"
    "  ID is the transaction id of `freenahi transactions --json`. Your notes live in their own\n"
    "  table: webhooks and pulls never change them. The bank's wording is kept; `transactions`\n"
    "  shows yours instead, `--search` finds notes, wordings and tags, exports carry them.\n"
    "examples:\n"
    "  freenahi tx pin 90001\n"
    "  freenahi tx rename 90001 \"Books for the kids\"\n"
    "  freenahi tx note 90001 \"reimbursed by Ana\"\n"
    "  freenahi tx tag 90001 family gifts\n",
    "", "json", RunTx};

}  // namespace freenahi
