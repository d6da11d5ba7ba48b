// SPDX-License-Identifier: MIT
namespace freenahi { int RunCli(int, char**) { return 0; } }
