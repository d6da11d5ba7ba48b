// SPDX-License-Identifier: MIT
// A file replaced atomically: written to a temporary file beside it, fsynced, then renamed over
// the target, so readers see the old file or the whole new one, never half. Until Commit() the
// target is untouched; the destructor removes an uncommitted temporary.
#ifndef FREENAHI_ATOMIC_FILE_H_
#define FREENAHI_ATOMIC_FILE_H_

#include <sys/types.h>

#include <cstdio>
#include <memory>
#include <string>

#include "status.h"

namespace freenahi {

class AtomicFile {
 public:
  // Creates "<path>.tmp-XXXXXX" with `mode`. IOError "write <path>: <reason>" when the directory
  // is missing or not writable.
  static Result<std::unique_ptr<AtomicFile>> Create(const std::string& path, mode_t mode);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  FILE* stream() const { return stream_; }
  // Flushes, fsyncs, renames over the target and fsyncs the directory.
  Status Commit();

 private:
  AtomicFile(std::string path, std::string temp, FILE* stream)
      : path_(std::move(path)), temp_(std::move(temp)), stream_(stream) {}
  std::string path_, temp_;
  FILE* stream_;
  bool committed_ = false;
};

}  // namespace freenahi

#endif  // FREENAHI_ATOMIC_FILE_H_
