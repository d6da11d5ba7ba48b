// SPDX-License-Identifier: MIT
// QrForTerminal when freenahi is built without libqrencode: no QR code, the link alone.
#include "qr_terminal.h"

namespace freenahi {

std::string QrForTerminal(const std::string&) { return ""; }

}  // namespace freenahi
