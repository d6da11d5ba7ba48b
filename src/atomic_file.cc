// SPDX-License-Identifier: MIT
// AtomicFile: mkstemp beside the target, write through stdio, fsync + rename + fsync(dir).
#include "atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

namespace freenahi {
namespace {

Status WriteError(const std::string& path, int error) {
  return Status::IOError("write " + path + ": " + strerror(error));
}

std::string DirectoryOf(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

Result<std::unique_ptr<AtomicFile>> AtomicFile::Create(const std::string& path, mode_t mode) {
  std::string temp = path + ".tmp-XXXXXX";
  int fd = mkstemp(temp.data());
  if (fd < 0) return WriteError(path, errno);
  if (fchmod(fd, mode) != 0) {
    int error = errno;
    close(fd);
    unlink(temp.c_str());
    return WriteError(path, error);
  }
  FILE* stream = fdopen(fd, "w");
  if (stream == nullptr) {
    int error = errno;
    close(fd);
    unlink(temp.c_str());
    return WriteError(path, error);
  }
  setvbuf(stream, nullptr, _IOFBF, 1 << 16);
  return std::unique_ptr<AtomicFile>(new AtomicFile(path, std::move(temp), stream));
}

AtomicFile::~AtomicFile() {
  if (stream_ != nullptr) fclose(stream_);
  if (!committed_) unlink(temp_.c_str());
}

Status AtomicFile::Commit() {
  bool ok = fflush(stream_) == 0 && !ferror(stream_) && fsync(fileno(stream_)) == 0;
  int error = errno;
  ok = fclose(stream_) == 0 && ok;
  stream_ = nullptr;
  if (!ok) return WriteError(path_, error ? error : EIO);
  if (rename(temp_.c_str(), path_.c_str()) != 0) return WriteError(path_, errno);
  committed_ = true;
  int dir = open(DirectoryOf(path_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    fsync(dir);  // best effort: the rename is what matters to readers
    close(dir);
  }
  return Status::Ok();
}

}  // namespace freenahi
