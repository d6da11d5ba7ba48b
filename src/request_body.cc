// SPDX-License-Identifier: MIT
// RequestBody: memory, then a spool file; readers over either. Writes are plain write(2) calls on
// a local file (fine on the event loop: each is a few received chunks).
#include "request_body.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <algorithm>
#include <utility>

#include "log.h"

namespace freenahi {
namespace {

constexpr const char* kStorageUnavailable = "storage unavailable, retry later";

// The spool file, pread from offset 0 on (the file's own offset, where writes went, is left
// alone), then the tail not yet written out.
class SpoolSource : public ByteSource {
 public:
  SpoolSource(int fd, uint64_t file_bytes, std::string_view tail)
      : fd_(fd), file_bytes_(file_bytes), tail_(tail) {}
  Result<size_t> Read(char* buffer, size_t capacity) override {
    if (offset_ >= file_bytes_) return tail_.Read(buffer, capacity);
    size_t want = static_cast<size_t>(std::min<uint64_t>(capacity, file_bytes_ - offset_));
    for (;;) {
      ssize_t n = pread(fd_, buffer, want, static_cast<off_t>(offset_));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return Status::IOError(std::string("spooled body: read: ") + strerror(errno));
      if (n == 0) return Status::IOError("spooled body: shorter than written");
      offset_ += static_cast<uint64_t>(n);
      return static_cast<size_t>(n);
    }
  }

 private:
  int fd_;
  uint64_t file_bytes_;
  uint64_t offset_ = 0;
  MemorySource tail_;
};

}  // namespace

Result<UniqueFd> OpenSpoolFile(const std::string& dir) {
#ifdef O_TMPFILE
  UniqueFd fd(open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600));
  if (fd.valid()) return fd;
  // EOPNOTSUPP/EISDIR/EINVAL: a filesystem or kernel without O_TMPFILE; anything else is real.
  if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
    return Status::Unavailable("spool in " + dir + ": " + strerror(errno));
#endif
  std::string path = dir + "/.freenahi-spool-XXXXXX";
  UniqueFd named(mkostemp(path.data(), O_CLOEXEC));  // mode 0600
  if (!named.valid()) return Status::Unavailable("spool in " + dir + ": " + strerror(errno));
  unlink(path.c_str());
  return named;
}

void RequestBody::StartMac(std::string_view key, std::string prefix) {
  mac_ = std::make_unique<HmacSha256Stream>(key);
  mac_prefix_ = std::move(prefix);
  mac_->Update(mac_prefix_);
}

std::string RequestBody::Mac() {
  if (!mac_) return "";
  std::string mac = mac_->Finish();
  mac_.reset();
  return mac;
}

void RequestBody::Reserve(uint64_t bytes) {
  memory_.reserve(static_cast<size_t>(std::min<uint64_t>(bytes, memory_limit_)));
}

bool RequestBody::Consume(const char* data, size_t size, FramingError* error) {
  if (mac_) mac_->Update(std::string_view(data, size));
  size_ += size;
  if (!file_.valid()) {
    if (spool_dir_.empty() || size_ <= memory_limit_) {
      memory_.append(data, size);
      return true;
    }
    if (!Spill(error)) return false;
  }
  tail_.append(data, size);
  if (tail_.size() < kSpoolWriteBytes) return true;
  Status written = WriteAll(tail_.data(), tail_.size());
  tail_.clear();
  if (written.ok()) return true;
  LOG_ERROR("webhook body not stored: %s", written.message().c_str());
  *error = {503, kStorageUnavailable};
  Clear();
  return false;
}

bool RequestBody::Spill(FramingError* error) {
  Result<UniqueFd> fd = OpenSpoolFile(spool_dir_);
  Status written = fd.ok() ? Status::Ok() : fd.status();
  if (fd.ok()) {
    file_ = std::move(*fd);
    written = WriteAll(memory_.data(), memory_.size());
  }
  if (!written.ok()) {
    LOG_ERROR("webhook body not stored: %s", written.message().c_str());
    *error = {503, kStorageUnavailable};
    Clear();
    return false;
  }
  std::string().swap(memory_);
  return true;
}

Status RequestBody::WriteAll(const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = write(file_.get(), data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::Unavailable("spool in " + spool_dir_ + ": write: " + strerror(errno));
    data += n;
    size -= static_cast<size_t>(n);
  }
  return Status::Ok();
}

std::unique_ptr<ByteSource> RequestBody::Reader() const {
  if (file_.valid()) return std::make_unique<SpoolSource>(file_.get(), size_ - tail_.size(), tail_);
  return std::make_unique<MemorySource>(memory_);
}

void RequestBody::Clear() {
  std::string().swap(memory_);
  std::string().swap(tail_);
  file_.Reset();
  size_ = 0;
  mac_.reset();
}

}  // namespace freenahi
