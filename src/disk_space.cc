// SPDX-License-Identifier: MIT
// Database size (file + WAL) and free space on its filesystem: stat(2) and statvfs(3).
#include "disk_space.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <cstdio>

namespace freenahi {
namespace {

Status PosixError(const std::string& what, const std::string& path) {
  return Status::IOError(what + " " + path + ": " + strerror(errno));
}

std::string Mib(int64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return text;
}

}  // namespace

std::string DirectoryOf(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

Result<DiskSpace> MeasureDiskSpace(const std::string& database_path, int64_t low_below_bytes) {
  DiskSpace space;
  struct stat st;
  if (stat(database_path.c_str(), &st) != 0) return PosixError("stat", database_path);
  space.database_bytes = static_cast<int64_t>(st.st_size);
  const std::string wal = database_path + "-wal";
  if (stat(wal.c_str(), &st) == 0) {
    space.wal_bytes = static_cast<int64_t>(st.st_size);
  } else if (errno != ENOENT) {
    return PosixError("stat", wal);
  }
  const std::string dir = DirectoryOf(database_path);
  struct statvfs vfs;
  if (statvfs(dir.c_str(), &vfs) != 0) return PosixError("statvfs", dir);
  space.free_bytes = static_cast<int64_t>(vfs.f_bavail) * static_cast<int64_t>(vfs.f_frsize);
  space.total_bytes = static_cast<int64_t>(vfs.f_blocks) * static_cast<int64_t>(vfs.f_frsize);
  space.low = space.free_bytes < low_below_bytes;
  return space;
}

std::string DescribeDiskSpace(const DiskSpace& space, int64_t low_below_bytes) {
  std::string line = "database " + Mib(space.database_bytes) + " (WAL " + Mib(space.wal_bytes) +
                     "), " + Mib(space.free_bytes) + " free of " + Mib(space.total_bytes);
  if (space.low) {
    line += "; WARNING: less than " + Mib(low_below_bytes) +
            " free: a large sync may be refused (503) until space is freed; lower [store] "
            "keep_applied_bodies or free the filesystem";
  }
  return line;
}

}  // namespace freenahi
