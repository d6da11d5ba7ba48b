// SPDX-License-Identifier: MIT
// RequestBody: one request's decoded body as it arrives. Small bodies stay in memory; past a
// limit, the bytes go to an unlinked temporary file (a spool) in a directory on the database's
// filesystem, so a 60 MB webhook costs a few pages of RAM, and a full disk shows up here as 503.
// It can also compute an HMAC-SHA256 of the body as it arrives (webhook signatures).
#ifndef FREENAHI_REQUEST_BODY_H_
#define FREENAHI_REQUEST_BODY_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "body_framing.h"
#include "crypto.h"
#include "record_stream.h"
#include "status.h"
#include "unique_fd.h"

namespace freenahi {

class RequestBody : public BodyConsumer {
 public:
  RequestBody() = default;  // memory only
  // Bytes past the first `memory_limit` go to a spool file in `spool_dir` (the whole body moves
  // there: memory then holds nothing). An empty `spool_dir` keeps everything in memory.
  RequestBody(std::string spool_dir, size_t memory_limit)
      : spool_dir_(std::move(spool_dir)), memory_limit_(memory_limit) {}
  // A body given whole (tests, and callers that already hold one).
  explicit RequestBody(std::string body) : memory_(std::move(body)), size_(memory_.size()) {}
  RequestBody(RequestBody&&) = default;
  RequestBody& operator=(RequestBody&&) = default;

  // From now on, an HMAC-SHA256 under `key` over `prefix` then the body bytes is computed.
  void StartMac(std::string_view key, std::string prefix);
  // The prefix given to StartMac ("" when not started), and the MAC once the body is complete
  // ("" when not started or on a library failure). Mac() may be called once.
  const std::string& mac_prefix() const { return mac_prefix_; }
  std::string Mac();

  // Expected size (Content-Length): reserves memory for a body that will stay in memory.
  void Reserve(uint64_t bytes);
  bool Consume(const char* data, size_t size, FramingError* error) override;

  uint64_t size() const { return size_; }
  bool spooled() const { return file_.valid(); }
  // The body when !spooled().
  std::string_view memory() const { return memory_; }
  // Reads the body from its start, in chunks, wherever it is. Valid while this object lives.
  std::unique_ptr<ByteSource> Reader() const;
  // Forgets the body: gives the memory back, closes (and so frees) the spool file.
  void Clear();

 private:
  bool Spill(FramingError* error);  // opens the spool file and moves memory_ into it
  Status WriteAll(const char* data, size_t size);

  // A spooled body is written in pieces of this size, not one write(2) per received chunk (a TLS
  // record: 16 KiB): an 88 MiB body took 5,500 writes (strace). Its gain, with TLS's receive
  // buffer: tls_session.h.
  static constexpr size_t kSpoolWriteBytes = 256 * 1024;

  std::string spool_dir_;
  size_t memory_limit_ = SIZE_MAX;
  std::string memory_;
  UniqueFd file_;
  std::string tail_;  // spooled bytes not written yet (under kSpoolWriteBytes); readers see them
  uint64_t size_ = 0;
  std::unique_ptr<HmacSha256Stream> mac_;
  std::string mac_prefix_;
};

// An unlinked, 0600 temporary file in `dir` (O_TMPFILE, else mkstemp then unlink): gone from the
// filesystem as soon as it is closed, whatever happens to the process.
Result<UniqueFd> OpenSpoolFile(const std::string& dir);

}  // namespace freenahi

#endif  // FREENAHI_REQUEST_BODY_H_
