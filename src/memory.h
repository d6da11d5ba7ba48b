// SPDX-License-Identifier: MIT
// Giving freed heap back to the system after a large ingestion: a first sync peaks at tens of MB
// and a router should not keep them for the rest of the year. CMake picks the implementation:
// memory_trim.cc (glibc's malloc_trim) or memory_noop.cc (musl returns large blocks by itself).
#ifndef FREENAHI_MEMORY_H_
#define FREENAHI_MEMORY_H_

namespace freenahi {

void ReleaseFreeMemory();

}  // namespace freenahi

#endif  // FREENAHI_MEMORY_H_
