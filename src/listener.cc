// SPDX-License-Identifier: MIT
// Connection life: kReading (handshake, headers, body) → kWriting (the answer) → closed, or,
// when the answer keeps the connection open (keep-alive), back to kReading for the next request,
// whose bytes may already be there (pipelining). Errors, refusals and timeouts always close:
// the client starts afresh on a clean connection.
#include "listener.h"

#include <algorithm>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>

#include "log.h"

namespace freenahi {
namespace {

constexpr size_t kReadChunk = 16384;
// After answering a request that was not read to its end (413, 408, ...), keep reading and
// discarding for a while: closing with unread input makes the kernel send a reset, which can
// destroy the answer before the client reads it.
constexpr int64_t kLingerMs = 2000;
constexpr size_t kLingerMaxBytes = 1 << 20;
constexpr int64_t kAcceptPauseMs = 200;
// The minimum body rate is measured over windows this long (a pause shorter than it is fine).
constexpr int64_t kRateWindowMs = 5000;
// A connection younger than this is never evicted: a fair client gets time for its handshake.
constexpr int64_t kEvictMinAgeMs = 1000;
// ...and silent (no socket event at all) at least this long, or slower than min_body_rate.
constexpr int64_t kEvictIdleMs = 1000;
constexpr int64_t kFullRecheckMs = 250;
constexpr int64_t kShedLogEveryMs = 10000;

Status SplitHostPort(const std::string& listen, std::string* host, std::string* port) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon + 1 == listen.size())
    return Status::InvalidArgument("listen " + listen + ": expected host:port");
  *host = listen.substr(0, colon);
  *port = listen.substr(colon + 1);
  if (host->size() >= 2 && host->front() == '[' && host->back() == ']')
    *host = host->substr(1, host->size() - 2);
  return Status::Ok();
}

std::string PeerAddress(const sockaddr_storage& addr, int* port) {
  char text[INET6_ADDRSTRLEN] = "?";
  if (addr.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&addr);
    inet_ntop(AF_INET, &in->sin_addr, text, sizeof(text));
    *port = ntohs(in->sin_port);
  } else if (addr.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&addr);
    inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof(text));
    *port = ntohs(in6->sin6_port);
  }
  return text;
}

bool IsLoopback(const sockaddr* addr) {
  if (addr->sa_family == AF_INET)
    return (ntohl(reinterpret_cast<const sockaddr_in*>(addr)->sin_addr.s_addr) >> 24) == 127;
  if (addr->sa_family == AF_INET6)
    return IN6_IS_ADDR_LOOPBACK(&reinterpret_cast<const sockaddr_in6*>(addr)->sin6_addr);
  return false;
}

Result<UniqueFd> BindSocket(const addrinfo* ai) {
  UniqueFd fd(socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol));
  if (!fd.valid()) return Status::IOError(std::string("socket: ") + strerror(errno));
  int one = 1;
  setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (bind(fd.get(), ai->ai_addr, ai->ai_addrlen) != 0)
    return Status::IOError(std::string("bind: ") + strerror(errno));
  if (listen(fd.get(), 64) != 0) return Status::IOError(std::string("listen: ") + strerror(errno));
  return fd;
}

}  // namespace

class Listener::Connection {
 public:
  Connection(Listener* owner, std::unique_ptr<Conn> conn, std::string peer_ip, int peer_port)
      : owner_(owner), conn_(std::move(conn)),
        reader_(owner->options_.limits,
                [router = owner->router_](const std::string& head) { return router->Admit(head); }),
        peer_ip_(std::move(peer_ip)), peer_port_(peer_port),
        accepted_ms_(owner->loop_->NowMs()) {
    int fd = conn_->fd();
    owner_->loop_->AddFd(fd, EventLoop::kReadable, [this](unsigned) { Advance(); });
    BeginRequest();  // the first request's clocks run from accept: the handshake counts
  }
  ~Connection() {
    owner_->loop_->CancelTimer(timer_);
    owner_->loop_->CancelTimer(deadline_timer_);
    owner_->loop_->CancelTimer(rate_timer_);
    owner_->loop_->RemoveFd(conn_->fd());
  }

  const std::string& peer_ip() const { return peer_ip_; }
  // Answered and kept open, no byte of the next request yet: the cheapest to drop.
  bool idle_keepalive() const {
    return phase_ == Phase::kReading && requests_done_ > 0 && request_bytes_ == 0;
  }
  int64_t idle_since_ms() const { return idle_since_ms_; }
  int64_t accepted_ms() const { return accepted_ms_; }
  // Answered, draining what the client still sends, for long enough to have read the answer.
  bool lingering(int64_t now_ms) const {
    return phase_ == Phase::kLingering && now_ms - accepted_ms_ >= kEvictMinAgeMs;
  }
  // Reading a request begun long enough ago to have had a fair chance, and either silent for a
  // second (not even a handshake record) or sending slower than min_body_rate on average.
  bool SlowReader(int64_t now_ms, double* rate) const {
    int64_t age = now_ms - request_started_ms_;
    if (phase_ != Phase::kReading || idle_keepalive() || age < kEvictMinAgeMs) return false;
    *rate = static_cast<double>(request_bytes_) * 1000.0 / static_cast<double>(age);
    if (now_ms - last_activity_ms_ >= kEvictIdleMs) return true;
    return request_bytes_ > 0 && *rate < static_cast<double>(owner_->options_.min_body_rate);
  }
  // Dropped for a newcomer: closed without an answer.
  void Evict() {
    if (phase_ != Phase::kDone) Finish();
  }
  // The listener stops accepting: an idle connection closes now; a busy one answers with
  // "Connection: close" (KeepAliveAllowed() is false from now on).
  void Drain() {
    if (idle_keepalive()) Finish();
  }

 private:
  enum class Phase { kReading, kWriting, kLingering, kDone };

  void Rearm(int64_t delay_ms, const char* why) {
    owner_->loop_->CancelTimer(timer_);
    timer_ = owner_->loop_->AddTimer(delay_ms, [this, why] {
      timer_ = 0;
      OnTimeout(why);
    });
  }

  // A request's clocks: the header deadline and the whole-request deadline.
  void BeginRequest() {
    request_started_ms_ = owner_->loop_->NowMs();
    Rearm(owner_->options_.header_timeout_ms, "headers not received in time");
    owner_->loop_->CancelTimer(deadline_timer_);
    deadline_timer_ = owner_->loop_->AddTimer(owner_->options_.request_timeout_ms, [this] {
      deadline_timer_ = 0;
      if (phase_ == Phase::kReading) OnTimeout("request not received in time");
    });
  }

  // From any of the three timers; the phase timer is re-armed (or cancelled) by what follows.
  void OnTimeout(const char* why) {
    if (idle_keepalive()) {  // the ordinary end of a kept-alive connection
      LOG_DEBUG("connection from %s:%d: %s, closing", peer_ip_.c_str(), peer_port_, why);
      return Finish();
    }
    LOG_INFO("connection from %s:%d: %s, closing", peer_ip_.c_str(), peer_port_, why);
    // A request under way is told why; a silent client or a stalled handshake is just closed.
    if (phase_ == Phase::kReading && request_bytes_ > 0) return Respond(ErrorResponse(408, why), true);
    Finish();
  }

  // Runs whenever the socket is ready for what the last operation wanted, and goes on while a
  // phase ends at once (an answer written whole, then a pipelined request already read).
  void Advance() {
    last_activity_ms_ = owner_->loop_->NowMs();
    for (;;) {
      Phase before = phase_;
      if (phase_ == Phase::kReading) ReadRequest();
      else if (phase_ == Phase::kWriting) WriteResponse();
      else if (phase_ == Phase::kLingering) Linger();
      if (phase_ == before || phase_ == Phase::kDone) return;
    }
  }

  void ReadRequest() {
    char buffer[kReadChunk];
    for (;;) {
      if (!pending_continue_.empty() && !FlushContinue()) return;
      Conn::IoResult r = conn_->Read(buffer, sizeof(buffer));
      if (r.io == Conn::Io::kWantRead || r.io == Conn::Io::kWantWrite) return Want(r.io);
      if (r.io == Conn::Io::kClosed) return Finish();
      if (r.io == Conn::Io::kError) {
        LOG_INFO("connection from %s: %s", peer_ip_.c_str(), conn_->last_error().c_str());
        return Finish();
      }
      CountRequestBytes(r.bytes);
      bool had_headers = reader_.headers_done();
      if (!Took(reader_.Feed(buffer, r.bytes), had_headers)) return;
    }
  }

  void CountRequestBytes(size_t bytes) {
    if (request_bytes_ == 0 && requests_done_ > 0) BeginRequest();  // first byte after idling
    request_bytes_ += bytes;
  }

  // After bytes were fed to the reader: timers, "100 Continue", and the answer once the request
  // is complete or refused. False once answering (the reading of this request is over).
  bool Took(RequestReader::State state, bool had_headers) {
    if (reader_.headers_done()) Rearm(owner_->options_.body_timeout_ms, "body stalled");
    if (!had_headers && reader_.headers_done()) StartRateWindow();
    if (!had_headers && reader_.TakeContinueRequest()) pending_continue_ = "HTTP/1.1 100 Continue\r\n\r\n";
    if (state == RequestReader::State::kRejected) {
      if (!reader_.reject_detail().empty())
        LOG_WARN("%s from %s", reader_.reject_detail().c_str(), peer_ip_.c_str());
      else
        LOG_INFO("request from %s: %d %s", peer_ip_.c_str(), reader_.reject_status(),
                 reader_.reject_reason().c_str());
      linger_ = true;
      Respond(ErrorResponse(reader_.reject_status(), reader_.reject_reason()));
      return false;
    }
    if (state != RequestReader::State::kComplete) return true;
    linger_ = reader_.body_skipped();  // the body is unread: drain it before closing
    const ListenerOptions& options = owner_->options_;
    KeepAlive keep_alive;
    keep_alive.offered = !linger_ && owner_->KeepAliveAllowed() &&
                         requests_done_ + 1 < options.keepalive_max_requests;
    keep_alive.timeout_s = std::max<int64_t>(1, options.keepalive_timeout_ms / 1000);
    keep_alive.remaining = options.keepalive_max_requests - std::min(options.keepalive_max_requests, requests_done_ + 1);
    std::string response =
        owner_->router_->Handle(reader_.head(), reader_.body(), peer_ip_, peer_port_, &keep_alive);
    reader_.body().Clear();  // the body is in the inbox now: give the memory (or file) back
    keep_alive_ = keep_alive.kept;
    Respond(std::move(response));
    return false;
  }

  // Every kRateWindowMs while the body arrives: at least min_body_rate bytes/s on average, or 408.
  void StartRateWindow() {
    if (owner_->options_.min_body_rate == 0 || reader_.state() != RequestReader::State::kBody) return;
    window_start_bytes_ = reader_.body_bytes_received();
    rate_timer_ = owner_->loop_->AddTimer(kRateWindowMs, [this] {
      rate_timer_ = 0;
      if (phase_ != Phase::kReading) return;
      uint64_t got = reader_.body_bytes_received() - window_start_bytes_;
      uint64_t needed = owner_->options_.min_body_rate * static_cast<uint64_t>(kRateWindowMs) / 1000;
      if (got < needed) return OnTimeout("body slower than the minimum rate");
      StartRateWindow();
    });
  }

  bool FlushContinue() {
    Conn::IoResult r = conn_->Write(pending_continue_.data(), pending_continue_.size());
    if (r.io == Conn::Io::kDone) {
      pending_continue_.erase(0, r.bytes);
      return pending_continue_.empty();
    }
    if (r.io == Conn::Io::kWantRead || r.io == Conn::Io::kWantWrite) Want(r.io);
    else Finish();
    return false;
  }

  // The request's reading is over (answered, refused or timed out): its timers stop.
  void Respond(std::string response, bool after_timeout = false) {
    owner_->loop_->CancelTimer(deadline_timer_);
    deadline_timer_ = 0;
    owner_->loop_->CancelTimer(rate_timer_);
    rate_timer_ = 0;
    pending_continue_.clear();
    out_ = std::move(response);
    written_ = 0;
    phase_ = Phase::kWriting;
    Rearm(after_timeout ? 1000 : owner_->options_.body_timeout_ms, "answer not taken");
    owner_->loop_->UpdateFd(conn_->fd(), EventLoop::kWritable);
  }

  void WriteResponse() {
    while (written_ < out_.size()) {
      Conn::IoResult r = conn_->Write(out_.data() + written_, out_.size() - written_);
      if (r.io == Conn::Io::kWantRead || r.io == Conn::Io::kWantWrite) return Want(r.io);
      if (r.io != Conn::Io::kDone) return Finish();
      written_ += r.bytes;
    }
    out_.clear();
    ++requests_done_;
    // Kept alive unless the listener stopped meanwhile (SIGTERM while the answer was leaving).
    if (keep_alive_ && !linger_ && owner_->KeepAliveAllowed()) return AwaitNextRequest();
    if (!linger_) return Finish();
    phase_ = Phase::kLingering;
    Rearm(kLingerMs, "lingering close");
    owner_->loop_->UpdateFd(conn_->fd(), EventLoop::kReadable);
  }

  // Keep-alive: idle until the next request's first byte (or the idle timeout), unless bytes of
  // it were already read with the previous one (pipelining).
  void AwaitNextRequest() {
    phase_ = Phase::kReading;
    keep_alive_ = false;
    request_bytes_ = 0;
    idle_since_ms_ = owner_->loop_->NowMs();
    Rearm(owner_->options_.keepalive_timeout_ms, "idle keep-alive connection");
    owner_->loop_->UpdateFd(conn_->fd(), EventLoop::kReadable);
    size_t pipelined = reader_.extra_bytes();
    RequestReader::State state = reader_.StartNext();
    if (pipelined == 0) return;
    CountRequestBytes(pipelined);
    Took(state, /*had_headers=*/false);
  }

  void Linger() {
    char buffer[kReadChunk];
    for (;;) {
      Conn::IoResult r = conn_->Read(buffer, sizeof(buffer));
      if (r.io == Conn::Io::kWantRead || r.io == Conn::Io::kWantWrite) return Want(r.io);
      if (r.io != Conn::Io::kDone) return Finish();
      lingered_bytes_ += r.bytes;
      if (lingered_bytes_ > kLingerMaxBytes) return Finish();
    }
  }

  void Want(Conn::Io io) {
    owner_->loop_->UpdateFd(conn_->fd(), io == Conn::Io::kWantRead ? EventLoop::kReadable
                                                                   : EventLoop::kWritable);
  }

  void Finish() {
    phase_ = Phase::kDone;
    owner_->loop_->UpdateFd(conn_->fd(), 0);
    owner_->Close(conn_->fd());
  }

  Listener* owner_;
  std::unique_ptr<Conn> conn_;
  RequestReader reader_;
  std::string peer_ip_;
  int peer_port_;
  Phase phase_ = Phase::kReading;
  int64_t accepted_ms_;
  int64_t last_activity_ms_ = accepted_ms_;  // last readiness event on the socket
  size_t requests_done_ = 0;                 // answers written whole on this connection
  int64_t idle_since_ms_ = 0;                // when the last answer was written
  // The request being read: its first byte (accept for the first request) and its bytes
  // received so far (decrypted, head and body; 0: not begun).
  int64_t request_started_ms_ = 0;
  uint64_t request_bytes_ = 0;
  uint64_t window_start_bytes_ = 0;
  EventLoop::TimerId deadline_timer_ = 0;
  EventLoop::TimerId rate_timer_ = 0;
  bool linger_ = false;          // answered before the request was read to its end
  bool keep_alive_ = false;      // the answer being written leaves the connection open
  size_t lingered_bytes_ = 0;
  std::string pending_continue_;
  std::string out_;
  size_t written_ = 0;
  EventLoop::TimerId timer_ = 0;
};

Result<std::unique_ptr<Listener>> Listener::Start(EventLoop* loop, const std::string& listen,
                                                  HttpRouter* router,
                                                  std::shared_ptr<TlsServerContext> tls,
                                                  const ListenerOptions& options) {
  std::string host, port;
  FREENAHI_RETURN_IF_ERROR(SplitHostPort(listen, &host, &port));
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  int rc = getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(), &hints, &found);
  if (rc != 0) return Status::InvalidArgument("listen " + listen + ": " + gai_strerror(rc));
  std::unique_ptr<addrinfo, void (*)(addrinfo*)> guard(found, freeaddrinfo);
  Result<UniqueFd> fd = BindSocket(found);
  if (!fd.ok()) return fd.status().WithContext("listen " + listen);
  std::unique_ptr<Listener> listener(new Listener(loop, router));  // private constructor
  listener->loopback_ = IsLoopback(found->ai_addr);
  listener->listen_fd_ = std::move(*fd);
  sockaddr_storage bound{};
  socklen_t len = sizeof(bound);
  getsockname(listener->listen_fd_.get(), reinterpret_cast<sockaddr*>(&bound), &len);
  PeerAddress(bound, &listener->port_);
  listener->Reconfigure(std::move(tls), options);
  Listener* self = listener.get();
  loop->AddFd(self->listen_fd_.get(), EventLoop::kReadable, [self](unsigned) { self->OnAcceptable(); });
  return listener;
}

Listener::Listener(EventLoop* loop, HttpRouter* router) : loop_(loop), router_(router) {}

Listener::~Listener() {
  loop_->CancelTimer(sweep_timer_);
  loop_->CancelTimer(resume_timer_);
  loop_->CancelTimer(recheck_timer_);
  if (listen_fd_.valid()) loop_->RemoveFd(listen_fd_.get());
}

void Listener::Reconfigure(std::shared_ptr<TlsServerContext> tls, const ListenerOptions& options) {
  tls_ = std::move(tls);
  options_ = options;
  UpdateAcceptInterest();
}

void Listener::StopAccepting() {
  if (!listen_fd_.valid()) return;
  loop_->RemoveFd(listen_fd_.get());
  listen_fd_.Reset();
  std::vector<Connection*> open;  // Drain may close one, which edits connections_
  for (const auto& entry : connections_) open.push_back(entry.second.get());
  for (Connection* c : open) c->Drain();
}

size_t Listener::busy_connections() const {
  size_t n = 0;
  for (const auto& entry : connections_) n += !entry.second->idle_keepalive();
  return n;
}

void Listener::UpdateAcceptInterest() {
  if (!listen_fd_.valid() || accept_paused_) return;
  bool room = connections_.size() < options_.max_connections || FindVictim(nullptr) != nullptr;
  loop_->UpdateFd(listen_fd_.get(), room ? unsigned{EventLoop::kReadable} : 0u);
  if (!room && recheck_timer_ == 0) {  // connections age into victims: look again
    recheck_timer_ = loop_->AddTimer(kFullRecheckMs, [this] {
      recheck_timer_ = 0;
      UpdateAcceptInterest();
    });
  }
}

Listener::Connection* Listener::FindVictim(const std::string* ip) const {
  int64_t now = loop_->NowMs();
  Connection* victim = nullptr;
  int victim_rank = 0;  // 3: idle keep-alive, 2: lingering, 1: slow reader
  double victim_rate = 0;
  for (const auto& entry : connections_) {
    Connection* c = entry.second.get();
    if (ip != nullptr && c->peer_ip() != *ip) continue;
    double rate = 0;
    int rank = c->idle_keepalive() ? 3 : c->lingering(now) ? 2 : c->SlowReader(now, &rate) ? 1 : 0;
    if (rank == 0) continue;
    bool better = victim == nullptr || rank > victim_rank;
    if (!better && rank == victim_rank) {
      if (rank == 3) better = c->idle_since_ms() < victim->idle_since_ms();
      else better = rate < victim_rate || (rate == victim_rate && c->accepted_ms() < victim->accepted_ms());
    }
    if (better) {
      victim = c;
      victim_rank = rank;
      victim_rate = rate;
    }
  }
  return victim;
}

size_t Listener::CountFrom(const std::string& ip) const {
  size_t n = 0;
  for (const auto& entry : connections_) n += entry.second->peer_ip() == ip;
  return n;
}

void Listener::NoteShed(const std::string& ip, const char* what) {
  ++shed_unlogged_;
  int64_t now = loop_->NowMs();
  if (last_shed_log_ms_ >= 0 && now - last_shed_log_ms_ < kShedLogEveryMs) return;
  LOG_WARN("connection limits (%zu in all, %zu per address): %zu connection(s) shed since the last "
           "such line; latest: %s from %s",
           options_.max_connections, options_.max_connections_per_ip, shed_unlogged_, what,
           ip.c_str());
  last_shed_log_ms_ = now;
  shed_unlogged_ = 0;
}

void Listener::OnAcceptable() {
  while (listen_fd_.valid()) {
    if (connections_.size() >= options_.max_connections && FindVictim(nullptr) == nullptr) break;
    sockaddr_storage peer{};
    socklen_t len = sizeof(peer);
    UniqueFd fd(accept4(listen_fd_.get(), reinterpret_cast<sockaddr*>(&peer), &len,
                        SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (!fd.valid()) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR || errno == ECONNABORTED) break;
      // EMFILE, ENFILE, ENOMEM: the pending client stays in the backlog and the listening fd
      // stays readable; pause instead of spinning, then try again.
      LOG_WARN("accept: %s; pausing new connections for %lld ms", strerror(errno),
               static_cast<long long>(kAcceptPauseMs));
      accept_paused_ = true;
      loop_->UpdateFd(listen_fd_.get(), 0);
      resume_timer_ = loop_->AddTimer(kAcceptPauseMs, [this] {
        resume_timer_ = 0;
        accept_paused_ = false;
        UpdateAcceptInterest();
      });
      return;
    }
    int one = 1;
    setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    int peer_port = 0;
    std::string peer_ip = PeerAddress(peer, &peer_port);
    if (CountFrom(peer_ip) >= options_.max_connections_per_ip) {
      Connection* victim = FindVictim(&peer_ip);
      if (victim == nullptr) {
        NoteShed(peer_ip, "refused a connection over the per-address limit");
        continue;  // `fd` closes here
      }
      NoteShed(peer_ip, "closed a slow or idle connection for a new one (per-address limit)");
      victim->Evict();
    } else if (connections_.size() >= options_.max_connections) {
      Connection* victim = FindVictim(nullptr);
      if (victim == nullptr) continue;  // cannot happen: checked above, in this same pass
      NoteShed(victim->peer_ip(), "closed a slow or idle connection for a new one (table full)");
      victim->Evict();
    }
    Accept(std::move(fd), peer_ip, peer_port);
  }
  UpdateAcceptInterest();
}

void Listener::Accept(UniqueFd fd, const std::string& peer_ip, int peer_port) {
  int raw = fd.get();
  std::unique_ptr<Conn> conn = tls_ ? tls_->Accept(std::move(fd)) : MakePlainConn(std::move(fd));
  LOG_DEBUG("connection from %s:%d", peer_ip.c_str(), peer_port);
  connections_[raw] = std::make_unique<Connection>(this, std::move(conn), peer_ip, peer_port);
}

void Listener::Close(int fd) {
  auto it = connections_.find(fd);
  if (it == connections_.end()) return;
  closed_.push_back(std::move(it->second));
  connections_.erase(it);
  if (sweep_timer_ == 0) sweep_timer_ = loop_->AddTimer(0, [this] { Sweep(); });
  UpdateAcceptInterest();
}

void Listener::Sweep() {
  sweep_timer_ = 0;
  closed_.clear();
}

}  // namespace freenahi
