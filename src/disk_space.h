// SPDX-License-Identifier: MIT
// How much flash the database takes (file + WAL) and how much its filesystem has left, with a
// low-space warning. Plain POSIX (stat, statvfs); knows no SQLite. Used by serve's housekeeping,
// `freenahi status` and `freenahi doctor`.
#ifndef FREENAHI_DISK_SPACE_H_
#define FREENAHI_DISK_SPACE_H_

#include <cstdint>
#include <string>

#include "status.h"

namespace freenahi {

// Below this many free bytes on the database's filesystem, DescribeDiskSpace warns: a first sync
// needs about twice its body (inbox copy + rows), and the WAL up to 4 MiB more.
constexpr int64_t kLowFreeSpaceBytes = 16 << 20;

struct DiskSpace {
  int64_t database_bytes = 0;  // the database file
  int64_t wal_bytes = 0;       // its -wal file (0 when absent)
  int64_t free_bytes = 0;      // available to this process on the filesystem holding it
  int64_t total_bytes = 0;     // size of that filesystem
  bool low = false;            // free_bytes < the threshold given to MeasureDiskSpace
};

// Measures `database_path` (which must exist) and its filesystem. IOError "stat <path>: <errno
// text>" / "statvfs <dir>: ...".
Result<DiskSpace> MeasureDiskSpace(const std::string& database_path,
                                   int64_t low_below_bytes = kLowFreeSpaceBytes);

// The directory holding `path` ("." for a bare name, "/" for a file at the root): where the
// database's filesystem is measured, and where large webhook bodies are spooled.
std::string DirectoryOf(const std::string& path);

// One line: "database 12.3 MiB (WAL 0.4 MiB), 48.1 MiB free of 120.0 MiB", plus
// "; WARNING: less than 16.0 MiB free: ..." when low.
std::string DescribeDiskSpace(const DiskSpace& space, int64_t low_below_bytes = kLowFreeSpaceBytes);

}  // namespace freenahi

#endif  // FREENAHI_DISK_SPACE_H_
