// SPDX-License-Identifier: MIT
// Listener::Connection, one client of the listener (internal to listener.cc and
// listener_connection.cc): its phases, per-request clocks and keep-alive state. Life: kReading
// (handshake, headers, body) → kWriting (the answer) → closed, or, when the answer keeps the
// connection open (keep-alive), back to kReading for the next request, whose bytes may already
// be there (pipelining). Errors, refusals and timeouts always close: the client starts afresh.
#ifndef FREENAHI_LISTENER_CONNECTION_H_
#define FREENAHI_LISTENER_CONNECTION_H_

#include <cstdint>
#include <memory>
#include <string>

#include "event_loop.h"
#include "http_router.h"
#include "listener.h"
#include "tls.h"

namespace freenahi {

class Listener::Connection {
 public:
  Connection(Listener* owner, std::unique_ptr<Conn> conn, std::string peer_ip, int peer_port);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  const std::string& peer_ip() const { return peer_ip_; }
  int64_t accepted_ms() const { return accepted_ms_; }
  // Answered and kept open, no byte of the next request yet: the cheapest to drop.
  bool idle_keepalive() const {
    return phase_ == Phase::kReading && requests_done_ > 0 && request_bytes_ == 0;
  }
  int64_t idle_since_ms() const { return idle_since_ms_; }
  // Answered, draining what the client still sends, for long enough to have read the answer.
  bool lingering(int64_t now_ms) const;
  // Reading a request begun long enough ago to have had a fair chance, and either silent for a
  // second (not even a handshake record) or sending slower than min_body_rate on average.
  bool SlowReader(int64_t now_ms, double* rate) const;
  // Dropped for a newcomer: closed without an answer.
  void Evict();
  // The listener stops accepting: an idle connection closes now; a busy one answers with
  // "Connection: close" (KeepAliveAllowed() is false from now on).
  void Drain();

 private:
  enum class Phase { kReading, kWriting, kLingering, kDone };

  void Rearm(int64_t delay_ms, const char* why);
  // A request's clocks: the header deadline and the whole-request deadline.
  void BeginRequest();
  // From any of the three timers; the phase timer is re-armed (or cancelled) by what follows.
  void OnTimeout(const char* why);
  // Runs whenever the socket is ready for what the last operation wanted, and goes on while a
  // phase ends at once (an answer written whole, then a pipelined request already read).
  void Advance();
  void ReadRequest();
  void CountRequestBytes(size_t bytes);
  // After bytes were fed to the reader: timers, "100 Continue", and the answer once the request
  // is complete or refused. False once answering (the reading of this request is over).
  bool Took(RequestReader::State state, bool had_headers);
  // The request is complete: the router's answer, kept alive if allowed.
  void Answer();
  // Every kRateWindowMs while the body arrives: at least min_body_rate bytes/s on average, or 408.
  void StartRateWindow();
  bool FlushContinue();
  // The request's reading is over (answered, refused or timed out): its timers stop.
  void Respond(std::string response, bool after_timeout = false);
  void WriteResponse();
  // Keep-alive: idle until the next request's first byte (or the idle timeout), unless bytes of
  // it were already read with the previous one (pipelining).
  void AwaitNextRequest();
  void Linger();
  void Want(Conn::Io io);
  void Finish();

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
  EventLoop::TimerId timer_ = 0;  // the phase's: headers, body silence, answer, linger, idle
  EventLoop::TimerId deadline_timer_ = 0;
  EventLoop::TimerId rate_timer_ = 0;
  bool linger_ = false;          // answered before the request was read to its end
  bool keep_alive_ = false;      // the answer being written leaves the connection open
  size_t lingered_bytes_ = 0;
  std::string pending_continue_;
  std::string out_;
  size_t written_ = 0;
};

}  // namespace freenahi

#endif  // FREENAHI_LISTENER_CONNECTION_H_
