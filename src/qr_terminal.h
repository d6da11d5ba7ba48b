// SPDX-License-Identifier: MIT
// A text as a QR code drawn for a terminal with Unicode half blocks (two module rows per line).
// Encoding is libqrencode's (never our own); without it at build time (qr_terminal_none.cc) the
// function returns an empty string. Called by `freenahi connect` on a TTY.
#ifndef FREENAHI_QR_TERMINAL_H_
#define FREENAHI_QR_TERMINAL_H_

#include <string>

namespace freenahi {

// Light modules are drawn, dark ones left blank, with a quiet zone, so a phone reads it from a
// dark terminal. Empty when the text cannot be encoded or QR support was not built in.
std::string QrForTerminal(const std::string& text);

}  // namespace freenahi

#endif  // FREENAHI_QR_TERMINAL_H_
