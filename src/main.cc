// SPDX-License-Identifier: MIT
// Entry point: everything is in cli.cc.
#include "cli.h"

int main(int argc, char** argv) { return freenahi::RunCli(argc, argv); }
