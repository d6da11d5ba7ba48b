// SPDX-License-Identifier: MIT
// The listening socket and its connections: accept, TLS or plain Conn, read requests through
// RequestReader, answer through HttpRouter, keep the connection open for the next request
// (keep-alive) or close. Enforces, per request, the header deadline, body silence, a
// whole-request deadline and a minimum body rate; per connection, an idle keep-alive timeout and
// a request cap; a per-address cap and the connection cap (when full, a new client takes the
// place of an idle keep-alive connection, else of the slowest idle one; else it waits in the
// backlog).
#ifndef FREENAHI_LISTENER_H_
#define FREENAHI_LISTENER_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "event_loop.h"
#include "http_router.h"
#include "status.h"
#include "tls.h"
#include "unique_fd.h"

namespace freenahi {

struct ListenerOptions {
  HttpLimits limits;
  size_t max_connections = 32;
  // Per request; for a request after the first on a kept-alive connection, "accept" below is
  // its first byte.
  int64_t header_timeout_ms = 10000;  // accept → end of headers, TLS handshake included
  int64_t body_timeout_ms = 30000;    // longest silence while the body arrives or the answer leaves
  int64_t request_timeout_ms = 300000;  // accept → whole request received, however it trickles
  size_t min_body_rate = 4096;          // bytes/s the body must average over each 5 s window
  size_t max_connections_per_ip = 8;    // one address holds at most this many slots
  int64_t keepalive_timeout_ms = 5000;  // answered → next request's first byte (0: no keep-alive)
  size_t keepalive_max_requests = 100;  // requests on one connection before it is closed
};

class Listener {
 public:
  // Binds `listen` ("host:port", "[v6]:port") and starts accepting in `loop`. `loop` and
  // `router` must outlive the listener. `tls` null: plain HTTP.
  static Result<std::unique_ptr<Listener>> Start(EventLoop* loop, const std::string& listen,
                                                 HttpRouter* router,
                                                 std::shared_ptr<TlsServerContext> tls,
                                                 const ListenerOptions& options);
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  // Applies to connections accepted from now on (SIGHUP).
  void Reconfigure(std::shared_ptr<TlsServerContext> tls, const ListenerOptions& options);
  // Closes the listening socket; idle keep-alive connections close now, the others after the
  // answer they are reading or writing.
  void StopAccepting();
  size_t active_connections() const { return connections_.size(); }
  // Connections in the middle of a request or an answer (not idle between two requests).
  size_t busy_connections() const;
  int port() const { return port_; }
  // True when bound to 127.0.0.0/8 or ::1.
  bool is_loopback() const { return loopback_; }

  class Connection;  // one client; defined in listener.cc

 private:
  Listener(EventLoop* loop, HttpRouter* router);
  void OnAcceptable();
  void Accept(UniqueFd fd, const std::string& peer_ip, int peer_port);
  void Close(int fd);  // called by a Connection about itself: deferred to the sweep
  void Sweep();
  void UpdateAcceptInterest();
  // The connection to drop for a newcomer (from `ip` only, unless null): the longest idle
  // keep-alive connection first, then one lingering after an answer, then the slowest of those
  // whose request is older than a second and silent for a second or below min_body_rate.
  Connection* FindVictim(const std::string* ip) const;
  size_t CountFrom(const std::string& ip) const;
  // Whether an answer may leave its connection open (keep-alive on, still accepting).
  bool KeepAliveAllowed() const { return options_.keepalive_timeout_ms > 0 && listen_fd_.valid(); }
  // One log line per 10 s at most for connections shed or refused.
  void NoteShed(const std::string& ip, const char* what);

  EventLoop* loop_;
  HttpRouter* router_;
  std::shared_ptr<TlsServerContext> tls_;
  ListenerOptions options_;
  UniqueFd listen_fd_;
  int port_ = 0;
  bool loopback_ = false;
  std::map<int, std::unique_ptr<Connection>> connections_;
  std::vector<std::unique_ptr<Connection>> closed_;  // destroyed by Sweep, outside their callbacks
  EventLoop::TimerId sweep_timer_ = 0;
  bool accept_paused_ = false;  // accept() failed for lack of resources; resume_timer_ retries
  EventLoop::TimerId resume_timer_ = 0;
  EventLoop::TimerId recheck_timer_ = 0;  // full with no victim yet: look again later
  int64_t last_shed_log_ms_ = -1;
  size_t shed_unlogged_ = 0;
};

}  // namespace freenahi

#endif  // FREENAHI_LISTENER_H_
