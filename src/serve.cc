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
#include "event_loop.h"
#include "hooks.h"
#include "http.h"
#include "ingest.h"
#include "listener.h"
#include "log.h"
#include "memory.h"
#include "store.h"
#include "tls.h"
#include "webhook.h"

namespace freenahi {
namespace {

constexpr int64_t kIngestRetryMs = 5000;
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
    Result<std::shared_ptr<TlsServerContext>> tls = PrepareTls(config_);
    if (!tls.ok()) return tls.status();
    if (*tls) LOG_INFO("certificate %s SHA-256 %s", config_.CertPath().c_str(), (*tls)->fingerprint().c_str());
    hooks_ = std::make_unique<Hooks>(&loop_, config_);
    webhook_ = std::make_unique<Webhook>(store_.get(), WallClock, [this] { ScheduleIngest(0); });
    webhook_->SetAuth(WebhookAuthFrom(config_));
    webhook_->Register(&router_);
    Result<std::unique_ptr<Listener>> listener =
        Listener::Start(&loop_, config_.listen, &router_, *tls, ListenerOptionsFrom(config_));
    if (!listener.ok()) return listener.status();
    listener_ = std::move(*listener);
    if (!config_.tls && !listener_->is_loopback())
      LOG_WARN("tls = off on a non-loopback address: webhooks and tokens cross the network in clear");
    LOG_INFO("listening on %s://%s (port %d)", config_.tls ? "https" : "http", config_.listen.c_str(),
             listener_->port());
    ScheduleIngest(0);  // whatever a previous run stored but did not apply
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

  void ScheduleIngest(int64_t delay_ms) {
    if (ingest_timer_ != 0) return;
    ingest_timer_ = loop_.AddTimer(delay_ms, [this] {
      ingest_timer_ = 0;
      IngestCounts counts = IngestPending(store_.get(), WallClock());
      if (counts.retry_later && !shutting_down_) ScheduleIngest(kIngestRetryMs);
      if (counts.new_transactions > 0) {
        hooks_->Fire(HookEvent::kNewTransactions,
                     NewTransactionsEventJson(counts.new_transactions,
                                              counts.inbox_ids_with_new_transactions, WallClock()));
      }
      if (counts.applied + counts.failed > 0) AfterIngest();
    });
  }

  // Housekeeping once the answers are out and the rows are in: fold the WAL into the database and
  // give the ingestion's peak memory back.
  void AfterIngest() {
    Status checkpoint = store_->Checkpoint();
    if (!checkpoint.ok()) LOG_WARN("%s", checkpoint.message().c_str());
    ReleaseFreeMemory();
  }

  // Stop accepting; connections already open get their answer (bounded by a grace period).
  void BeginShutdown(const char* why) {
    if (shutting_down_) return;
    shutting_down_ = true;
    LOG_INFO("%s: stopping (%zu open connections)", why, listener_->active_connections());
    listener_->StopAccepting();
    loop_.CancelTimer(ingest_timer_);  // pending items are applied at the next start
    ingest_timer_ = 0;
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
  std::unique_ptr<Webhook> webhook_;
  std::unique_ptr<Listener> listener_;
  std::unique_ptr<Hooks> hooks_;  // after loop_: its hooks are killed before the loop goes
  EventLoop::TimerId ingest_timer_ = 0;
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
