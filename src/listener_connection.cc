// SPDX-License-Identifier: MIT
// One client of the listener: reads requests through RequestReader, answers through HttpRouter,
// keeps the connection for the next request or closes it, and holds the per-request clocks
// (header deadline, body silence, whole-request deadline, minimum body rate) and the idle
// keep-alive timeout. See listener_connection.h for its life.
#include "listener_connection.h"

#include <algorithm>
#include <utility>

#include "log.h"

namespace freenahi {
namespace {

constexpr size_t kReadChunk = 16384;
// After answering a request that was not read to its end (413, 408, ...), keep reading and
// discarding for a while: closing with unread input makes the kernel send a reset, which can
// destroy the answer before the client reads it.
constexpr int64_t kLingerMs = 2000;
constexpr size_t kLingerMaxBytes = 1 << 20;
// The minimum body rate is measured over windows this long (a pause shorter than it is fine).
constexpr int64_t kRateWindowMs = 5000;
// A connection younger than this is never evicted: a fair client gets time for its handshake.
constexpr int64_t kEvictMinAgeMs = 1000;
// ...and silent (no socket event at all) at least this long, or slower than min_body_rate.
constexpr int64_t kEvictIdleMs = 1000;

}  // namespace

Listener::Connection::Connection(Listener* owner, std::unique_ptr<Conn> conn, std::string peer_ip, int peer_port)
    : owner_(owner), conn_(std::move(conn)),
      reader_(owner->options_.limits,
              [router = owner->router_](const std::string& head) { return router->Admit(head); }),
      peer_ip_(std::move(peer_ip)), peer_port_(peer_port),
      accepted_ms_(owner->loop_->NowMs()) {
  int fd = conn_->fd();
  owner_->loop_->AddFd(fd, EventLoop::kReadable, [this](unsigned) { Advance(); });
  BeginRequest();  // the first request's clocks run from accept: the handshake counts
}

Listener::Connection::~Connection() {
  owner_->loop_->CancelTimer(timer_);
  owner_->loop_->CancelTimer(deadline_timer_);
  owner_->loop_->CancelTimer(rate_timer_);
  owner_->loop_->RemoveFd(conn_->fd());
}

bool Listener::Connection::lingering(int64_t now_ms) const {
  return phase_ == Phase::kLingering && now_ms - accepted_ms_ >= kEvictMinAgeMs;
}

bool Listener::Connection::SlowReader(int64_t now_ms, double* rate) const {
  int64_t age = now_ms - request_started_ms_;
  if (phase_ != Phase::kReading || idle_keepalive() || age < kEvictMinAgeMs) return false;
  *rate = static_cast<double>(request_bytes_) * 1000.0 / static_cast<double>(age);
  if (now_ms - last_activity_ms_ >= kEvictIdleMs) return true;
  return request_bytes_ > 0 && *rate < static_cast<double>(owner_->options_.min_body_rate);
}

void Listener::Connection::Evict() {
  if (phase_ != Phase::kDone) Finish();
}

void Listener::Connection::Drain() {
  if (idle_keepalive()) Finish();
}

void Listener::Connection::Rearm(int64_t delay_ms, const char* why) {
  owner_->loop_->CancelTimer(timer_);
  timer_ = owner_->loop_->AddTimer(delay_ms, [this, why] {
    timer_ = 0;
    OnTimeout(why);
  });
}

void Listener::Connection::BeginRequest() {
  request_started_ms_ = owner_->loop_->NowMs();
  Rearm(owner_->options_.header_timeout_ms, "headers not received in time");
  owner_->loop_->CancelTimer(deadline_timer_);
  deadline_timer_ = owner_->loop_->AddTimer(owner_->options_.request_timeout_ms, [this] {
    deadline_timer_ = 0;
    if (phase_ == Phase::kReading) OnTimeout("request not received in time");
  });
}

void Listener::Connection::OnTimeout(const char* why) {
  if (idle_keepalive()) {  // the ordinary end of a kept-alive connection
    LOG_DEBUG("connection from %s:%d: %s, closing", peer_ip_.c_str(), peer_port_, why);
    return Finish();
  }
  LOG_INFO("connection from %s:%d: %s, closing", peer_ip_.c_str(), peer_port_, why);
  // A request under way is told why; a silent client or a stalled handshake is just closed.
  if (phase_ == Phase::kReading && request_bytes_ > 0) return Respond(ErrorResponse(408, why), true);
  Finish();
}

void Listener::Connection::Advance() {
  last_activity_ms_ = owner_->loop_->NowMs();
  for (;;) {
    Phase before = phase_;
    if (phase_ == Phase::kReading) ReadRequest();
    else if (phase_ == Phase::kWriting) WriteResponse();
    else if (phase_ == Phase::kLingering) Linger();
    if (phase_ == before || phase_ == Phase::kDone) return;
  }
}

void Listener::Connection::ReadRequest() {
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

void Listener::Connection::CountRequestBytes(size_t bytes) {
  if (request_bytes_ == 0 && requests_done_ > 0) BeginRequest();  // first byte after idling
  request_bytes_ += bytes;
}

bool Listener::Connection::Took(RequestReader::State state, bool had_headers) {
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
  Answer();
  return false;
}

void Listener::Connection::Answer() {
  linger_ = reader_.body_skipped();  // the body is unread: drain it before closing
  const ListenerOptions& options = owner_->options_;
  KeepAlive keep_alive;
  keep_alive.offered = !linger_ && owner_->KeepAliveAllowed() &&
                       requests_done_ + 1 < options.keepalive_max_requests;
  keep_alive.timeout_s = std::max<int64_t>(1, options.keepalive_timeout_ms / 1000);
  keep_alive.remaining =
      options.keepalive_max_requests - std::min(options.keepalive_max_requests, requests_done_ + 1);
  std::string response =
      owner_->router_->Handle(reader_.head(), reader_.body(), peer_ip_, peer_port_, &keep_alive);
  reader_.body().Clear();  // the body is in the inbox now: give the memory (or file) back
  keep_alive_ = keep_alive.kept;
  Respond(std::move(response));
}

void Listener::Connection::StartRateWindow() {
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

bool Listener::Connection::FlushContinue() {
  Conn::IoResult r = conn_->Write(pending_continue_.data(), pending_continue_.size());
  if (r.io == Conn::Io::kDone) {
    pending_continue_.erase(0, r.bytes);
    return pending_continue_.empty();
  }
  if (r.io == Conn::Io::kWantRead || r.io == Conn::Io::kWantWrite) Want(r.io);
  else Finish();
  return false;
}

void Listener::Connection::Respond(std::string response, bool after_timeout) {
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

void Listener::Connection::WriteResponse() {
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

void Listener::Connection::AwaitNextRequest() {
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

void Listener::Connection::Linger() {
  char buffer[kReadChunk];
  for (;;) {
    Conn::IoResult r = conn_->Read(buffer, sizeof(buffer));
    if (r.io == Conn::Io::kWantRead || r.io == Conn::Io::kWantWrite) return Want(r.io);
    if (r.io != Conn::Io::kDone) return Finish();
    lingered_bytes_ += r.bytes;
    if (lingered_bytes_ > kLingerMaxBytes) return Finish();
  }
}

void Listener::Connection::Want(Conn::Io io) {
  owner_->loop_->UpdateFd(conn_->fd(), io == Conn::Io::kWantRead ? EventLoop::kReadable
                                                                 : EventLoop::kWritable);
}

void Listener::Connection::Finish() {
  phase_ = Phase::kDone;
  owner_->loop_->UpdateFd(conn_->fd(), 0);
  owner_->Close(conn_->fd());
}

}  // namespace freenahi
