// SPDX-License-Identifier: MIT
// The two seams of streaming ingest, as plain interfaces: the store hands the stored body over in
// chunks (ByteSource) and takes records as the parser completes them (RecordSink). Neither side
// includes the other: payload knows no SQLite, the store no JSON.
#ifndef FREENAHI_RECORD_STREAM_H_
#define FREENAHI_RECORD_STREAM_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "model.h"
#include "status.h"

namespace freenahi {

// Bytes pulled in order, a chunk at a time.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Copies up to `capacity` next bytes into `buffer`; returns how many, 0 at the end.
  virtual Result<size_t> Read(char* buffer, size_t capacity) = 0;
};

// A ByteSource over bytes in memory, which must outlive it.
class MemorySource : public ByteSource {
 public:
  explicit MemorySource(std::string_view data) : data_(data) {}
  Result<size_t> Read(char* buffer, size_t capacity) override {
    size_t n = std::min(capacity, data_.size());
    std::memcpy(buffer, data_.data(), n);
    data_.remove_prefix(n);
    return n;
  }

 private:
  std::string_view data_;
};

// Records pushed as soon as each is complete, in document order. An error stops the producer,
// which returns it unchanged.
class RecordSink {
 public:
  virtual ~RecordSink() = default;
  // `account_id`: the account the record is nested in (the store keys it by the nesting).
  virtual Status OnTransaction(int64_t account_id, const Transaction& transaction) = 0;
  virtual Status OnInvestment(int64_t account_id, const Investment& investment) = 0;
};

}  // namespace freenahi

#endif  // FREENAHI_RECORD_STREAM_H_
