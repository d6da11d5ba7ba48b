// SPDX-License-Identifier: MIT
// glibc keeps freed heap in its arenas; malloc_trim returns the free pages to the kernel.
#include <malloc.h>

#include "memory.h"

namespace freenahi {

void ReleaseFreeMemory() { malloc_trim(0); }

}  // namespace freenahi
