// SPDX-License-Identifier: MIT
// The listening socket: accept (or pause when out of descriptors), the per-address and total
// connection caps, which connection gives way to a newcomer, and a stop that lets open
// exchanges finish. Each connection's own life is in listener_connection.cc.
#include "listener.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>

#include "listener_connection.h"
#include "log.h"

namespace freenahi {
namespace {

constexpr int64_t kAcceptPauseMs = 200;
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
