// SPDX-License-Identifier: MIT
// Allocators without malloc_trim (musl on OpenWrt) unmap large freed blocks on their own.
#include "memory.h"

namespace freenahi {

void ReleaseFreeMemory() {}

}  // namespace freenahi
