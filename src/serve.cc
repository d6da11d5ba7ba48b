// SPDX-License-Identifier: MIT
// The daemon's life cycle, mosquitto-style: start in a straight line, Fatal only before the loop
// runs, then log and keep going. Member order in Daemon is the teardown order, reversed.
#include "serve.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <memory>

#include "cli.h"
#include "config.h"
#include "disk_space.h"
#include "event_loop.h"
#include "hooks.h"
#include "http.h"
#include "ingest.h"
#include "listener.h"
#include "log.h"
#include "memory.h"
#include "serve_powens.h"
#include "store.h"
#include "tls.h"
#include "webhook.h"

namespace freenahi {
namespace {

constexpr int64_t kIngestRetryMs = 5000;
// Between two inbox items while clients are connected: enough for loopback and LAN round trips.
constexpr int64_t kIngestYieldMs = 25;
// Housekeeping (retention, vacuum, disk space) runs this often, and after each ingest batch; each
// of its passes does one small slice and gives the loop back.
constexpr int64_t kHousekeepingEveryMs = 10 * 60 * 1000;
constexpr int kPruneBodiesPerSlice = 8;      // bodies deleted per loop pass
constexpr int kVacuumPagesPerSlice = 256;    // pages (1 MiB at 4 KiB) returned per loop pass
constexpr int64_t kDiskWarningEveryS = 3600;  // a low-space warning at most this often
constexpr int64_t kShutdownGraceMs = 5000;

UnixSeconds WallClock() { return static_cast<UnixSeconds>(time(nullptr)); }

bool FileExists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

ListenerOptions ListenerOptionsFrom(const Config& config) {
  ListenerOptions options;
  options.limits.max_body = static_cast<size_t>(config.max_body);
  options.limits.max_header_bytes = static_cast<size_t>(config.max_header_bytes);
  options.max_connections = static_cast<size_t>(config.max_connections);
  options.header_timeout_ms = config.header_timeout_ms;
  options.body_timeout_ms = config.body_timeout_ms;
  options.request_timeout_ms = config.request_timeout_ms;
  options.min_body_rate = static_cast<size_t>(config.min_body_rate);
  options.max_connections_per_ip = static_cast<size_t>(config.max_connections_per_ip);
  options.keepalive_timeout_ms = config.keepalive_timeout_ms;
  options.keepalive_max_requests = static_cast<size_t>(config.keepalive_requests);
  return options;
}

WebhookAuth WebhookAuthFrom(const Config& config) {
  return WebhookAuth{config.user_token, config.webhook_secret, config.signature_max_skew_s};
}

// The certificate to serve: the configured one, or a self-signed one made on first start.
Result<std::shared_ptr<TlsServerContext>> PrepareTls(const Config& config) {
  if (!config.tls) return std::shared_ptr<TlsServerContext>();
  if (config.cert_is_generated() && !FileExists(config.CertPath())) {
    char host[256] = "localhost";
    gethostname(host, sizeof(host) - 1);
    FREENAHI_RETURN_IF_ERROR(GenerateSelfSignedCert(config.CertPath(), config.KeyPath(), host));
    LOG_INFO("generated a self-signed certificate %s", config.CertPath().c_str());
  }
  return TlsServerContext::Load(config.CertPath(), config.KeyPath());
}

class Daemon {
 public:
  explicit Daemon(Config config) : config_(std::move(config)) {}

  Status Start() {
    FREENAHI_RETURN_IF_ERROR(InstallSignals());  // before "listening": a stop may come at once
    std::string dir = config_.DatabaseDir();
    if (!FileExists(dir) && mkdir(dir.c_str(), 0700) != 0)
      return Status::IOError("create " + dir + ": " + strerror(errno));
    Store::Options store_options;
    store_options.manual_checkpoint = true;  // checkpoints after ingesting, not in webhook commits
    Result<std::unique_ptr<Store>> store = Store::Open(config_.database, store_options);
    if (!store.ok()) return store.status();
    store_ = std::move(*store);
    LOG_INFO("database %s (schema v%d)", config_.database.c_str(), store_->SchemaVersion());
    ConvertToIncrementalVacuum();
    CheckDiskSpace(/*always_log=*/true);
    Result<std::shared_ptr<TlsServerContext>> tls = PrepareTls(config_);
    if (!tls.ok()) return tls.status();
    if (*tls) LOG_INFO("certificate %s SHA-256 %s", config_.CertPath().c_str(), (*tls)->fingerprint().c_str());
    hooks_ = std::make_unique<Hooks>(&loop_, config_);
    webhook_ = std::make_unique<Webhook>(store_.get(), WallClock, [this] { ScheduleIngest(0); });
    webhook_->SetAuth(WebhookAuthFrom(config_));
    // Large bodies are spooled beside the database: on its filesystem, so a full disk refuses
    // them (503) as the commit would.
    webhook_->SetSpool(DirectoryOf(config_.database));
    webhook_->Register(&router_);
    powens_ = std::make_unique<ServePowens>(&loop_, store_.get(), hooks_.get(), config_.path);
    powens_->Configure(config_);
    powens_->Register(&router_);
    Result<std::unique_ptr<Listener>> listener =
        Listener::Start(&loop_, config_.listen, &router_, *tls, ListenerOptionsFrom(config_));
    if (!listener.ok()) return listener.status();
    listener_ = std::move(*listener);
    if (!config_.tls && !listener_->is_loopback())
      LOG_WARN("tls = off on a non-loopback address: webhooks and tokens cross the network in clear");
    LOG_INFO("listening on %s://%s (port %d)", config_.tls ? "https" : "http", config_.listen.c_str(),
             listener_->port());
    ScheduleIngest(0);  // whatever a previous run stored but did not apply
    ScheduleHousekeeping(kHousekeepingEveryMs);
    powens_->Start();
    return Status::Ok();
  }

  void Run() { loop_.Run(); }

 private:
  Status InstallSignals() {
    signal(SIGPIPE, SIG_IGN);  // a vanished client is an error value, not a death
    signal(SIGXFSZ, SIG_IGN);  // a file-size limit is a full disk (EFBIG), not a death
    FREENAHI_RETURN_IF_ERROR(loop_.OnSignal(SIGTERM, [this] { BeginShutdown("SIGTERM"); }));
    FREENAHI_RETURN_IF_ERROR(loop_.OnSignal(SIGINT, [this] { BeginShutdown("SIGINT"); }));
    return loop_.OnSignal(SIGHUP, [this] { Reload(); });
  }

  // One pending item per timer callback: the next one is a fresh timer, which fires only after
  // the loop has polled its sockets, so requests are served between items. While connections
  // are busy (idle keep-alive ones are not) the next item also waits kIngestYieldMs: a handshake or a request needs several
  // round trips, each of which would otherwise wait for a whole item (~0.3 s for 3,000 rows).
  void ScheduleIngest(int64_t delay_ms) {
    if (ingest_timer_ != 0) return;
    ingest_timer_ = loop_.AddTimer(delay_ms, [this] {
      ingest_timer_ = 0;
      IngestStep step = IngestNext(store_.get(), WallClock());
      if (step.inbox_id && step.stats.new_transactions > 0) {
        hooks_->Fire(HookEvent::kNewTransactions,
                     NewTransactionsEventJson(step.stats.new_transactions, {*step.inbox_id},
                                              WallClock()));
      }
      if (shutting_down_) return;
      if (step.outcome == IngestOutcome::kRetryLater) {
        ScheduleIngest(kIngestRetryMs);
      } else if (step.more_pending) {
        ScheduleIngest(listener_ && listener_->busy_connections() > 0 ? kIngestYieldMs : 0);
      } else if (step.inbox_id) {
        AfterIngest();
      }
    });
  }

  // Housekeeping once the answers are out and the rows are in: fold the WAL into the database,
  // give the ingestion's peak memory back, then prune (in slices).
  void AfterIngest() {
    Status checkpoint = store_->Checkpoint();
    if (!checkpoint.ok()) LOG_WARN("%s", checkpoint.message().c_str());
    powens_->CheckHealth();  // a webhook may carry a connection's new state
    ReleaseFreeMemory();
    ScheduleHousekeeping(0);
  }

  // The database made before incremental auto-vacuum: converted once, at start (one VACUUM).
  void ConvertToIncrementalVacuum() {
    Result<bool> converted = store_->EnsureIncrementalVacuum();
    if (!converted.ok()) {
      LOG_WARN("database: staying without incremental vacuum (freed pages are reused, not "
               "returned): %s", converted.status().message().c_str());
    } else if (*converted) {
      LOG_INFO("database: converted to incremental auto-vacuum (one VACUUM)");
    }
  }

  void CheckDiskSpace(bool always_log) {
    Result<DiskSpace> space = MeasureDiskSpace(config_.database);
    if (!space.ok()) {
      LOG_WARN("disk space: %s", space.status().message().c_str());
      return;
    }
    const UnixSeconds now = WallClock();
    if (space->low && now - last_disk_warning_ >= kDiskWarningEveryS) {
      last_disk_warning_ = now;
      LOG_WARN("disk space: %s", DescribeDiskSpace(*space).c_str());
    } else if (always_log) {
      LOG_INFO("disk space: %s", DescribeDiskSpace(*space).c_str());
    }
  }

  // Retention: bodies of items applied more than keep_applied_bodies days ago go, a few per loop
  // pass; then their pages go back to the filesystem, a slice per pass; then one disk check.
  void ScheduleHousekeeping(int64_t delay_ms) {
    if (housekeeping_timer_ != 0) {
      if (delay_ms > 0) return;
      loop_.CancelTimer(housekeeping_timer_);
    }
    housekeeping_timer_ = loop_.AddTimer(delay_ms, [this] {
      housekeeping_timer_ = 0;
      if (shutting_down_) return;
      ScheduleHousekeeping(HousekeepingSlice() ? 0 : kHousekeepingEveryMs);
    });
  }

  // One slice; true when more work remains.
  bool HousekeepingSlice() {
    const UnixSeconds applied_before = WallClock() - config_.keep_applied_bodies * 86400 +
                                       (config_.keep_applied_bodies == 0 ? 1 : 0);
    Result<int> pruned = store_->PruneAppliedBodies(applied_before, kPruneBodiesPerSlice);
    if (!pruned.ok()) {
      LOG_WARN("inbox retention: %s", pruned.status().message().c_str());
      return false;
    }
    if (*pruned > 0) {
      LOG_DEBUG("inbox retention: deleted %d applied bodies", *pruned);
      housekeeping_wrote_ = true;
      return true;
    }
    Result<int64_t> free_pages = store_->IncrementalVacuum(kVacuumPagesPerSlice);
    if (!free_pages.ok()) {
      LOG_WARN("incremental vacuum: %s", free_pages.status().message().c_str());
      return false;
    }
    if (*free_pages > 0) {
      housekeeping_wrote_ = true;
      return true;
    }
    if (housekeeping_wrote_) {  // the deletions sit in the WAL until folded back
      housekeeping_wrote_ = false;
      Status checkpoint = store_->Checkpoint();
      if (!checkpoint.ok()) LOG_WARN("%s", checkpoint.message().c_str());
    }
    CheckDiskSpace(/*always_log=*/false);
    return false;
  }

  // Stop accepting; connections already open get their answer (bounded by a grace period).
  void BeginShutdown(const char* why) {
    if (shutting_down_) return;
    shutting_down_ = true;
    LOG_INFO("%s: stopping (%zu open connections)", why, listener_->active_connections());
    listener_->StopAccepting();
    powens_->Stop();  // a running pull is killed; the next start pulls again
    loop_.CancelTimer(ingest_timer_);  // pending items are applied at the next start
    ingest_timer_ = 0;
    loop_.CancelTimer(housekeeping_timer_);
    housekeeping_timer_ = 0;
    shutdown_deadline_ms_ = loop_.NowMs() + kShutdownGraceMs;
    WaitForConnections();
  }

  void WaitForConnections() {
    if (listener_->active_connections() == 0 || loop_.NowMs() >= shutdown_deadline_ms_) {
      loop_.Stop();
      return;
    }
    loop_.AddTimer(50, [this] { WaitForConnections(); });
  }

  void Reload() {
    std::vector<std::string> warnings;
    Result<Config> fresh = LoadConfig(config_.path, &warnings);
    for (const std::string& w : warnings) LOG_WARN("%s", w.c_str());
    if (!fresh.ok()) {
      LOG_ERROR("SIGHUP: keeping the running configuration: %s", fresh.status().message().c_str());
      return;
    }
    if (fresh->listen != config_.listen || fresh->database != config_.database || fresh->tls != config_.tls)
      LOG_WARN("SIGHUP: listen, tls and database take effect at the next start");
    fresh->listen = config_.listen;
    fresh->database = config_.database;
    fresh->tls = config_.tls;
    Result<std::shared_ptr<TlsServerContext>> tls = PrepareTls(*fresh);
    if (!tls.ok()) {
      LOG_ERROR("SIGHUP: keeping the running configuration: %s", tls.status().message().c_str());
      return;
    }
    config_ = std::move(*fresh);
    SetLogLevel(verbose_level_ > config_.log_level ? verbose_level_ : config_.log_level);
    webhook_->SetAuth(WebhookAuthFrom(config_));
    powens_->Configure(config_);
    hooks_->Reconfigure(config_);
    listener_->Reconfigure(*tls, ListenerOptionsFrom(config_));
    LOG_INFO("SIGHUP: configuration reloaded%s", *tls ? ", certificate reloaded" : "");
  }

 public:
  LogLevel verbose_level_ = LogLevel::kError;

 private:
  Config config_;
  std::unique_ptr<Store> store_;
  EventLoop loop_;
  HttpRouter router_;
  std::unique_ptr<ServePowens> powens_;
  std::unique_ptr<Webhook> webhook_;
  std::unique_ptr<Listener> listener_;
  std::unique_ptr<Hooks> hooks_;  // after loop_: its hooks are killed before the loop goes
  EventLoop::TimerId ingest_timer_ = 0;
  EventLoop::TimerId housekeeping_timer_ = 0;
  UnixSeconds last_disk_warning_ = 0;
  bool housekeeping_wrote_ = false;  // a slice deleted or vacuumed since the last checkpoint
  bool shutting_down_ = false;
  int64_t shutdown_deadline_ms_ = 0;
};

}  // namespace

int RunServe(const std::string& config_path, bool verbose) {
  std::vector<std::string> warnings;
  Result<Config> config = LoadConfig(config_path, &warnings);
  for (const std::string& w : warnings) LOG_WARN("%s", w.c_str());
  if (!config.ok()) {
    LOG_ERROR("%s", config.status().message().c_str());
    return kExitUsage;
  }
  LogLevel verbose_level = verbose ? LogLevel::kDebug : LogLevel::kError;
  SetLogLevel(verbose_level > config->log_level ? verbose_level : config->log_level);
  LOG_INFO("freenahi %s starting (config %s)", FREENAHI_VERSION, config_path.c_str());
  Daemon daemon(std::move(*config));
  daemon.verbose_level_ = verbose_level;
  Status started = daemon.Start();
  if (!started.ok()) {
    LOG_ERROR("cannot start: %s", started.message().c_str());
    return kExitFailure;
  }
  daemon.Run();
  LOG_INFO("freenahi %s stopped", FREENAHI_VERSION);
  return kExitOk;
}

}  // namespace freenahi
